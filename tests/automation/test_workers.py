"""Several worker processes over one database run every job, and every item of it,
exactly once: each held case is released once, each quiet case chased or closed once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from casedesk.automation.jobs import JOBS
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import templates
from casedesk.services.cases.holds import release_expired_holds
from casedesk.services.cases.schemas import CaseCreate, CasePatch
from casedesk.services.cases.templates import TemplateCreate, TemplateFields
from casedesk.services.reference import priorities, sla_policies
from casedesk.services.reference.priorities import PriorityCreate
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.auto_close import run_auto_close
from casedesk.services.scheduling.schedules import RecurrenceIn, ScheduleCreate
from casedesk.services.sla.state import sla_sweep
from casedesk.store.db import Database
from casedesk.store.models import (
    AuditEntry,
    Case,
    CaseMessage,
    CaseStatus,
    JobLease,
    StatusHistory,
)
from tests.factories import World, make_case, make_world

HELD = 40
OVERDUE = 30


def _overdue_cases(db: Database, world: World, created: datetime) -> list[int]:
    """Cases of a priority with a one-hour resolution target, opened at ``created``."""
    admin = world.admin.principal
    urgent = priorities.create_priority(db, admin, PriorityCreate(name="Urgent")).id
    sla_policies.create_policy(
        db, admin, SlaPolicyCreate(name="Urgent", priority_id=urgent, resolution_minutes=60)
    )
    data = CaseCreate(title="Server down", priority_id=urgent, group_id=world.group_a)
    return [cases.open_case(db, admin, data, now=created).id for _ in range(OVERDUE)]


def _escalations(db: Database) -> dict[int, int]:
    with db.read() as s:
        rows = s.execute(
            select(AuditEntry.case_id, func.count())
            .where(AuditEntry.action == "case.escalated")
            .group_by(AuditEntry.case_id)
        ).all()
    return {case_id: count for case_id, count in rows}


def _hold_cases(db: Database, until: datetime, world: World | None = None) -> list[int]:
    world = world or make_world(db)
    ids = []
    for n in range(HELD):
        case = make_case(db, world.admin, title=f"Held {n}", group_id=world.group_a)
        cases.update_case(
            db,
            world.admin.principal,
            case.id,
            CasePatch(status=InternalStatus.ON_HOLD, on_hold_until=until),
        )
        ids.append(case.id)
    return ids


def _releases(db: Database) -> dict[int, int]:
    with db.read() as s:
        rows = s.execute(
            select(StatusHistory.case_id, func.count())
            .where(StatusHistory.reason == "hold-expired")
            .group_by(StatusHistory.case_id)
        ).all()
    return {case_id: count for case_id, count in rows}


def test_two_worker_processes_run_each_job_once(db: Database, tmp_path: Path) -> None:
    world = make_world(db)
    overdue = _overdue_cases(db, world, datetime.now(UTC) - timedelta(hours=3))
    ids = _hold_cases(db, datetime.now(UTC) - timedelta(minutes=1), world)

    # Each job ran in one process only, which handled every item; the other found it taken.
    # the report facts job, last in the list, recomputes every case the others changed
    # and the assist looks at every case once (they have no message yet)
    assert _run_two_workers(db, tmp_path) == _only(
        {
            "hold-expiry": HELD,
            "sla-sweep": OVERDUE,
            "report-facts": HELD + OVERDUE,
            "assist": HELD + OVERDUE,
        }
    )
    assert _releases(db) == dict.fromkeys(ids, 1)
    # three hours after opening, one-hour targets are at the top level: one escalation each
    assert _escalations(db) == dict.fromkeys(overdue, 1)
    with db.read() as s:
        assert s.scalar(select(JobLease.runs).where(JobLease.name == "hold-expiry")) == 1
        assert s.scalar(select(JobLease.runs).where(JobLease.name == "sla-sweep")) == 1
        assert s.scalar(select(func.count()).where(Case.status == InternalStatus.ON_HOLD)) == 0


def _only(handled: dict[str, int]) -> list[str]:
    """What the workers report when ``handled`` is all that was to do: every job once,
    the others with nothing handled."""
    return sorted(f"{job.name}: {handled.get(job.name, 0)}" for job in JOBS)


def _job_reports(outputs: list[tuple[bytes, bytes]]) -> list[str]:
    """The ``job: count`` lines of every worker, sorted."""
    return sorted(line for out, _ in outputs for line in out.decode().splitlines() if line)


def _run_two_workers(db: Database, tmp_path: Path) -> list[str]:
    env = os.environ | {
        "CASEDESK_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "CASEDESK_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "casedesk.cli", "worker", "--once"]
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    return _job_reports(outputs)


def _quiet_cases(db: Database, entered: datetime) -> tuple[list[int], list[int]]:
    """Cases in an auto-close status since ``entered``: half are due a chaser, the other
    half got theirs long ago and are due to close."""
    world = make_world(db)
    with db.write() as s:
        status = s.scalars(
            select(CaseStatus).where(
                CaseStatus.corporation_id == world.corporation_id,
                CaseStatus.internal_status == InternalStatus.AWAITING_EXTERNAL,
            )
        ).one()
        status.auto_close_chaser_days, status.auto_close_days = 3, 2
    chase, close = [], []
    for n in range(HELD):
        case = make_case(db, world.admin, title=f"Quiet {n}", group_id=world.group_a)
        cases.update_case(
            db,
            world.admin.principal,
            case.id,
            CasePatch(status=InternalStatus.AWAITING_EXTERNAL),
            now=entered,
        )
        (chase if n % 2 else close).append(case.id)
    with db.write() as s:
        for case_id in close:
            s.get_one(Case, case_id).auto_close_chaser_sent_at = entered + timedelta(days=3)
    return chase, close


def _chasers(db: Database) -> dict[int, int]:
    with db.read() as s:
        rows = s.execute(
            select(CaseMessage.case_id, func.count())
            .where(CaseMessage.is_system.is_(True))
            .group_by(CaseMessage.case_id)
        ).all()
    return {case_id: count for case_id, count in rows}


def _closes(db: Database) -> dict[int, int]:
    with db.read() as s:
        rows = s.execute(
            select(StatusHistory.case_id, func.count())
            .where(StatusHistory.reason == "auto-close")
            .group_by(StatusHistory.case_id)
        ).all()
    return {case_id: count for case_id, count in rows}


def test_two_worker_processes_chase_and_close_each_case_once(db: Database, tmp_path: Path) -> None:
    chase, close = _quiet_cases(db, datetime.now(UTC) - timedelta(days=10))

    assert _run_two_workers(db, tmp_path) == _only(
        {"auto-close": HELD, "report-facts": HELD, "assist": HELD}
    )
    assert _chasers(db) == dict.fromkeys(chase, 1)
    assert _closes(db) == dict.fromkeys(close, 1)


def test_concurrent_auto_close_runs_chase_and_close_each_case_once(db: Database) -> None:
    chase, close = _quiet_cases(db, datetime(2026, 1, 1, tzinfo=UTC))
    now = datetime(2026, 1, 10, tzinfo=UTC)
    start = threading.Barrier(2)
    handled: list[int] = []

    def run() -> None:
        start.wait()
        handled.append(run_auto_close(db, now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(handled) == HELD
    assert _chasers(db) == dict.fromkeys(chase, 1)
    assert _closes(db) == dict.fromkeys(close, 1)


def test_concurrent_runs_of_the_same_job_move_each_case_once(db: Database) -> None:
    """Even without the lease (a holder so slow that its lease ran out), the job itself
    moves every case once."""
    ids = _hold_cases(db, datetime(2026, 1, 1, tzinfo=UTC))
    now = datetime(2026, 1, 2, tzinfo=UTC)
    start = threading.Barrier(2)
    moved: list[int] = []

    def run() -> None:
        start.wait()
        moved.append(release_expired_holds(db, now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(moved) == HELD
    assert _releases(db) == dict.fromkeys(ids, 1)


def test_two_worker_processes_open_a_scheduled_case_once(db: Database, tmp_path: Path) -> None:
    world = make_world(db)
    template = templates.create_template(
        db,
        world.admin.principal,
        TemplateCreate(name="Daily", fields=TemplateFields(title="Daily check")),
    )
    made = datetime.now(UTC) - timedelta(days=2)
    schedules.create_schedule(
        db,
        world.admin.principal,
        ScheduleCreate(
            name="Daily",
            template_id=template.id,
            recurrence=RecurrenceIn(kind="cron", expression="* * * * *"),
            time_zone="UTC",
        ),
        now=made,
    )

    # Two days of minutes were missed: one case, for the latest, by one worker.
    assert _run_two_workers(db, tmp_path) == _only({"schedules": 1, "report-facts": 1, "assist": 1})
    with db.read() as s:
        assert s.scalars(select(Case.title)).all() == ["Daily check"]


def test_concurrent_sweeps_escalate_each_case_once(db: Database) -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    ids = _overdue_cases(db, make_world(db), created)
    now = created + timedelta(minutes=61)
    start = threading.Barrier(2)
    swept: list[int] = []

    def run() -> None:
        start.wait()
        swept.append(sla_sweep(db, now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(swept) == OVERDUE
    assert _escalations(db) == dict.fromkeys(ids, 1)
    with db.read() as s:
        assert set(s.scalars(select(Case.alert_level).where(Case.id.in_(ids)))) == {2}
