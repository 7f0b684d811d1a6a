"""Benchmark of the SLA escalation sweep over many due cases.

Fills a fresh database straight through the store (bulk inserts, not the API) with one
corporation, a Mon-Fri 09:00-17:00 Europe/Oslo calendar on every priority, one policy
(first response 4 h, next response 2 h, resolution 40 h, the default alert levels) and
``--n`` open cases created over the last two weeks, each with a status history (some
waited on the customer for a while), a third of them answered and asked again, an
assignee on half. Every case is marked due (``sla_check_at`` in the past), then one full
sweep is timed: it evaluates every case, stores its fields, records breaches and
escalations with their audit and outbox rows. A second sweep right after shows the cost
when nothing is due.

See bench/README.md for how to run it and read its output.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import postgres

from casedesk.domain.escalation import DEFAULT_LEVELS
from casedesk.domain.members import MemberRole
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.sla.state import sla_sweep
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import (
    AuditEntry,
    Calendar,
    Case,
    CaseMember,
    CaseMessage,
    CaseStatus,
    Group,
    Priority,
    SlaBreach,
    SlaPolicy,
    StatusHistory,
)

CHUNK = 5_000


def fill(db: Database, n: int, now: datetime, seed: int) -> None:
    rng = random.Random(seed)
    with db.write() as s:
        corp = create_corporation(s, "Bench", "B-").id
        calendar = Calendar(
            corporation_id=corp,
            name="Office",
            time_zone="Europe/Oslo",
            hours={str(d): [["09:00", "17:00"]] for d in range(5)},
            holidays=["2026-05-01", "2026-05-14", "2026-12-25"],
        )
        s.add(calendar)
        s.flush()
        s.execute(
            update(Priority).where(Priority.corporation_id == corp).values(calendar_id=calendar.id)
        )
        s.add(
            SlaPolicy(
                corporation_id=corp,
                name="Standard",
                first_response_minutes=240,
                next_response_minutes=120,
                resolution_minutes=2400,
                alert_levels=[
                    {
                        "level": lv.level,
                        "name": lv.name,
                        "fraction_of_target": lv.fraction_of_target,
                        "minutes_from_due": lv.minutes_from_due,
                    }
                    for lv in DEFAULT_LEVELS
                ],
                position=0,
                is_active=True,
            )
        )
        statuses = dict(
            s.execute(
                select(CaseStatus.internal_status, CaseStatus.id).where(
                    CaseStatus.corporation_id == corp
                )
            ).all()
        )
        priority_ids = list(s.scalars(select(Priority.id).where(Priority.corporation_id == corp)))
        group = s.scalar(select(Group.id).where(Group.corporation_id == corp))
    agent = add_user(db, "agent@bench.test", "agent", "bench-password-1", corporation_id=corp)
    due = now - timedelta(minutes=1)
    for start in range(0, n, CHUNK):
        cases: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        for case_id in range(start + 1, min(start + CHUNK, n) + 1):
            created = now - timedelta(minutes=rng.randrange(10, 14 * 24 * 60))
            replied = (
                created + timedelta(minutes=rng.randrange(5, 600)) if case_id % 3 == 0 else None
            )
            if replied is not None and replied >= now:
                replied = None
            cases.append(
                {
                    "id": case_id,
                    "corporation_id": corp,
                    "number": case_id,
                    "title": f"Case {case_id}",
                    "description": "",
                    "status": 1,
                    "status_id": statuses[1],
                    "priority_id": rng.choice(priority_ids),
                    "group_id": group,
                    "origin": "api",
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                    "status_changed_at": created,
                    "first_response_at": replied,
                    "alert_level": 0,
                    "sla_check_at": due,
                }
            )
            history.append(
                {
                    "case_id": case_id,
                    "status_id": statuses[1],
                    "internal_status": 1,
                    "changed_at": created,
                    "reason": "created",
                }
            )
            if case_id % 4 == 0:  # waited on the customer for a while
                left = created + (now - created) / 3
                back = created + (now - created) / 2
                history.append(
                    {
                        "case_id": case_id,
                        "status_id": statuses[3],
                        "internal_status": 3,
                        "changed_at": left,
                        "reason": "manual",
                    }
                )
                history.append(
                    {
                        "case_id": case_id,
                        "status_id": statuses[1],
                        "internal_status": 1,
                        "changed_at": back,
                        "reason": "manual",
                    }
                )
            if replied is not None:
                asked = replied + (now - replied) / 2
                for direction, at in (("outbound", replied), ("inbound", asked)):
                    messages.append(
                        {
                            "case_id": case_id,
                            "visibility": "external",
                            "direction": direction,
                            "is_system": False,
                            "body_text": direction,
                            "created_at": at,
                        }
                    )
            if case_id % 2 == 0:
                members.append(
                    {
                        "case_id": case_id,
                        "role": int(MemberRole.ASSIGNED_USER),
                        "user_id": agent,
                        "start_at": created,
                    }
                )
        with db.write() as s:
            s.execute(insert(Case), cases)
            s.execute(insert(StatusHistory), history)
            if messages:
                s.execute(insert(CaseMessage), messages)
            s.execute(insert(CaseMember), members)


def count(db: Database, what: Any, *where: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(what).where(*where)) or 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        help="PostgreSQL to use (a scratch schema is made in it); "
        "default: a throwaway cluster from scripts/pg-test-server",
    )
    parser.add_argument("--n", type=int, default=100_000, help="due cases to sweep")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="casedesk-bench-sla-"))
    try:
        with ExitStack() as stack:
            if args.backend == "sqlite":
                url = f"sqlite:///{workdir / 'casedesk.db'}"
            else:
                url = stack.enter_context(postgres(args.pg_url, workdir))
            upgrade(url)
            db = Database(url)
            stack.callback(db.dispose)
            now = datetime.now(UTC)
            started = time.perf_counter()
            fill(db, args.n, now, args.seed)
            print(f"filled {args.n:,} cases in {time.perf_counter() - started:.1f} s", flush=True)

            started = time.perf_counter()
            swept = sla_sweep(db, now)
            seconds = time.perf_counter() - started
            print(
                f"sweep ({args.backend}): {swept:,} cases in {seconds:.1f} s, "
                f"{swept / seconds:,.0f} cases/s"
            )
            escalated = count(db, AuditEntry, AuditEntry.action == "case.escalated")
            breaches = count(db, SlaBreach)
            waiting = count(db, Case, Case.sla_check_at.is_not(None))
            print(f"  escalations {escalated:,}, breaches {breaches:,}, next checks {waiting:,}")

            started = time.perf_counter()
            again = sla_sweep(db, now)
            again_seconds = time.perf_counter() - started
            print(f"second sweep at the same instant: {again} cases in {again_seconds:.3f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
