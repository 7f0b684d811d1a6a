"""The hot routes (``casedesk/api/hot_routes.py``) answer exactly as FastAPI's routes do:
every request is sent to the app twice, once with them and once without, and the
answers compared; requests in a form the hot routes pass over must still be answered
by FastAPI as before."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from casedesk.api.app import create_app
from casedesk.api.hot_routes import HotRoutes
from casedesk.config import Settings
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import ApiToken
from tests.factories import PASSWORD, Actor, World, make_actor, make_case

API = "/api/v1"
#: Headers whose values are part of the answer (not the transport's).
ANSWER_HEADERS = ("content-type", "etag", "location", "www-authenticate", "allow")


@pytest.fixture
def plain(settings: Settings, db: Database) -> Iterator[TestClient]:
    """The app with every request left to FastAPI's routes."""
    with TestClient(create_app(settings, db, hot_routes=False)) as c:
        yield c


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Statuses of the answers the hot routes gave."""
    answered: list[int] = []
    original = HotRoutes.handle

    async def spy(self: HotRoutes, *args: Any, **kwargs: Any) -> int | None:
        status = await original(self, *args, **kwargs)
        if status is not None:
            answered.append(status)
        return status

    monkeypatch.setattr(HotRoutes, "handle", spy)
    return answered


def answer(r: Response) -> tuple[int, dict[str, str], Any]:
    headers = {h: r.headers[h] for h in ANSWER_HEADERS if h in r.headers}
    body = r.json() if r.content and "json" in r.headers.get("content-type", "") else r.text
    return r.status_code, headers, body


def same(
    client: TestClient,
    plain: TestClient,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> tuple[int, dict[str, str], Any]:
    fast = answer(client.request(method, path, headers=headers, **kwargs))
    slow = answer(plain.request(method, path, headers=headers, **kwargs))
    assert fast == slow, (method, path, headers, kwargs)
    return fast


def basic(email: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


@pytest.fixture
def blind(db: Database, world: World) -> Actor:
    """An agent of group A without any permission."""
    return make_actor(db, "blind@acme.test", "agent", ["A"], world.corporation_id, [])


def test_get_one_answers_as_fastapi_does(
    client: TestClient,
    plain: TestClient,
    db: Database,
    world: World,
    blind: Actor,
    taken: list[int],
) -> None:
    a = make_case(db, world.agent_a, title="Printer in A", tags=["x"]).id
    b = make_case(db, world.agent_b, title="Secret in B").id
    for actor in (world.admin, world.agent_a, world.agent_b, blind):
        for case_id in (a, b, 987_654):
            same(client, plain, "GET", f"{API}/cases/{case_id}", headers=actor.headers)
    assert sorted(set(taken)) == [200, 403, 404]
    assert same(client, plain, "GET", f"{API}/cases/{a}", headers=world.agent_a.headers)[0] == 200
    assert same(client, plain, "GET", f"{API}/cases/{b}", headers=world.agent_a.headers)[0] == 404

    taken.clear()
    odd_paths = ("0", "01", "+1", "-1", str(2**53 + 1), "1.0", "x", f"{a}/", "")
    for path in odd_paths:
        same(client, plain, "GET", f"{API}/cases/{path}", headers=world.admin.headers)
    for headers in (
        {},
        basic(world.agent_a.email),
        basic(world.agent_a.email, "wrong password"),
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer cd_not-a-token"},
        {"Authorization": f"bearer   {world.agent_a.token}  "},
        {"Authorization": f"Token {world.agent_a.token}"},
    ):
        same(client, plain, "GET", f"{API}/cases/{a}", headers=headers)
    same(client, plain, "GET", f"{API}/cases/{a}?extra=1", headers=world.agent_a.headers)
    same(client, plain, "HEAD", f"{API}/cases/{a}", headers=world.agent_a.headers)
    same(client, plain, "DELETE", f"{API}/cases/987654", headers=world.agent_a.headers)


def test_a_revoked_token_is_refused_at_once(
    client: TestClient, plain: TestClient, db: Database, world: World, taken: list[int]
) -> None:
    a = make_case(db, world.agent_a).id
    assert same(client, plain, "GET", f"{API}/cases/{a}", headers=world.agent_a.headers)[0] == 200
    with db.write() as s:
        s.execute(update(ApiToken).values(revoked_at=utcnow()))
    for path in (f"{API}/cases/{a}", f"{API}/cases"):
        status, headers, _ = same(client, plain, "GET", path, headers=world.agent_a.headers)
        assert status == 401 and "www-authenticate" in headers
    assert taken == [200, 401, 401]


def test_list_answers_as_fastapi_does(
    client: TestClient,
    plain: TestClient,
    db: Database,
    world: World,
    blind: Actor,
    taken: list[int],
) -> None:
    for i in range(7):
        make_case(db, world.agent_a if i % 2 else world.agent_b, title=f"Printer {i} jams")
    queries = [
        "",
        "limit=3",
        "limit=200",
        "limit=3&sort=number",
        "sort=-created_at&limit=2",
        "q=printer&limit=2",
        "q=jams",
        "q=",
        "q=%20",
        "cursor=",
        "cursor=not-a-cursor",
        "cursor=WzEsMl0",
    ]
    for actor in (world.admin, world.agent_a, blind):
        for query in queries:
            same(client, plain, "GET", f"{API}/cases?{query}", headers=actor.headers)
    assert sorted(set(taken)) == [200, 403, 422]

    cursor: str | None = ""  # walk the pages both ways
    while cursor is not None:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        _, _, page = same(
            client, plain, "GET", f"{API}/cases", params=params, headers=world.admin.headers
        )
        cursor = page["next_cursor"]

    taken.clear()
    for query in (
        "limit=0",
        "limit=201",
        "limit=05",
        "limit=x",
        "limit=2&limit=3",
        "sort=bogus",
        "status=1",
        "tag=x",
        "include_deleted=true",
        "q=" + "x" * 501,
        "unknown=1",
    ):
        same(client, plain, "GET", f"{API}/cases?{query}", headers=world.admin.headers)
    same(client, plain, "GET", f"{API}/cases", headers=basic(world.admin.email))
    same(client, plain, "GET", f"{API}/cases")
    assert taken == []


def without_identity(body: dict[str, Any]) -> dict[str, Any]:
    """A created case without what differs between two creates."""
    skip = {"id", "number", "reference", "created_at", "updated_at", "status_changed_at"}
    skip |= {"internal_updated_at", "external_updated_at", "last_open_at", "last_activity_at"}
    skip |= {"first_response_due_at", "next_response_due_at", "resolution_due_at"}
    out = {k: v for k, v in body.items() if k not in skip}
    out["members"] = [
        {k: v for k, v in m.items() if k not in ("id", "start_at")} for m in out["members"]
    ]
    return out


def test_create_answers_as_fastapi_does(
    client: TestClient,
    plain: TestClient,
    world: World,
    blind: Actor,
    taken: list[int],
) -> None:
    bodies: list[dict[str, Any]] = [
        {"title": "Printer on fire"},
        {"title": "VPN down", "description": "since Monday", "tags": ["net"]},
        {"title": "Phone", "assignee_id": world.agent_a.user_id},
    ]
    for body in bodies:
        fast = client.post(f"{API}/cases", json=body, headers=world.agent_a.headers)
        slow = plain.post(f"{API}/cases", json=body, headers=world.agent_a.headers)
        assert (fast.status_code, slow.status_code) == (201, 201), fast.text
        one, two = fast.json(), slow.json()
        assert without_identity(one) == without_identity(two)
        for r, case in ((fast, one), (slow, two)):
            assert r.headers["etag"] == f'"{case["id"]}-{case["version"]}"'
            assert r.headers["location"] == f"/api/v1/cases/{case['id']}"
            assert r.headers["content-type"] == "application/json"
        got = client.get(f"{API}/cases/{one['id']}", headers=world.agent_a.headers)
        assert got.json() == one
    assert taken == [201, 200] * len(bodies)

    taken.clear()
    refused = [
        ({"title": "x", "group_id": world.group_b}, world.agent_a.headers),  # not their group
        ({"title": "x", "priority_id": 987_654}, world.agent_a.headers),
        ({"title": "x"}, blind.headers),
        ({"title": "x"}, {"Authorization": "Bearer cd_not-a-token"}),
    ]
    for body, headers in refused:
        status, _, _ = same(client, plain, "POST", f"{API}/cases", json=body, headers=headers)
        assert status in (401, 403, 404, 422)
    assert len(taken) == len(refused)

    taken.clear()
    json_type = {"Content-Type": "application/json"}
    for content, headers in (
        (b'{"title": ', world.agent_a.headers | json_type),
        (b"[]", world.agent_a.headers | json_type),
        (b'{"title": ""}', world.agent_a.headers | json_type),
        (b'{"title": "x", "bogus": 1}', world.agent_a.headers | json_type),
        (b'{"title": "x"}', world.agent_a.headers | {"Content-Type": "text/plain"}),
        (b'{"title": "x"}', json_type),
        (b"", world.agent_a.headers | json_type),
    ):
        same(client, plain, "POST", f"{API}/cases", content=content, headers=headers)
    assert taken == []


def test_idempotent_creates_are_left_to_fastapi(
    client: TestClient, world: World, taken: list[int]
) -> None:
    headers = world.agent_a.headers | {"Idempotency-Key": "k-1"}
    first = client.post(f"{API}/cases", json={"title": "Once"}, headers=headers)
    again = client.post(f"{API}/cases", json={"title": "Once"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert taken == []
