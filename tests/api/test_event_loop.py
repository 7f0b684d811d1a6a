"""A slow request never holds up the others of its worker: while a search is held in
the middle of its work (by an event the test controls), a get on the same app, on the
same event loop, is answered."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases import search
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.support.async_run import run_async

API = "/api/v1"


@pytest.mark.parametrize("path", ["/cases?q=printer", "/cases", "/cases/count?q=printer"])
def test_a_get_is_answered_while_a_search_is_in_flight(
    settings: Settings,
    db: Database,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
) -> None:
    case_id = make_case(db, world.agent_a, title="Printer jammed").id
    searching, release = threading.Event(), threading.Event()
    for name in ("search_cases_in", "count_cases_in"):
        original = getattr(search, name)

        def held(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            searching.set()
            release.wait(timeout=30)  # a guard: the test releases it as soon as it can
            return _original(*args, **kwargs)

        monkeypatch.setattr(search, name, held)
    app = create_app(settings, db)
    headers = world.agent_a.headers
    order: list[str] = []

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:

            async def slow() -> httpx.Response:
                r = await c.get(API + path, headers=headers)
                order.append("search")
                return r

            pending = asyncio.create_task(slow())
            assert await asyncio.to_thread(searching.wait, 30)
            got = await c.get(f"{API}/cases/{case_id}", headers=headers)
            order.append("get")
            assert got.status_code == 200 and got.json()["id"] == case_id
            release.set()
            assert (await pending).status_code == 200

    try:
        run_async(scenario())
    finally:
        release.set()
    assert order == ["get", "search"]
