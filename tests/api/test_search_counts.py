"""Counts over HTTP stop at their bound and say so, in the native API's list and count
answers and in the console, and count only what the caller may see."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from casedesk.config import Settings
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client

API = "/api/v1"


@pytest.fixture
def printers(db: Database, world: World) -> None:
    for n in range(3):
        make_case(db, world.agent_a, title=f"Printer {n} jammed")
    make_case(db, world.agent_b, title="Printer of group B")


@pytest.mark.parametrize(
    ("bound", "alice", "admin"),
    [(2, (2, True), (2, True)), (3, (3, False), (3, True)), (4, (3, False), (4, False))],
)
def test_list_and_count_answers_are_exact_up_to_the_bound(
    client: TestClient,
    world: World,
    printers: None,
    monkeypatch: pytest.MonkeyPatch,
    bound: int,
    alice: tuple[int, bool],
    admin: tuple[int, bool],
) -> None:
    monkeypatch.setenv("CASEDESK_SEARCH_EXACT_COUNT", str(bound))
    for actor, expected in ((world.agent_a, alice), (world.admin, admin)):
        listed = client.get(f"{API}/cases", params={"q": "printer"}, headers=actor.headers)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert (body["total"], body["total_is_estimate"]) == expected
        counted = client.get(f"{API}/cases/count", params={"q": "printer"}, headers=actor.headers)
        assert counted.json() == {"count": expected[0], "is_estimate": expected[1]}
    first = client.get(f"{API}/cases", params={"limit": 1}, headers=world.admin.headers).json()
    assert first["total"] is not None and first["next_cursor"]
    params = {"limit": 1, "cursor": first["next_cursor"]}
    later = client.get(f"{API}/cases", params=params, headers=world.admin.headers)
    assert later.json()["total"] is None


def test_a_query_the_language_refuses_is_a_422(client: TestClient, world: World) -> None:
    for path in ("/cases", "/cases/count"):
        r = client.get(f"{API}{path}", params={"q": "-status:open"}, headers=world.agent_a.headers)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "cannot be excluded" in r.json()["detail"]


def _view(html: str, name: str) -> str:
    found = re.search(rf">{re.escape(name)} <span class=\"count\"[^>]*>([\d,+]+)</span>", html)
    assert found, name
    return found.group(1)


def test_the_console_shows_counts_above_the_bound_as_at_least(
    settings: Settings,
    db: Database,
    world: World,
    printers: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    found = alice.get("/console/cases", params={"q": "printer"})
    assert "3 cases" in found.text and _view(found.text, "All cases") == "3"
    monkeypatch.setenv("CASEDESK_SEARCH_EXACT_COUNT", "2")
    found = alice.get("/console/cases", params={"q": "printer"})
    assert "2+ cases" in found.text and _view(found.text, "All cases") == "2+"
