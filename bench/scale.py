"""Scale benchmark: large desks built with ``casedesk import``, then the native API.

For each size asked (10k and 100k cases by default, 1M with ``--million``) it writes a
JSON lines file of cases with ``--messages`` messages each (words drawn so that one
search word is rare, one is in about 1 % of the cases and one is common), loads it
with ``casedesk import`` into a fresh database (SQLite, or PostgreSQL with
``--backend postgresql``) and reports the import rate. Then it serves the database
with ``casedesk serve`` and measures, at ``--concurrency`` requests in flight:

- get one case, the first list page (25), the list filtered by status and assignee,
- searches for a rare word, a 1 % word and a common word, and the total count of the
  common-word search,
- the largest worker's resident memory after all that, and the database's size.

and prints the table (req/s, p50/p95/p99 ms). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from load import (  # type: ignore[import-not-found]  # bench/load.py, beside this file
    ADMIN,
    Client,
    Result,
    free_port,
    postgres,
    prepare,
    process_tree_cpu,
    run,
    server,
)
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
AGENTS = 20
CONTACTS = 2_000
# fmt: off
WORDS = (
    "printer", "email", "login", "password", "laptop", "screen", "network", "vpn", "invoice",
    "order", "account", "error", "slow", "broken", "cannot", "access", "update", "install",
    "license", "backup", "server", "phone", "calendar", "report", "toner", "docking",
)
# fmt: on
RARE_WORD = "zanzibar"  # in about 1 case in 12,500
PERCENT_WORD = "kerberos"  # in about 1 case in 100
COMMON_WORD = "printer"  # in most cases (a WORDS word, and in every description)
STATUSES = ("Open", "Open", "Awaiting customer", "Awaiting internal action", "Closed")


def agent_email(i: int) -> str:
    return f"agent{i}@bench.test"


def write_file(path: Path, cases: int, messages: int, seed: int) -> None:
    """The import file: ``cases`` records with ``messages`` messages each."""
    rng = random.Random(seed)
    with path.open("w") as f:
        for i in range(cases):
            words = rng.choices(WORDS, k=6)
            if rng.random() < 1 / 100:
                words.append(PERCENT_WORD)
            if rng.random() < 1 / 12_500:
                words.append(RARE_WORD)
            rng.shuffle(words)
            created = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
            thread = []
            for m in range(messages):
                direction = ("inbound", "outbound", "note")[m % 3] if m else "inbound"
                thread.append(
                    {
                        "direction": direction,
                        "body_text": " ".join(rng.choices(WORDS, k=12)),
                        "created_at": created,
                    }
                )
            record: dict[str, Any] = {
                "external_id": f"bench-{i}",
                "title": " ".join(words).capitalize(),
                "description": f"{COMMON_WORD} " + " ".join(rng.choices(WORDS, k=20)),
                "status": rng.choice(STATUSES),
                "contact": {"email": f"customer{rng.randrange(CONTACTS)}@example.test"},
                "assignee": agent_email(rng.randrange(AGENTS)),
                "created_at": created,
                "messages": thread,
            }
            if i % 10 == 0:
                record["tags"] = ["vip"]
            f.write(json.dumps(record) + "\n")


def status_id_of(url: str, name: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT id FROM case_statuses WHERE name = :n"), {"n": name}
            ).scalar()
            return int(found)
    finally:
        engine.dispose()


def add_agents(url: str) -> int:
    """The agents the file assigns cases to; the id of the first."""
    from casedesk.services.identity.users import add_user
    from casedesk.store.db import Database

    db = Database(url)
    try:
        ids = [add_user(db, agent_email(i), "agent", "bench-password-1") for i in range(AGENTS)]
        return ids[0]
    finally:
        db.dispose()


def import_file(url: str, data_dir: Path, path: Path, cases: int) -> float:
    """Run ``casedesk import``; its rate in cases a second."""
    env = os.environ | {"CASEDESK_DATABASE_URL": url, "CASEDESK_DATA_DIR": str(data_dir)}
    start, cpu0 = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "casedesk.cli", "import", str(path), "--batch", "1000"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu0
    if done.returncode != 0:
        raise SystemExit(f"import failed:\n{done.stderr[-3000:]}")
    print(f"  {done.stdout.strip()} in {wall:.1f} s ({cpu:.1f} s of CPU)", flush=True)
    print(f"  import CPU rate: {cases / cpu:,.0f} cases/s of CPU", flush=True)
    return cases / wall


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def worker_rss_mb(root: int) -> float:
    """The largest resident set among the server's processes, in MB."""
    largest = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) in (root,) or int(entry.name) == root:
            largest = max(largest, int(fields.get("VmRSS", "0 kB").split()[0]))
    return largest / 1024


def database_size_mb(url: str, workdir: Path) -> float:
    if url.startswith("sqlite"):
        return sum(p.stat().st_size for p in workdir.glob("casedesk.db*")) / 1e6
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return (
                float(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())
                / 1e6
            )
    finally:
        engine.dispose()


