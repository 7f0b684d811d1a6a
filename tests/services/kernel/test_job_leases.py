"""Job leases: one holder at a time, a run at most once per interval, dead holders
replaced when their lease runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casedesk.services.kernel import job_leases
from casedesk.store.db import Database

T0 = datetime(2026, 1, 1, tzinfo=UTC)
EVERY = timedelta(minutes=1)
LEASE = timedelta(minutes=10)


def _claim(db: Database, holder: str, now: datetime) -> bool:
    return job_leases.claim(db, "job", holder, every=EVERY, lease=LEASE, now=now)


def test_a_held_lease_is_refused_to_others(db: Database) -> None:
    assert _claim(db, "a", T0)
    assert not _claim(db, "b", T0 + timedelta(seconds=5))


def test_after_a_run_the_job_waits_for_its_interval(db: Database) -> None:
    assert _claim(db, "a", T0)
    job_leases.release(db, "job", "a", started_at=T0)
    assert not _claim(db, "b", T0 + EVERY - timedelta(seconds=1))
    assert _claim(db, "b", T0 + EVERY)
    assert job_leases.runs(db, "job") == 1


def test_the_lease_of_a_dead_holder_is_taken_over_when_it_runs_out(db: Database) -> None:
    assert _claim(db, "a", T0)
    assert not _claim(db, "b", T0 + LEASE - timedelta(seconds=1))
    assert _claim(db, "b", T0 + LEASE)
    # The late holder cannot release a lease that is no longer its own.
    job_leases.release(db, "job", "a", started_at=T0)
    assert not _claim(db, "c", T0 + LEASE + timedelta(seconds=1))
