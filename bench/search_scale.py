"""Search and list timings on a generated SQLite desk of many cases, in process.

``build`` makes a desk quickly: it migrates a fresh SQLite file, adds an admin, opens
one case through the services (so every reference it needs exists) and then copies
that row with plain ``INSERT``s, ``--n`` cases with ``--messages`` message documents
each. Only what search and lists read is written (cases, their search documents, an
assignee for one case in ten); it is a desk for measuring reads, not a valid export.

``measure`` runs the searches of the scale table against it through the case search
service (no HTTP, one thread) and prints p50/p95 per row:

- a rare word (``kerberos``, about 1 case in 12,500),
- a word in 1 % of cases (``firmware``),
- a common word (``printer``, about 58 % of cases),
- the total count of the common-word search,
- the list filtered by status and assignee.

    python bench/search_scale.py build /tmp/desk.db --n 100000
    python bench/search_scale.py measure /tmp/desk.db --repeat 30

Run ``measure`` with ``PYTHONPATH`` pointing at another checkout to compare versions
on the same file (the older code reads the same schema).
"""

from __future__ import annotations

import argparse
import inspect
import random
import resource
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from casedesk import store
from casedesk.config import Settings
from casedesk.services.cases import core as cases
from casedesk.services.cases import search
from casedesk.services.cases.schemas import CaseCreate, CaseQuery
from casedesk.services.identity.auth import authenticate_token, create_token
from casedesk.services.identity.users import add_user
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from casedesk.store.models import Case, CaseMember, SearchDocument, User

ADMIN = "bench-admin@example.test"
#: The memory bounds of SQLite connections, where this version of casedesk has them.
SqliteLimits: Any = getattr(store.db, "SqliteLimits", None)
FILLER = tuple(
    [
        "email",
        "login",
        "password",
        "laptop",
        "screen",
        "network",
        "vpn",
        "invoice",
        "order",
        "account",
        "error",
        "slow",
        "broken",
        "cannot",
        "access",
        "update",
        "install",
        "license",
        "backup",
        "server",
        "phone",
        "calendar",
        "report",
    ]
)


def _words(rng: random.Random, i: int) -> str:
    words = rng.sample(FILLER, 6)
    if rng.random() < 0.58:
        words.append("printer")
    if i % 100 == 7:
        words.append("firmware")
    if i % 12_500 == 11:
        words.append("kerberos")
    return " ".join(words)


def _url(target: str) -> str:
    """A database URL, or the path of a SQLite file."""
    return target if "://" in target else f"sqlite:///{target}"


def build(target: str, n: int, messages: int, seed: int) -> None:
    url = _url(target)
    upgrade(url)
    db = Database(url)
    add_user(db, ADMIN, "admin", "bench-password-1")
    token = create_token(db, ADMIN, name="bench")[1]
    principal = authenticate_token(db, token)
    first = cases.open_case(db, principal, CaseCreate(title="seed case"))
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    cases_t, docs_t, members_t = Case.__table__, SearchDocument.__table__, CaseMember.__table__
    with db.engine.begin() as conn:
        row = dict(conn.execute(select(cases_t).where(cases_t.c.id == first.id)).mappings().one())
        user_id = conn.execute(select(User.id).where(User.email == ADMIN)).scalar_one()
    insert_case, insert_doc, insert_member = cases_t.insert(), docs_t.insert(), members_t.insert()
    statuses = [1, 1, 1, 2, 3, 6, 6, 6, 6, 6]
    done, message_id, began = 1, 10**9, time.monotonic()
    while done < n:
        batch = min(5_000, n - done)
        case_rows, docs, members = [], [], []
        for k in range(batch):
            i = done + k
            when = start + timedelta(minutes=i)
            stamp = when
            case_rows.append(
                row
                | {
                    "id": first.id + i,
                    "number": first.id + i,
                    "title": f"case {i}",
                    "description": _words(rng, i),
                    "status": statuses[i % 10],
                    "created_at": stamp,
                    "updated_at": stamp,
                    "status_changed_at": stamp,
                    "version": 1,
                }
            )
            docs.append(
                {
                    "case_id": first.id + i,
                    "source": "case",
                    "source_id": first.id + i,
                    "body": f"case {i}\n{case_rows[-1]['description']}",
                }
            )
            for _ in range(messages):
                message_id += 1
                docs.append(
                    {
                        "case_id": first.id + i,
                        "source": "message",
                        "source_id": message_id,
                        "body": " ".join(rng.sample(FILLER, 8)),
                    }
                )
            if i % 10 == 0:
                members.append(
                    {"case_id": first.id + i, "role": 1, "user_id": user_id, "start_at": stamp}
                )
        with db.engine.begin() as conn:
            conn.execute(insert_case, case_rows)
            conn.execute(insert_doc, docs)
            if members:
                conn.execute(insert_member, members)
        done += batch
        print(f"\r{done:,} cases, {done / (time.monotonic() - began):,.0f}/s", end="", flush=True)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"\nbuilt {target}")
    db.dispose()


def _count(db: Database, principal: Any, q: CaseQuery) -> str:
    counter = getattr(search, "count_matches", search.count_cases)
    result: Any = counter(db, principal, q)
    if isinstance(result, int):
        return f"{result:,}"
    return f"{result.count:,}{'+' if result.is_estimate else ''}"


def measure(target: str, repeat: int) -> None:
    limits: dict[str, Any] = getattr(Settings(), "sqlite_limits", {})  # CASEDESK_SQLITE_*
    db = Database(_url(target), **({"sqlite": SqliteLimits(**limits)} if limits else {}))
    with db.engine.begin() as conn:
        user_id = conn.exec_driver_sql(f"SELECT id FROM users WHERE email = '{ADMIN}'").scalar()
    principal = authenticate_token(db, create_token(db, ADMIN, name=f"m{time.time()}")[1])
    counts_with_total = "total" in inspect.signature(search.search_cases).parameters
    rows: list[tuple[str, Any]] = [
        ("list page 1 (25)", lambda: search.search_cases(db, principal, CaseQuery())),
        (
            "list status + assignee",
            lambda: search.search_cases(
                db, principal, CaseQuery(status=[1], assignee_id=[user_id])
            ),
        ),
    ]
    for label, word in (
        ("rare word", "kerberos"),
        ("1 % of cases", "firmware"),
        ("common word", "printer"),
    ):
        rows.append(
            (f"search, {label}", lambda w=word: search.search_cases(db, principal, CaseQuery(q=w)))
        )
    rows.append(
        ("count of common-word search", lambda: _count(db, principal, CaseQuery(q="printer")))
    )
    del counts_with_total
    print(f"{'operation':34} {'p50 ms':>8} {'p95 ms':>8}  result")
    for label, call in rows:
        times, result = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        shown = result if isinstance(result, str) else f"{len(result.items)} items"
        print(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f}  {shown}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak resident memory':34} {peak:8.0f} MB")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("path", help="a SQLite file, or a database URL")
    b.add_argument("--n", type=int, default=100_000)
    b.add_argument("--messages", type=int, default=3)
    b.add_argument("--seed", type=int, default=7)
    m = sub.add_parser("measure")
    m.add_argument("path", help="a SQLite file, or a database URL")
    m.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if args.command == "build":
        build(args.path, args.n, args.messages, args.seed)
    else:
        measure(args.path, args.repeat)


if __name__ == "__main__":
    main()
