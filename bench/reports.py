"""Benchmark of the reports: the dashboards over a year of history, and the rebuild.

Fills a fresh database straight through the store (bulk inserts, not the API) with one
corporation, four groups with two agents each, a Mon-Fri 09:00-17:00 Europe/Oslo
calendar on every priority, one SLA policy, and ``--n`` cases created over the last 365
days: each with its status history (two in three closed, one in ten of those reopened
and closed again), one to three messages, a first response on most, an assignee on
most, a channel and a priority. Then it times:

1. ``casedesk reports rebuild``'s work (``rollups.rebuild``): the facts of every case
   from the history, in cases per second;
2. the Reports page's figures (every report, ``dashboards.many``) over the whole year,
   as an admin (every group) and as an agent (one group), each the best of three runs
   after a first one;
3. one incremental pass (``rollups.refresh``) with nothing new to read, and one after
   one and after a hundred cases changed (their facts and the days they count in);
4. a case export as CSV and as XLSX of the first ``--export-rows`` cases, each in a
   child process so that its peak resident memory is the export's own.

See bench/README.md for how to run it and read its output.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import postgres

from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Principal, Role
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.reports import dashboards, exports, rollups, schemas
from casedesk.services.reports.export_jobs import check
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
    User,
)

CHUNK = 10_000
CHANNELS = ("email", "email", "email", "portal", "phone", "api", "chat")
SHOWN = ["volume", "times", "sla", "reopens", "messages", "busiest-hours", "open-load"]


def fill(db: Database, n: int, now: datetime, seed: int) -> tuple[int, list[int]]:
    """The corporation's id and its groups' ids, after loading ``n`` cases."""
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
                resolution_minutes=2400,
                alert_levels=[],
                position=0,
                is_active=True,
            )
        )
        policy = s.scalar(select(SlaPolicy.id).where(SlaPolicy.corporation_id == corp))
        statuses = dict(
            s.execute(
                select(CaseStatus.internal_status, CaseStatus.id).where(
                    CaseStatus.corporation_id == corp
                )
            ).all()
        )
        priority_ids = list(s.scalars(select(Priority.id).where(Priority.corporation_id == corp)))
        groups = []
        agents: dict[int, list[int]] = {}
        for g in range(4):
            group = Group(corporation_id=corp, name=f"Team {g + 1}")
            s.add(group)
            s.flush()
            groups.append(group.id)
            agents[group.id] = []
            for a in range(2):
                user = User(
                    corporation_id=corp,
                    email=f"agent{g}{a}@bench.test",
                    name=f"Agent {g}{a}",
                    role="agent",
                )
                s.add(user)
                s.flush()
                agents[group.id].append(user.id)
    start_of_year = now - timedelta(days=365)
    for first in range(0, n, CHUNK):
        cases: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        breaches: list[dict[str, Any]] = []
        for case_id in range(first + 1, min(first + CHUNK, n) + 1):
            created = start_of_year + timedelta(seconds=rng.randrange(365 * 86400))
            group = rng.choice(groups)
            replied = created + timedelta(minutes=rng.randrange(5, 3000))
            replied = replied if replied < now and rng.random() < 0.9 else None
            closed = None
            if rng.random() < 2 / 3:
                closed = created + timedelta(minutes=rng.randrange(30, 20000))
                closed = closed if closed < now else None
            history.append(_entry(case_id, statuses, 1, created))
            if closed is not None:
                if rng.random() < 0.1:  # closed early, reopened, closed at ``closed``
                    first_close = created + (closed - created) / 3
                    history.append(_entry(case_id, statuses, 2, first_close))
                    history.append(_entry(case_id, statuses, 1, created + (closed - created) / 2))
                history.append(_entry(case_id, statuses, 2, closed))
            cases.append(
                {
                    "id": case_id,
                    "corporation_id": corp,
                    "number": case_id,
                    "title": f"Case {case_id}",
                    "description": "",
                    "status": 2 if closed else 1,
                    "status_id": statuses[2 if closed else 1],
                    "priority_id": rng.choice(priority_ids),
                    "group_id": group,
                    "origin": rng.choice(CHANNELS),
                    "version": 1,
                    "created_at": created,
                    "updated_at": closed or created,
                    "status_changed_at": closed or created,
                    "first_response_at": replied,
                    "closed_at": closed,
                    "sla_policy_id": policy,
                    "alert_level": 0,
                }
            )
            for target, minutes, done in (
                ("first_response", 240, replied),
                ("resolution", 2400, closed),
            ):  # missed by the clock (the business-time figures come from the rebuild)
                due = created + timedelta(minutes=minutes)
                if due < now and (done is None or done > due):
                    breaches.append(
                        {
                            "case_id": case_id,
                            "policy_id": policy,
                            "target": target,
                            "due_at": due,
                            "breached_at": due,
                        }
                    )
            messages.append(_message(case_id, "inbound", created))
            if replied is not None:
                messages.append(_message(case_id, "outbound", replied))
                if rng.random() < 0.3:
                    messages.append(_message(case_id, "inbound", replied + timedelta(hours=1)))
            if rng.random() < 0.8:
                members.append(
                    {
                        "case_id": case_id,
                        "role": int(MemberRole.ASSIGNED_USER),
                        "user_id": rng.choice(agents[group]),
                        "start_at": created,
                    }
                )
        with db.write() as s:
            s.execute(insert(Case), cases)
            s.execute(insert(StatusHistory), history)
            s.execute(insert(CaseMessage), messages)
            s.execute(insert(CaseMember), members)
            if breaches:
                s.execute(insert(SlaBreach), breaches)
    return corp, groups


def _entry(case_id: int, statuses: dict[int, int], status: int, at: datetime) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "status_id": statuses[status],
        "internal_status": status,
        "changed_at": at,
        "reason": "manual",
    }


def _message(case_id: int, direction: str, at: datetime) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "visibility": "external",
        "direction": direction,
        "is_system": False,
        "body_text": direction,
        "created_at": at,
    }


def best_of(runs: int, work: Any) -> str:
    """``wall ms (CPU ms)`` of the best of ``runs`` runs after a first that warms caches.
    The CPU time is this process's: on a busy machine it shows the work, the wall time
    shows the wait too (the database server's own work on PostgreSQL is not in it)."""
    work()
    times = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    wall, spent = min(times)
    return f"{wall * 1000:.0f} ms ({spent * 1000:.0f} ms CPU)"


EXPORT_COLUMNS = (
    "reference,title,status_name,priority_name,group_name,assignee_email,"
    "created_at,closed_at,first_response_minutes,age_minutes"
)


def measure_export(url: str, corporation: int, fmt: str, rows: int, workdir: Path) -> None:
    """In a child process: export the first ``rows`` cases as an admin, print rows,
    seconds and the peak resident memory (MiB) of the process."""
    db = Database(url)
    admin = Principal(user_id=0, corporation_id=corporation, role=Role.ADMIN)
    wanted = check(db, admin, fmt, [], EXPORT_COLUMNS)
    started = time.perf_counter()
    taken = 0

    def first() -> Any:
        nonlocal taken
        for batch in exports.iter_rows(db, admin, wanted):
            taken += len(batch)
            yield batch
            if taken >= rows:
                return

    if fmt == "csv":
        with open("/dev/null", "wb") as out:
            for chunk in exports.csv_chunks(wanted.columns, first()):
                out.write(chunk)
    else:
        exports.write_xlsx(workdir / "bench.xlsx", wanted.columns, first())
    seconds = time.perf_counter() - started
    print(taken, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        help="PostgreSQL to use (a scratch schema is made in it); "
        "default: a throwaway cluster from scripts/pg-test-server",
    )
    parser.add_argument("--n", type=int, default=100_000, help="cases to load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--export-rows", type=int, default=100_000, help="rows of the timed exports (0: none)"
    )
    parser.add_argument("--measure-export", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_export:
        url, corporation, fmt, rows, where = args.measure_export
        measure_export(url, int(corporation), fmt, int(rows), Path(where))
        return

    workdir = Path(tempfile.mkdtemp(prefix="casedesk-bench-reports-"))
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
            corp, groups = fill(db, args.n, now, args.seed)
            seconds = time.perf_counter() - started
            print(
                f"loaded {args.n:,} cases in {seconds:.1f} s ({args.n / seconds:,.0f}/s)",
                flush=True,
            )

            started, cpu = time.perf_counter(), time.process_time()
            written = rollups.rebuild(db)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"rebuild ({args.backend}): {written:,} cases in {seconds:.1f} s, "
                f"{written / seconds:,.0f} cases/s ({cpu:.1f} s CPU, {written / cpu:,.0f}/CPU s)"
            )

            today = now.date()
            query = schemas.Query(date_from=today - timedelta(days=364), date_to=today)
            admin = Principal(user_id=0, corporation_id=corp, role=Role.ADMIN)
            agent = Principal(
                user_id=0, corporation_id=corp, role=Role.AGENT, group_ids=frozenset(groups[:1])
            )
            for who, principal in (("admin, every group", admin), ("agent, one group", agent)):
                took = best_of(3, lambda p=principal: dashboards.many(db, p, SHOWN, query))
                print(f"dashboard over a year ({who}): {took}", flush=True)
            by_week = query.model_copy(update={"period": "week", "by": "agent"})
            took = best_of(3, lambda: dashboards.many(db, admin, SHOWN, by_week))
            print(f"dashboard over a year (admin, per week, times by agent): {took}")
            took = best_of(3, lambda: rollups.refresh(db))
            print(f"refresh with nothing new: {took}")
            for fmt in exports.FORMATS if args.export_rows else ():
                child = [str(corp), fmt, str(args.export_rows), str(workdir)]
                out = subprocess.run(
                    [sys.executable, __file__, "--measure-export", url, *child],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                rows, seconds, peak = int(out[0]), float(out[1]), float(out[2])
                print(
                    f"export {fmt} ({args.backend}, first {rows:,} of {args.n:,} cases, "
                    f"10 columns): {rows / seconds:,.0f} rows/s, peak RSS {peak:,.0f} MiB",
                    flush=True,
                )
            rng = random.Random(args.seed + 1)
            for changed in (1, 100):
                with db.write() as s:  # what a change to each of these cases records
                    s.execute(
                        insert(AuditEntry),
                        [
                            {
                                "corporation_id": corp,
                                "action": "case.updated",
                                "entity_type": "case",
                                "entity_id": case_id,
                                "case_id": case_id,
                                "changes": {},
                            }
                            for case_id in rng.sample(range(1, args.n + 1), changed)
                        ],
                    )
                started, cpu = time.perf_counter(), time.process_time()
                rollups.refresh(db)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                print(
                    f"refresh after {changed} changed case(s), facts and their days: "
                    f"{wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU)"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
