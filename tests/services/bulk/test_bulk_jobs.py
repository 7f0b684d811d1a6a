"""A bulk job over a generated set of 5,000 cases: it completes, writes its progress a
chunk at a time, changes and audits every case, and lists what failed and why."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from casedesk.domain.statuses import InternalStatus
from casedesk.services.bulk import jobs
from casedesk.services.bulk.schemas import BulkChange, BulkRequest
from casedesk.services.cases.opening import NewCase, open_cases
from casedesk.services.cases.schemas import CaseCreate
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, BulkJob, Case, CaseStatus, User
from tests.factories import World, make_case, make_world

SIZE = 5_000


def generate(db: Database, world: World, n: int) -> list[int]:
    ids: list[int] = []
    for first in range(0, n, 500):
        orders = [
            NewCase(world.agent_a.principal, CaseCreate(title=f"Case {k}", group_id=world.group_a))
            for k in range(first, min(first + 500, n))
        ]
        for answer in open_cases(db, orders):
            assert not isinstance(answer, Exception)
            ids.append(answer.id)
    return ids


def pending_status(db: Database, world: World) -> int:
    with db.read() as s:
        return s.scalars(
            select(CaseStatus.id).where(
                CaseStatus.corporation_id == world.corporation_id,
                CaseStatus.internal_status == int(InternalStatus.AWAITING_EXTERNAL),
            )
        ).first()  # type: ignore[return-value]


def test_a_job_over_5000_cases_completes_with_progress(db: Database) -> None:
    world = make_world(db)
    ids = generate(db, world, SIZE)
    hidden = make_case(db, world.agent_b, group_id=world.group_b).id
    pending = pending_status(db, world)
    request = BulkRequest(ids=[*ids, hidden], change=BulkChange(status_id=pending))
    started = jobs.start(db, world.agent_a.principal, request, threshold=100)
    assert started.job is not None and started.summary is None
    assert (started.job.state, started.job.total, started.job.done) == ("queued", SIZE + 1, 0)

    seen: list[int] = []
    assert jobs.run_queued(db, datetime.now(UTC), lambda job: seen.append(job.done)) == 1
    assert seen == sorted(seen) and len(seen) == (SIZE + 1 + jobs.CHUNK - 1) // jobs.CHUNK
    assert seen[0] == jobs.CHUNK and seen[-1] == SIZE + 1
    done = jobs.get_job(db, world.agent_a.principal, started.job.id)
    assert (done.state, done.done, done.failed, done.progress) == ("done", SIZE + 1, 1, 1.0)
    assert [(f.case_id, f.reason) for f in done.failures] == [(hidden, "not-found")]
    with db.read() as s:
        changed = s.scalar(select(func.count()).select_from(Case).where(Case.status_id == pending))
        audits = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "case.updated", AuditEntry.case_id.in_(ids))
        )
    assert changed == SIZE
    assert audits == SIZE


def test_a_job_whose_owner_left_fails_with_why(db: Database) -> None:
    world = make_world(db)
    ids = [make_case(db, world.agent_a, group_id=world.group_a).id for _ in range(3)]
    request = BulkRequest(ids=ids, change=BulkChange(add_tags=["later"]))
    job = jobs.start(db, world.agent_a.principal, request, threshold=1).job
    assert job is not None
    with db.write() as s:
        s.execute(update(User).where(User.id == world.agent_a.user_id).values(is_active=False))
    jobs.run_queued(db, datetime.now(UTC))
    with db.read() as s:
        row = s.get(BulkJob, job.id)
        assert row is not None
        assert (row.state, row.cases_done, row.error) == (
            "failed",
            0,
            "the bulk job's user is no longer active",
        )
