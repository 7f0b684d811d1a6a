"""Live updates: every change reaches the open streams of agents who may see the case,
and nothing about a case reaches an agent who may not, not even its id; a change made
in one server process reaches a stream held by another."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.identity import web_sessions
from casedesk.services.reports.live import LiveEvent, LiveHub
from casedesk.store.db import Database
from tests.factories import PASSWORD, World, make_actor, make_case, make_world
from tests.support.async_run import run_async


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_an_agent_of_another_group_hears_nothing_about_a_hidden_case(
    db: Database, world: World
) -> None:
    async def run() -> None:
        hub = LiveHub(db)
        alice = await hub.subscribe(world.agent_a.principal)
        bob = await hub.subscribe(world.agent_b.principal)
        hidden = await asyncio.to_thread(
            make_case, db, world.agent_a, group_id=world.group_a, title="Group A only"
        )
        heard = await asyncio.wait_for(alice.queue.get(), 10)
        assert heard.case_id == hidden.id
        await hub.publish([LiveEvent("presence", hidden.id)])
        theirs = await asyncio.to_thread(
            make_case, db, world.agent_b, group_id=world.group_b, title="Group B only"
        )
        # Bob's first event is about his own case: the hidden one's changes and presence
        # were raised before it and never reached him.
        first = await asyncio.wait_for(bob.queue.get(), 10)
        assert first.case_id == theirs.id
        while not bob.queue.empty():
            assert bob.queue.get_nowait().case_id == theirs.id
        presence = await asyncio.wait_for(alice.queue.get(), 10)
        while presence.kind != "presence":
            assert presence.case_id == hidden.id
            presence = await asyncio.wait_for(alice.queue.get(), 10)
        assert presence.case_id == hidden.id
        assert all(e.case_id != theirs.id for e in _drain(alice.queue))
        hub.unsubscribe(alice)
        hub.unsubscribe(bob)

    run_async(run())


def test_a_new_notification_is_announced_to_its_own_user_alone(db: Database, world: World) -> None:
    carl = make_actor(db, "carl@acme.test", "agent", ["A"], world.corporation_id)

    async def run() -> None:
        hub = LiveHub(db)
        alice = await hub.subscribe(world.agent_a.principal)
        other = await hub.subscribe(carl.principal)
        case = await asyncio.to_thread(
            make_case, db, world.admin, group_id=world.group_a, title="Printer offline"
        )
        patch = CasePatch(assignee_id=world.agent_a.user_id)
        await asyncio.to_thread(cases.update_case, db, world.admin.principal, case.id, patch)
        heard = [await asyncio.wait_for(alice.queue.get(), 10)]
        while heard[-1].kind != "notification":
            heard.append(await asyncio.wait_for(alice.queue.get(), 10))
        assert heard[-1].case_id == 0
        # Carl sees the case change but hears of no notification: it is not his.
        cases_heard = [await asyncio.wait_for(other.queue.get(), 10)]
        while len(cases_heard) < len(heard) - 1:
            cases_heard.append(await asyncio.wait_for(other.queue.get(), 10))
        assert {e.kind for e in cases_heard + _drain(other.queue)} == {"case"}
        hub.unsubscribe(alice)
        hub.unsubscribe(other)

    run_async(run())


def _drain(queue: asyncio.Queue[LiveEvent]) -> list[LiveEvent]:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(db: Database, data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    env = os.environ | {"CASEDESK_DATABASE_URL": db.url, "CASEDESK_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "casedesk.cli", "serve", "--port", str(port), "--no-jobs"],
        env=env,
        cwd=data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=2)
            return proc, url
        except httpx.TransportError:
            assert proc.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)  # waiting for a process to listen, not for a result


@pytest.fixture
def two_servers(db: Database, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two server processes over the test's database, each on a loopback port."""
    procs = []
    try:
        for name in ("one", "two"):
            (tmp_path / name).mkdir()
            procs.append(_start(db, tmp_path / name))
        yield procs[0][1], procs[1][1]
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(timeout=30)


def test_a_change_in_one_process_reaches_an_agent_connected_to_another(
    db: Database, world: World, two_servers: tuple[str, str]
) -> None:
    one, two = two_servers
    signed = web_sessions.sign_in_agent(db, world.agent_a.email, PASSWORD, "test")
    cookies = {"casedesk_session": signed.token}
    with (
        httpx.Client(base_url=one, cookies=cookies, timeout=15) as client,
        client.stream("GET", "/console/events") as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "event: ready"
        made = httpx.post(
            f"{two}/api/v1/cases",
            json={"title": "Made in the other process", "group_id": world.group_a},
            headers=world.agent_a.headers,
        )
        assert made.status_code in (200, 201), made.text
        case_id = made.json()["id"]
        event = ""
        for line in lines:
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "case":
                assert json.loads(line.removeprefix("data: "))["case_id"] == case_id
                break


def test_presence_on_one_process_shows_on_a_case_page_served_by_another(
    db: Database, world: World, two_servers: tuple[str, str], backend: str
) -> None:
    one, two = two_servers
    case = make_case(db, world.agent_a, group_id=world.group_a, title="Watched from afar")
    carl = make_actor(db, "carl@acme.test", "agent", ["A"], world.corporation_id)
    alice = web_sessions.sign_in_agent(db, world.agent_a.email, PASSWORD, "test")
    other = web_sessions.sign_in_agent(db, carl.email, PASSWORD, "test")
    with (
        httpx.Client(base_url=one, cookies={"casedesk_session": alice.token}, timeout=15) as a,
        a.stream("GET", "/console/events") as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines) == "event: ready"
        beat = httpx.post(
            f"{two}/console/cases/{case.id}/presence",
            data={"state": "typing"},
            cookies={"casedesk_session": other.token},
            headers={"X-CSRF-Token": other.csrf_token},
        )
        assert beat.status_code == 204, beat.text
        if backend != "postgresql":
            # One process per SQLite database: presence stays in the process it reached.
            assert "carl" not in a.get(f"/console/cases/{case.id}/presence").text
            return
        event = ""
        for line in lines:
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "presence":
                assert json.loads(line.removeprefix("data: "))["case_id"] == case.id
                break
        shown = a.get(f"/console/cases/{case.id}/presence")
        assert "carl" in shown.text and "typing a reply" in shown.text
