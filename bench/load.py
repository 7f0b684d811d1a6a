"""Load benchmark of the native API over a real server.

Starts ``uvicorn`` with the casedesk app as a subprocess on a fresh database, creates an
admin and a token, then drives the server over HTTP at a fixed concurrency:

1. creates the first 1,000 cases (POST /api/v1/cases) and measures get/list at that size;
2. creates the rest up to ``--n`` and prints the create rate over all of them;
3. measures, each for ``--requests`` requests: get one case (random ids), the first page
   of the case list, deeper pages (random cursors collected by walking the list), and a
   full-text search for a word that occurs in titles.

Comparing the two sizes shows whether latency grows with the number of cases.
See bench/README.md for how to run it and read its output.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from sqlalchemy import create_engine, make_url, pool, text

from casedesk.services.identity.auth import authenticate_token, create_token
from casedesk.services.identity.users import add_user
from casedesk.services.rules.definitions import RuleIn, create_rule
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SMALL = 1_000
ADMIN = "bench-admin@example.test"

#: Words titles and descriptions are made of; searches look for one of the rarer ones.
# fmt: off
COMMON = (
    "printer", "email", "login", "password", "laptop", "screen", "network", "vpn", "invoice",
    "order", "account", "error", "slow", "broken", "cannot", "access", "update", "install",
    "license", "backup", "server", "phone", "calendar", "report",
)
RARE = (
    "kerberos", "firmware", "toner", "docking", "latency", "certificate", "mailbox",
    "sharepoint", "webcam", "keyboard", "headset", "projector", "scanner", "router", "switch",
)
# fmt: on


# --------------------------------------------------------------------------- measurements


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by process ``root`` and its descendants
    (Linux /proc; 0 elsewhere). Per request, it shows the server's cost independently of
    what else competes for the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, total = {root}, 0.0
    for pid in sorted(parents):  # children have larger pids than parents, mostly
        if pid in tree or parents[pid] in tree:
            tree.add(pid)
    for pid in tree:
        total += used.get(pid, 0.0)
    return total


#: Root pids for ``process_tree_cpu``: the server, and PostgreSQL when we started it
#: (with --pg-url its processes are not ours to see; 0 then).
SERVER_PID = 0
DB_PID = 0


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    db_cpu: float = 0.0

    def cpu_ms(self, seconds: float) -> float:
        return seconds / self.count * 1000 if self.count else float("nan")

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.wall if self.wall else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


class Client:
    """An aiohttp session with a connection pool as large as the concurrency. (aiohttp
    rather than httpx: it costs the client about a quarter of the CPU per request, and
    client and server share the machine.)"""

    def __init__(self, base_url: str, token: str, connections: int) -> None:
        self.session = aiohttp.ClientSession(
            base_url,
            headers={"Authorization": f"Bearer {token}"},
            connector=aiohttp.TCPConnector(limit=connections, limit_per_host=connections),
            timeout=aiohttp.ClientTimeout(total=120),
        )

    async def call(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> int:
        """The status code of one request (its body is read and dropped)."""
        async with self.session.request(method, path, params=params, json=body) as response:
            await response.read()
            return response.status

    async def get_json(self, path: str, params: dict[str, Any]) -> Any:
        async with self.session.get(path, params=params) as response:
            response.raise_for_status()
            return await response.json()

    async def close(self) -> None:
        await self.session.close()


Request = Callable[[Client, int], Awaitable[int]]


async def run(client: Client, name: str, count: int, concurrency: int, request: Request) -> Result:
    """Send ``count`` requests, ``concurrency`` at a time; the i-th is ``request(client, i)``."""
    result = Result(name)
    counter = iter(range(count))

    async def worker() -> None:
        for i in counter:
            t0 = time.perf_counter()
            try:
                ok = 200 <= await request(client, i) < 300
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            result.latencies.append(time.perf_counter() - t0)
            if not ok:
                result.errors += 1

    server0, client0 = process_tree_cpu(SERVER_PID), time.process_time()
    db0 = process_tree_cpu(DB_PID) if DB_PID else 0.0
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.wall = time.perf_counter() - start
    result.server_cpu = process_tree_cpu(SERVER_PID) - server0
    result.client_cpu = time.process_time() - client0
    result.db_cpu = process_tree_cpu(DB_PID) - db0 if DB_PID else 0.0
    return result


def table(rows: list[tuple[str, Result]]) -> str:
    head = f"{'cases':>7}  {'operation':<22}{'requests':>9}{'errors':>7}{'req/s':>8}"
    head += f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'srv cpu ms':>11}"
    head += f"{'db cpu ms':>10}{'cli cpu ms':>11}" if DB_PID else f"{'cli cpu ms':>11}"
    lines = [head, "-" * len(head)]
    for size, r in rows:
        line = (
            f"{size:>7}  {r.name:<22}{r.count:>9}{r.errors:>7}{r.rate:>8.0f}"
            f"{r.pct(50):>9.2f}{r.pct(99):>9.2f}{r.pct(100):>9.2f}"
            f"{r.cpu_ms(r.server_cpu):>11.2f}"
        )
        if DB_PID:
            line += f"{r.cpu_ms(r.db_cpu):>10.2f}"
        lines.append(line + f"{r.cpu_ms(r.client_cpu):>11.2f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- workload


def case_body(rng: random.Random) -> dict[str, Any]:
    words = rng.choices(COMMON, k=rng.randint(3, 6)) + rng.choices(RARE, k=1)
    rng.shuffle(words)
    title = " ".join(words).capitalize()
    description = " ".join(rng.choices(COMMON + RARE, k=rng.randint(10, 40)))
    return {"title": title, "description": description}


async def create_cases(
    client: Client, name: str, first: int, count: int, concurrency: int, seed: int
) -> Result:
    async def create(c: Client, i: int) -> int:
        body = case_body(random.Random(seed * 1_000_003 + first + i))
        return await c.call("POST", "/api/v1/cases", body=body)

    return await run(client, name, count, concurrency, create)


async def add_messages(
    client: Client, size: int, count: int, concurrency: int, seed: int
) -> Result:
    """``count`` messages, each on a random case (``POST /api/v1/cases/{id}/messages``)."""
    rng = random.Random(seed)
    ids = [rng.randint(1, size) for _ in range(count)]
    bodies = [{"body_text": " ".join(rng.choices(COMMON, k=12))} for _ in range(count)]

    async def add(c: Client, i: int) -> int:
        return await c.call("POST", f"/api/v1/cases/{ids[i]}/messages", body=bodies[i])

    return await run(client, "add message", count, concurrency, add)


async def collect_cursors(client: Client, pages: int) -> list[str]:
    """Walk the case list from the start; the cursors of pages 2..pages+1."""
    cursors: list[str] = []
    params: dict[str, Any] = {"limit": 25}
    for _ in range(pages):
        page = await client.get_json("/api/v1/cases", params)
        if not page["next_cursor"]:
            break
        cursors.append(page["next_cursor"])
        params["cursor"] = page["next_cursor"]
    return cursors


async def reads(client: Client, size: int, count: int, concurrency: int, seed: int) -> list[Result]:
    """Get one, list page 1, deeper pages and search, ``count`` requests each."""
    rng = random.Random(seed)
    ids = [rng.randint(1, size) for _ in range(count)]
    words = [rng.choice(RARE) for _ in range(count)]
    cursors = await collect_cursors(client, min(size // 25 - 1, 200))
    deep = [rng.choice(cursors) for _ in range(count)] if cursors else []

    async def get_one(c: Client, i: int) -> int:
        return await c.call("GET", f"/api/v1/cases/{ids[i]}")

    async def first_page(c: Client, i: int) -> int:
        return await c.call("GET", "/api/v1/cases", params={"limit": 25})

    async def deep_page(c: Client, i: int) -> int:
        return await c.call("GET", "/api/v1/cases", params={"limit": 25, "cursor": deep[i]})

    async def search(c: Client, i: int) -> int:
        return await c.call("GET", "/api/v1/cases", params={"q": words[i], "limit": 25})

    results = [
        await run(client, "get one", count, concurrency, get_one),
        await run(client, "list page 1 (25)", count, concurrency, first_page),
    ]
    if deep:
        name = f"list pages 2..{len(cursors) + 1}"
        results.append(await run(client, name, count, concurrency, deep_page))
    results.append(await run(client, "search q=<word>", count, concurrency, search))
    return results


# --------------------------------------------------------------------------- environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres(pg_url: str | None, workdir: Path, keep: bool = False) -> Iterator[str]:
    """A URL of an empty PostgreSQL database: a new schema in ``pg_url`` (dropped
    afterwards unless ``keep``), or a throwaway cluster started with
    scripts/pg-test-server."""
    if pg_url is None:
        script = ROOT / "scripts" / "pg-test-server"
        cluster = workdir / "pg"
        workdir.chmod(0o755)  # the cluster runs as an unprivileged user when we are root
        url = subprocess.run(
            [str(script), "start", str(cluster)], check=True, capture_output=True, text=True
        ).stdout.strip()
        global DB_PID
        DB_PID = int((cluster / "data" / "postmaster.pid").read_text().split()[0])
        try:
            yield url
        finally:
            DB_PID = 0
            subprocess.run([str(script), "stop", str(cluster)], check=False, capture_output=True)
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, poolclass=pool.NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scratch = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scratch.render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def prepare(url: str, rules: int = 0) -> str:
    """Migrate the database, add the admin and ``rules`` active triggers, and return a
    token for the admin."""
    upgrade(url)
    db = Database(url)
    try:
        add_user(db, ADMIN, "admin", "bench-password-1")
        token = create_token(db, ADMIN, name="bench")[1]
        principal = authenticate_token(db, token)
        for i in range(rules):
            create_rule(db, principal, "trigger", RuleIn(**bench_rule(i)))
        return token
    finally:
        db.dispose()


def bench_rule(i: int) -> dict[str, Any]:
    """A trigger on new cases like a desk's routing rules: a title word and a priority;
    every fiftieth one matches about one case in eight and tags it."""
    word = COMMON[i % len(COMMON)]
    priority: list[int] = [1, 2, 3] if i % 50 == 0 else [900 + i]
    return {
        "name": f"bench rule {i}",
        "events": ["case_created"],
        "conditions": {
            "all": [
                {"field": "case.title", "op": "contains", "value": word},
                {"field": "case.priority_id", "op": "in", "value": priority},
                {"field": "case.origin", "op": "eq", "value": "api"},
            ]
        },
        "actions": [{"type": "add_tags", "tags": [f"rule-{i}"]}],
    }


@contextmanager
def server(
    url: str, data_dir: Path, port: int, workers: int, stock: bool, jobs: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """``casedesk serve`` (or stock uvicorn) on ``port``, healthy; with ``jobs`` it also
    runs the background jobs in-process, as ``serve`` does by default."""
    env = os.environ | {"CASEDESK_DATABASE_URL": url, "CASEDESK_DATA_DIR": str(data_dir)}
    # One token sends all the load: a quota it cannot reach, so requests are metered (as
    # in production) but never refused.
    env.setdefault("CASEDESK_API_REQUESTS_PER_MINUTE", str(10**9))
    if stock:  # the uvicorn command line as is (see casedesk/server.py for what differs)
        cmd = [
            sys.executable, "-m", "uvicorn", "--factory", "casedesk.api.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    else:
        cmd = [
            sys.executable, "-m", "casedesk.cli", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--jobs" if jobs else "--no-jobs",
        ]  # fmt: skip
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts workers slowly
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"server exited:\n{(data_dir / 'server.log').read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not become healthy within 180 s")
            time.sleep(0.2)
        global SERVER_PID
        SERVER_PID = proc.pid
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# --------------------------------------------------------------------------- main


def merged(name: str, parts: list[Result]) -> Result:
    return Result(
        name,
        [x for r in parts for x in r.latencies],
        sum(r.errors for r in parts),
        sum(r.wall for r in parts),
        sum(r.server_cpu for r in parts),
        sum(r.client_cpu for r in parts),
        sum(r.db_cpu for r in parts),
    )


async def benchmark(args: argparse.Namespace, base_url: str, token: str) -> None:
    client = Client(base_url, token, args.concurrency)
    try:
        small = min(SMALL, args.n)
        first = await create_cases(client, "create", 0, small, args.concurrency, args.seed)
        creates = [(f"{small:,}", first)]
        print(f"created cases 1..{small}: {first.rate:.0f}/s", flush=True)
        at_small: list[tuple[str, Result]] = []
        if args.n > small:
            found = await reads(client, small, args.small_requests, args.concurrency, args.seed)
            at_small = [(f"{small:,}", r) for r in found]
            print(table(at_small), flush=True)
            rest = await create_cases(
                client, "create", small, args.n - small, args.concurrency, args.seed
            )
            print(f"created cases {small + 1}..{args.n}: {rest.rate:.0f}/s", flush=True)
            creates.append((f"{args.n:,}", rest))
        found = await reads(client, args.n, args.requests, args.concurrency, args.seed + 1)
        at_n = [(f"{args.n:,}", r) for r in found]
        added = await add_messages(client, args.n, args.requests, args.concurrency, args.seed)
        at_n.append((f"{args.n:,}", added))
    finally:
        await client.close()

    total = merged("create (all)", [r for _, r in creates])
    rows = [*creates, (f"{args.n:,}", total)] if len(creates) > 1 else creates
    print()
    print(table(rows + at_small + at_n))
    print()
    get_n = next(r for _, r in at_n if r.name == "get one")
    added = next(r for _, r in at_n if r.name == "add message")
    print(
        f"creates/s: {total.rate:.0f}   gets/s: {get_n.rate:.0f}   messages/s: {added.rate:.0f}"
        f"   (at {args.n:,} cases)"
    )
    for name in ("get one", "list page 1 (25)"):
        before = next((r for _, r in at_small if r.name == name), None)
        after = next(r for _, r in at_n if r.name == name)
        if before is not None:
            print(
                f"{name}: p50 {before.pct(50):.2f} -> {after.pct(50):.2f} ms, server CPU "
                f"{before.cpu_ms(before.server_cpu):.2f} -> {after.cpu_ms(after.server_cpu):.2f}"
                f" ms/request from {small:,} to {args.n:,} cases"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        help="PostgreSQL to use (a scratch schema is made in it); "
        "default: a throwaway cluster from scripts/pg-test-server",
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--n", type=int, default=10_000, help="cases to create")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--requests", type=int, default=5_000, help="requests per read measurement at the full size"
    )
    parser.add_argument(
        "--small-requests",
        type=int,
        default=2_000,
        help="requests per read measurement at 1,000 cases",
    )
    parser.add_argument(
        "--stock-uvicorn",
        action="store_true",
        help="run plain `uvicorn --workers N` (N > 1 adds ~40 ms a request; casedesk/server.py)",
    )
    parser.add_argument(
        "--rules", type=int, default=0, help="active triggers on new cases (bench_rule)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="casedesk-bench-"))
    try:
        with ExitStack() as stack:
            if args.backend == "sqlite":
                url = f"sqlite:///{workdir / 'casedesk.db'}"
            else:
                url = stack.enter_context(postgres(args.pg_url, workdir))
            token = prepare(url, args.rules)
            port = free_port()
            stack.enter_context(server(url, workdir, port, args.workers, args.stock_uvicorn))
            print(
                f"casedesk bench: backend={args.backend} workers={args.workers} n={args.n} "
                f"server={'uvicorn CLI' if args.stock_uvicorn else 'casedesk serve'} "
                f"concurrency={args.concurrency} rules={args.rules} cpus={os.cpu_count()} "
                f"python={platform.python_version()}",
                flush=True,
            )
            asyncio.run(benchmark(args, f"http://127.0.0.1:{port}", token))
    finally:
        if args.keep:
            print(f"data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
