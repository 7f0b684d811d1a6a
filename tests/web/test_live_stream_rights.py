"""An open event stream keeps to the rights of now: an agent who signs out, or leaves
the group of a case, receives nothing more about it on the stream they opened before.

The streams are read over HTTP from the test server (uvicorn on a loopback port), so
the stream ends as a browser's EventSource would see it end.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from casedesk.services.reference import groups
from casedesk.web.routes import console_live
from tests.factories import PASSWORD, World, make_case
from tests.web.conftest import LiveServer
from tests.web.console_support import form_token


@pytest.fixture
def recheck_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check the session before every event, so the test needs no waiting."""
    monkeypatch.setattr(console_live, "RECHECK_SECONDS", 0.0)


def _signed_in(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10)
    token = form_token(client.get("/console/sign-in").text)
    answer = client.post(
        "/console/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code in (200, 303), answer.text
    return client


def _events(lines: Iterator[str]) -> Iterator[str]:
    """The names of the events on a stream, as they come; ends when the stream does."""
    for line in lines:
        if line.startswith("event:"):
            yield line.split(":", 1)[1].strip()


def _opened(client: httpx.Client) -> tuple[httpx.Response, Iterator[str]]:
    response = client.send(client.build_request("GET", "/console/events"), stream=True)
    assert response.status_code == 200
    names = _events(response.iter_lines())
    assert next(names) == "ready"
    return response, names


def test_a_stream_ends_when_its_agent_signs_out(
    live_server: LiveServer, world: World, recheck_always: None
) -> None:
    client = _signed_in(live_server.url, world.agent_a.email)
    response, names = _opened(client)
    try:
        token = form_token(client.get("/console/cases").text)
        out = client.post("/console/sign-out", data={"csrf_token": token})
        assert out.status_code in (200, 303)
        make_case(live_server.db, world.agent_a, group_id=world.group_a, title="After sign-out")
        assert list(names) == []  # the stream ended without a word about the case
    finally:
        response.close()
        client.close()


def test_a_stream_ends_when_its_agent_leaves_the_group(
    live_server: LiveServer, world: World, recheck_always: None
) -> None:
    client = _signed_in(live_server.url, world.agent_a.email)
    response, names = _opened(client)
    try:
        make_case(live_server.db, world.agent_a, group_id=world.group_a, title="Still mine")
        assert next(names) == "case"  # the rights stand: the case is told
        groups.remove_member(
            live_server.db, world.admin.principal, world.group_a, world.agent_a.user_id
        )
        make_case(live_server.db, world.admin, group_id=world.group_a, title="Not any more")
        assert list(names) == []
    finally:
        response.close()
        client.close()