async def measure(
    base_url: str, token: str, size: int, requests: int, concurrency: int, filters: dict[str, int]
) -> list[Result]:
    client = Client(base_url, token, concurrency)
    rng = random.Random(size)
    ids = [rng.randint(1, size) for _ in range(requests)]

    def get(path: str, params: dict[str, Any] | None = None) -> Any:
        async def call(c: Client, i: int) -> int:
            return await c.call("GET", path.format(id=ids[i]), params=params)

        return call

    plan = [
        ("get one", get("/api/v1/cases/{id}")),
        ("list page 1 (25)", get("/api/v1/cases", {"limit": 25})),
        ("list status+assignee", get("/api/v1/cases", {"limit": 25} | filters)),
        (f"search rare ({RARE_WORD})", get("/api/v1/cases", {"q": RARE_WORD, "limit": 25})),
        (f"search 1% ({PERCENT_WORD})", get("/api/v1/cases", {"q": PERCENT_WORD, "limit": 25})),
        (f"search common ({COMMON_WORD})", get("/api/v1/cases", {"q": COMMON_WORD, "limit": 25})),
        ("count common-word search", get("/api/v1/cases/count", {"q": COMMON_WORD})),
    ]
    try:
        results = []
        for name, call in plan:
            slow = "common" in name  # its cost grows with the desk: fewer requests
            results.append(
                await run(client, name, max(50, requests // (10 if slow else 1)), concurrency, call)
            )
        return results
    finally:
        await client.close()


def table(rows: list[tuple[str, str, Result]]) -> str:
    head = f"{'store':<11}{'cases':>9}  {'operation':<26}{'requests':>9}{'errors':>7}"
    head += f"{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'srv cpu ms':>11}"
    lines = [head, "-" * len(head)]
    for store, size, r in rows:
        lines.append(
            f"{store:<11}{size:>9}  {r.name:<26}{r.count:>9}{r.errors:>7}{r.rate:>8.0f}"
            f"{r.pct(50):>9.1f}{r.pct(95):>9.1f}{r.pct(99):>9.1f}"
            f"{r.cpu_ms(r.server_cpu):>11.2f}"
        )
    return "\n".join(lines)


def one_size(args: argparse.Namespace, size: int, rows: list[tuple[str, str, Result]]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"casedesk-scale-{size}-"))
    url = ""
    try:
        with ExitStack() as stack:
            if args.backend == "sqlite":
                url = f"sqlite:///{workdir / 'casedesk.db'}"
            else:
                url = stack.enter_context(postgres(args.pg_url, workdir, keep=args.keep))
            token = prepare(url)
            first_agent = add_agents(url)
            path = workdir / "cases.jsonl"
            write_file(path, size, args.messages, args.seed)
            print(f"{args.backend} {size:,} cases x {args.messages} messages:", flush=True)
            rate = import_file(url, workdir, path, size)
            print(f"  import: {rate:,.0f} cases/s, {rate * args.messages:,.0f} messages/s")
            serve_and_measure(args, stack, url, workdir, token, first_agent, size, rows)
    finally:
        if args.keep and args.backend == "postgresql" and args.pg_url:
            print(f"  database kept: {url}")
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"  data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def measure_kept(args: argparse.Namespace, kept: str, rows: list[tuple[str, str, Result]]) -> None:
    """Measure a desk kept by an earlier ``--keep`` run, as built: a SQLite data
    directory, or the URL of a PostgreSQL schema."""
    from casedesk.services.identity.auth import create_token
    from casedesk.store.db import Database

    if kept.startswith("postgresql"):
        url, workdir = kept, Path(tempfile.mkdtemp(prefix="casedesk-scale-again-"))
        args.backend = "postgresql"
    else:
        workdir = Path(kept)
        url = f"sqlite:///{workdir / 'casedesk.db'}"
    db = Database(url)
    try:
        token = create_token(db, ADMIN, name="bench again")[1]
        with db.read() as s:
            size = int(s.execute(text("SELECT count(*) FROM cases")).scalar_one())
            first_agent = int(
                s.execute(
                    text("SELECT id FROM users WHERE email = :e"), {"e": agent_email(0)}
                ).scalar_one()
            )
    finally:
        db.dispose()
    print(f"{args.backend} {size:,} cases, kept in {kept}:", flush=True)
    with ExitStack() as stack:
        serve_and_measure(args, stack, url, workdir, token, first_agent, size, rows)


def serve_and_measure(
    args: argparse.Namespace,
    stack: ExitStack,
    url: str,
    workdir: Path,
    token: str,
    first_agent: int,
    size: int,
    rows: list[tuple[str, str, Result]],
) -> None:
    """Serve the desk with ``casedesk serve``, measure it and add its rows."""
    filters = {"status_id": status_id_of(url, "Open"), "assignee_id": first_agent}
    port = free_port()
    # No jobs in the server: after an import they catch up on every imported case (the
    # assist insights, the report facts), a one-off that would be measured as the API's.
    proc = stack.enter_context(server(url, workdir, port, args.workers, False, jobs=False))
    cpu0 = process_tree_cpu(proc.pid)
    found = asyncio.run(
        measure(
            f"http://127.0.0.1:{port}",
            token,
            size,
            args.requests,
            args.concurrency,
            filters,
        )
    )
    label = f"{size:,}"
    rows.extend((args.backend, label, r) for r in found)
    print(table([(args.backend, label, r) for r in found]), flush=True)
    print(
        f"  largest worker RSS {worker_rss_mb(proc.pid):,.0f} MB, database "
        f"{database_size_mb(url, workdir):,.0f} MB, server CPU "
        f"{process_tree_cpu(proc.pid) - cpu0:,.1f} s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", help="PostgreSQL to use (default: a throwaway cluster)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-case size")
    parser.add_argument("--messages", type=int, default=5, help="messages a case")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2_000, help="requests a measurement")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument(
        "--again",
        nargs="+",
        help="measure desks kept by --keep (SQLite data directories, PostgreSQL URLs), not build",
    )
    args = parser.parse_args(argv)
    if args.again:
        again: list[tuple[str, str, Result]] = []
        for kept in args.again:
            measure_kept(args, kept, again)
        print()
        print(table(again))
        return
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    print(f"casedesk scale: backend={args.backend} sizes={sizes} admin={ADMIN}", flush=True)
    rows: list[tuple[str, str, Result]] = []
    for size in sizes:
        one_size(args, size, rows)
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
