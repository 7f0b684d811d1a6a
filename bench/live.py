"""Benchmark of live updates: 500 agents' event streams held by one server process, and
how long a change takes to reach all of them (p50/p99 of every delivery).

Creates a fresh database (SQLite in a temporary directory, or ``--postgres URL``), one
group with ``--agents`` agents each signed in to the console, starts ``casedesk serve``
as a child process (one process, no jobs) and opens every agent's ``/console/events``
stream with aiohttp. Then makes ``--changes`` changes one after another through the
case use-cases in this process (another writer, as mail or a job would be): for each,
the time from just before the write until each stream receives the ``case`` event for
that case is one delivery. The next change starts when all streams had the last one.

    PYTHONPATH=. python bench/live.py [--agents 500] [--changes 20] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseCreate, CasePatch
from casedesk.services.identity import web_sessions
from casedesk.services.identity.auth import authenticate_password, use_password_hasher
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade

PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _prepare(url: str, agents: int) -> tuple[list[str], Principal]:
    upgrade(url)
    db = Database(url)
    with db.write() as s:
        corp = create_corporation(s, "Bench", "LIV-").id
    tokens = []
    for i in range(agents):
        email = f"agent{i}@bench.example"
        add_user(db, email, "agent", PASSWORD, groups=["Desk"], corporation_id=corp)
        tokens.append(web_sessions.sign_in_agent(db, email, PASSWORD, "bench").token)
    writer = authenticate_password(db, "agent0@bench.example", PASSWORD)
    db.dispose()
    return tokens, writer


async def _listen(
    session: aiohttp.ClientSession,
    url: str,
    token: str,
    ready: asyncio.Event,
    got: dict[int, list[float]],
    arrived: asyncio.Condition,
    counter: list[int],
    total: int,
) -> None:
    headers = {"Cookie": f"casedesk_session={token}"}
    async with session.get(f"{url}/console/events", headers=headers) as resp:
        assert resp.status == 200, resp.status
        event = ""
        async for raw in resp.content:
            line = raw.decode().strip()
            if line.startswith("event: "):
                event = line[7:]
                if event == "ready":
                    counter[0] += 1
                    if counter[0] == total:
                        ready.set()
            elif line.startswith("data: ") and event == "case":
                case_id = int(line.split('"case_id": ')[1].split(",")[0].rstrip("}"))
                got.setdefault(case_id, []).append(time.perf_counter())
                async with arrived:
                    arrived.notify_all()


async def _run(url: str, db_url: str, tokens: list[str], writer: Principal, changes: int) -> None:
    ready = asyncio.Event()
    arrived = asyncio.Condition()
    got: dict[int, list[float]] = {}
    counter = [0]
    db = Database(db_url)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = [
            asyncio.create_task(_listen(session, url, t, ready, got, arrived, counter, len(tokens)))
            for t in tokens
        ]
        started = time.perf_counter()
        await asyncio.wait_for(ready.wait(), 300)
        print(f"{len(tokens)} streams open in {time.perf_counter() - started:.1f} s")
        latencies: list[float] = []
        for i in range(changes):
            t0 = time.perf_counter()
            if i == 0:
                case = await asyncio.to_thread(
                    cases.open_case, db, writer, CaseCreate(title="Live bench")
                )
            else:
                await asyncio.to_thread(
                    cases.update_case, db, writer, case.id, CasePatch(title=f"Live bench {i}")
                )
            case_id = case.id
            async with arrived:
                await asyncio.wait_for(
                    arrived.wait_for(lambda c=case_id: len(got.get(c, [])) >= len(tokens)), 60
                )
            latencies += [t - t0 for t in got.pop(case.id)[: len(tokens)]]
            got.clear()
        for task in tasks:
            task.cancel()
    db.dispose()
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"{changes} changes x {len(tokens)} streams = {len(latencies)} deliveries: "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--postgres", default="", help="an empty PostgreSQL database URL")
    args = parser.parse_args()
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.postgres or f"sqlite:///{Path(tmp) / 'live.db'}"
        tokens, writer = _prepare(db_url, args.agents)
        port = _free_port()
        env = os.environ | {"CASEDESK_DATABASE_URL": db_url, "CASEDESK_DATA_DIR": tmp}
        server = subprocess.Popen(
            [sys.executable, "-m", "casedesk.cli", "serve", "--port", str(port), "--no-jobs"],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            asyncio.run(_run(url, db_url, tokens, writer, args.changes))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:  # open streams can hold a graceful stop
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
