"""Scoped tokens over HTTP: a token outside its scopes is refused with 403 naming the
missing scope, in each face's own error shape, while what its scopes allow still works;
an expired token is refused (401); a rotated token's old secret stops working; the last
use of a token is recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.token_scopes import FACES
from casedesk.services.identity import auth
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from tests.factories import World, make_actor, make_world

SO_RPC = "/superoffice/api/v1/Agents/Ticket"
#: Every scope but writing cases.
READ_ONLY = frozenset({"cases:read", "messages:read", "reference:read", *FACES})


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_with(db: Database, world: World, scopes: frozenset[str], **kw: object) -> str:
    _, token = auth.create_token(db, world.admin.email, scopes=scopes, **kw)  # type: ignore[arg-type]
    return token


@pytest.fixture
def case_id(client: TestClient, world: World) -> int:
    r = client.post("/api/v1/cases", json={"title": "Printer jam"}, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


# --------------------------------------------------------------------------- shapes


def problem(r: Response) -> str:
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 403
    return str(r.json()["detail"])


def itx(r: Response) -> str:
    body = r.json()
    assert body["status"] == 403 and body["error"] == "Forbidden" and body["path"]
    return str(body["message"])


def superoffice(r: Response) -> str:
    body = r.json()
    assert set(body) == {"Error", "ErrorType", "ErrorSource"}
    return str(body["Error"])


def casemgmt(r: Response) -> str:
    (error,) = r.json()["errors"]
    assert error["code"] == "forbidden"
    return str(error["message"])


def trackit(r: Response) -> str:
    assert r.json()["success"] is False
    return str(r.json()["message"])


def itflow(r: Response) -> str:
    assert r.json()["success"] == "False"
    return str(r.json()["message"])


@dataclass(frozen=True)
class Route:
    name: str
    call: Callable[[TestClient, str, int], Response]
    shape: Callable[[Response], str]


WRITES = [
    Route(
        "native create",
        lambda c, t, _: c.post("/api/v1/cases", json={"title": "Jam"}, headers=bearer(t)),
        problem,
    ),
    Route(
        "native update",
        lambda c, t, i: c.patch(f"/api/v1/cases/{i}", json={"title": "Jam"}, headers=bearer(t)),
        problem,
    ),
    Route(
        "itx",
        lambda c, t, _: c.post(
            "/itx/rest/itxems/case", json={"description": "Jam"}, headers=bearer(t)
        ),
        itx,
    ),
    Route(
        "superoffice rest",
        lambda c, t, _: c.post(
            "/superoffice/api/v1/Ticket", json={"Title": "Jam"}, headers=bearer(t)
        ),
        superoffice,
    ),
    Route(
        "superoffice agent",
        lambda c, t, _: c.post(f"{SO_RPC}/SaveTicketEntity", json={}, headers=bearer(t)),
        superoffice,
    ),
    Route(
        "itflow",
        lambda c, t, _: c.post(
            "/itflow/api/v1/tickets/create.php",
            params={"api_key": t},
            json={"ticket_subject": "Jam"},
        ),
        itflow,
    ),
    Route(
        "trackit",
        lambda c, t, _: c.post(
            "/trackit/WebApi/tickets",
            json={"Properties": {"Subject": "Jam"}},
            headers=bearer(t),
        ),
        trackit,
    ),
    Route(
        "casemgmt",
        lambda c, t, _: c.post("/casemgmt/v2/cases", json={}, headers=bearer(t)),
        casemgmt,
    ),
]

READS = [
    Route("native get", lambda c, t, i: c.get(f"/api/v1/cases/{i}", headers=bearer(t)), problem),
    Route("native list", lambda c, t, _: c.get("/api/v1/cases", headers=bearer(t)), problem),
    Route("itx", lambda c, t, i: c.get(f"/itx/rest/itxems/case/{i}", headers=bearer(t)), itx),
    Route(
        "itx search",
        lambda c, t, _: c.post("/itx/rest/itxems/cases/search", json={}, headers=bearer(t)),
        itx,
    ),
    Route(
        "superoffice",
        lambda c, t, i: c.get(f"/superoffice/api/v1/Ticket/{i}", headers=bearer(t)),
        superoffice,
    ),
    Route(
        "itflow",
        lambda c, t, _: c.get("/itflow/api/v1/tickets/read.php", params={"api_key": t}),
        itflow,
    ),
    Route(
        "trackit", lambda c, t, i: c.get(f"/trackit/WebApi/tickets/{i}", headers=bearer(t)), trackit
    ),
]


@pytest.mark.parametrize("route", WRITES, ids=lambda r: r.name)
def test_a_token_without_cases_write_is_refused_naming_the_scope(
    route: Route, client: TestClient, db: Database, world: World, case_id: int
) -> None:
    r = route.call(client, token_with(db, world, READ_ONLY), case_id)
    assert r.status_code == 403, r.text
    assert "cases:write" in route.shape(r)
    # The same route with the scope is past the check (whatever it makes of the body).
    r = route.call(client, token_with(db, world, READ_ONLY | {"cases:write"}), case_id)
    assert r.status_code not in (401, 403), r.text


@pytest.mark.parametrize("route", READS, ids=lambda r: r.name)
def test_reads_work_with_cases_read(
    route: Route, client: TestClient, db: Database, world: World, case_id: int
) -> None:
    r = route.call(client, token_with(db, world, READ_ONLY), case_id)
    assert r.status_code == 200, r.text
    r = route.call(client, token_with(db, world, READ_ONLY - {"cases:read"}), case_id)
    assert r.status_code == 403 and "cases:read" in route.shape(r)


def test_a_dialect_needs_its_own_scope(client: TestClient, db: Database, world: World) -> None:
    token = token_with(db, world, frozenset({"cases:read", "cases:write", "itflow"}))
    r = client.get("/itx/rest/itxems/categories", headers=bearer(token))
    assert r.status_code == 403 and "itx" in itx(r)
    r = client.get("/itflow/api/v1/tickets/read.php", params={"api_key": token})
    assert r.status_code == 200, r.text


def test_a_new_message_needs_messages_write(
    client: TestClient, db: Database, world: World, case_id: int
) -> None:
    token = token_with(db, world, frozenset({"cases:read", "cases:write", "messages:read"}))
    r = client.post(
        f"/api/v1/cases/{case_id}/messages", json={"body": "Hello"}, headers=bearer(token)
    )
    assert r.status_code == 403 and "messages:write" in problem(r)
    r = client.get(f"/api/v1/cases/{case_id}/messages", headers=bearer(token))
    assert r.status_code == 200, r.text


def test_an_expired_token_is_refused(client: TestClient, db: Database, world: World) -> None:
    token = token_with(db, world, READ_ONLY, expires_at=utcnow() - timedelta(seconds=1))
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 401
    r = client.get("/itx/rest/itxems/categories", headers=bearer(token))
    assert r.status_code == 401


def test_tokens_made_without_scopes_keep_every_power(
    client: TestClient, world: World, case_id: int
) -> None:
    token = world.agent_a.token  # made as every existing token: no scopes named
    listed = client.get("/api/v1/tokens", headers=world.agent_a.headers).json()
    assert "cases:write" in listed[0]["scopes"] and "itx" in listed[0]["scopes"]
    r = client.post("/itx/rest/itxems/case", json={"description": "Jam"}, headers=bearer(token))
    assert r.status_code not in (401, 403), r.text


def test_create_with_scopes_rotate_and_last_use(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/tokens",
        json={"name": "reader", "scopes": ["cases:read", "itx"]},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["scopes"] == ["cases:read", "itx"]
    old = created["token"]
    assert client.get("/api/v1/cases", headers=bearer(old)).status_code == 200
    r = client.post(f"/api/v1/tokens/{created['id']}/rotate", headers=world.admin.headers)
    assert r.status_code == 200, r.text
    new = r.json()["token"]
    assert new != old
    assert client.get("/api/v1/cases", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/cases", headers=bearer(new)).status_code == 200
    r = client.post("/api/v1/cases", json={"title": "x"}, headers=bearer(new))
    assert r.status_code == 403 and "cases:write" in problem(r)
    client.app.state.credentials.rates.flush()  # type: ignore[attr-defined]
    (listed,) = [
        t
        for t in client.get("/api/v1/tokens", headers=world.admin.headers).json()
        if t["id"] == created["id"]
    ]
    assert listed["scopes"] == ["cases:read", "itx"] and "token" not in listed
    assert listed["last_used_at"] is not None and listed["last_used_from"] == "testclient"


def test_only_the_owner_or_an_admin_rotates_or_revokes_a_token(
    client: TestClient, db: Database, world: World
) -> None:
    with db.write() as s:
        globex = create_corporation(s, "Globex").id
    other_admin = make_actor(db, "olga@globex.test", "admin", [], globex)
    r = client.post("/api/v1/tokens", json={"name": "mine"}, headers=world.agent_a.headers)
    assert r.status_code == 201, r.text
    token_id, secret = r.json()["id"], r.json()["token"]
    url = f"/api/v1/tokens/{token_id}"
    for other in (world.agent_b, other_admin):
        assert client.post(f"{url}/rotate", headers=other.headers).status_code == 404
        assert client.delete(url, headers=other.headers).status_code == 404
    assert client.get("/api/v1/cases", headers=bearer(secret)).status_code == 200

    assert client.post(f"{url}/rotate", headers=world.admin.headers).status_code == 200
    assert client.delete(url, headers=world.agent_a.headers).status_code == 204
    r = client.post(f"{url}/rotate", headers=world.agent_a.headers)
    assert r.status_code == 409 and r.json()["detail"] == f"token {token_id} is revoked"


def test_unknown_scopes_are_refused(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/tokens", json={"scopes": ["cases:delete"]}, headers=world.admin.headers
    )
    assert r.status_code == 422 and "cases:delete" in r.text
