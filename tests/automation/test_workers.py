"""Several worker processes over one database run every job, and every item of it,
exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from casedesk.domain.statuses import InternalStatus
from casedesk.services import cases
from casedesk.services.holds import release_expired_holds
from casedesk.services.schemas import CasePatch
from casedesk.store.db import Database
from casedesk.store.models import Case, JobLease, StatusHistory
from tests.factories import make_case, make_world

HELD = 40


def _hold_cases(db: Database, until: datetime) -> list[int]:
    world = make_world(db)
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
    ids = _hold_cases(db, datetime.now(UTC) - timedelta(minutes=1))
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
    reports = [
        [line for line in out.decode().splitlines() if line.startswith("hold-expiry:")]
        for out, _ in outputs
    ]
    # One process ran the job and handled every held case; the other found it taken.
    # (Other jobs may be reported by either.)
    assert sorted(reports) == [[], [f"hold-expiry: {HELD}"]]
    assert _releases(db) == dict.fromkeys(ids, 1)
    with db.read() as s:
        assert s.scalar(select(JobLease.runs).where(JobLease.name == "hold-expiry")) == 1
        assert s.scalar(select(func.count()).where(Case.status == InternalStatus.ON_HOLD)) == 0


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
