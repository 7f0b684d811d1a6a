"""Leases that let one process at a time run a periodic job.

A job runs when its lease is free (never taken, or expired because its holder died) and
its interval has passed since the last run. Taking the lease is one conditional UPDATE,
atomic on every backend, so of several processes reaching a job together exactly one
runs it. The work itself must still be safe to repeat item by item (each job re-checks
its condition on the locked row), because a lease can expire under a holder that is
merely slow.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.store.db import Database
from casedesk.store.models import BulkJob, ExportJob, JobLease


def claim(
    db: Database, name: str, holder: str, *, every: timedelta, lease: timedelta, now: datetime
) -> bool:
    """Take the lease of job ``name`` for ``lease`` if the job is due; True if taken."""
    with db.write() as s:
        _ensure_row(s, name)
        taken = s.execute(
            update(JobLease)
            .where(
                JobLease.name == name,
                or_(JobLease.lease_until.is_(None), JobLease.lease_until <= now),
                or_(JobLease.last_run_at.is_(None), JobLease.last_run_at <= now - every),
            )
            .values(holder=holder, lease_until=now + lease)
            .returning(JobLease.name)
            .execution_options(synchronize_session=False)
        )
        return taken.first() is not None


def _ensure_row(session: Session, name: str) -> None:
    """Create the job's row once, whoever gets there first (no error for the others)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(JobLease).values(name=name, runs=0).on_conflict_do_nothing())


def release(db: Database, name: str, holder: str, *, started_at: datetime) -> None:
    """Give the lease back and note the run (only if ``holder`` still holds it)."""
    with db.write() as s:
        s.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.holder == holder)
            .values(lease_until=None, holder=None, last_run_at=started_at, runs=JobLease.runs + 1)
            .execution_options(synchronize_session=False)
        )


def runs(db: Database, name: str) -> int:
    with db.read() as s:
        return s.scalar(select(JobLease.runs).where(JobLease.name == name)) or 0


#: The queues of background work that callers wait on with a progress bar.
QueuedWork = TypeVar("QueuedWork", BulkJob, ExportJob)


def claim_queued(db: Database, model: type[QueuedWork]) -> int | None:
    """Take the oldest ``queued`` row of ``model`` and mark it ``running``; its id, or
    None when nothing waits. ``SKIP LOCKED``: of several processes each takes another."""
    with db.write() as s:
        row = s.scalars(
            select(model)
            .where(model.state == "queued")
            .order_by(model.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.state = "running"
        return row.id
