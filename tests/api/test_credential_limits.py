"""The one brute-force limit, over HTTP, on every face that checks a credential: a
password (HTTP Basic on the API and the dialects, the Track-It! token grant) or a token
(Bearer on the API and the dialects, ITFlow's ``api_key``).

Each face counts its failures towards the limit, refuses with 429 and ``Retry-After``
in its own error shape past it, and sees the failures of every other face and of every
other process over the same database: an account locked on the console is locked here.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.errors import TooManyAttempts, Unauthenticated
from casedesk.domain.sign_in import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_CLIENT
from casedesk.services.identity import credential_limits, web_sessions
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from tests.factories import PASSWORD, World, make_world
from tests.web.test_sign_in import sign_in

SO = "/superoffice/api/v1/Agents/Ticket"
#: The address TestClient requests come from.
HERE = "testclient"
ELSEWHERE = ("198.51.100.9", 40000)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db))


def basic(email: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


# --------------------------------------------------------------------------- shapes


def problem_shape(r: Response) -> None:
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 429 and r.json()["code"] in ("too-many-attempts", "rate-limited")


def itx_shape(r: Response) -> None:
    body = r.json()
    assert body["status"] == 429 and body["error"] == "Too Many Requests"
    assert body["message"] and body["path"]


def superoffice_shape(r: Response) -> None:
    body = r.json()
    assert set(body) == {"Error", "ErrorType", "ErrorSource"} and body["Error"]


def casemgmt_shape(r: Response) -> None:
    (error,) = r.json()["errors"]
    assert error["code"] in ("too-many-attempts", "rate-limited") and error["message"]


def trackit_shape(r: Response) -> None:
    assert r.json()["success"] is False and r.json()["message"]


def itflow_shape(r: Response) -> None:
    assert r.json()["success"] == "False" and r.json()["message"]


def oauth_shape(r: Response) -> None:
    assert r.json()["error"] == "temporarily_unavailable" and r.json()["error_description"]


# --------------------------------------------------------------------------- faces


@dataclass(frozen=True)
class PasswordFace:
    name: str
    call: Callable[[TestClient, str, str], Response]
    shape: Callable[[Response], None]
    #: The status of a wrong password on this face.
    wrong: int = 401


PASSWORD_FACES = [
    PasswordFace(
        "native",
        lambda c, e, p: c.get("/api/v1/cases", headers=basic(e, p)),
        problem_shape,
    ),
    PasswordFace(
        "itx",
        lambda c, e, p: c.get("/itx/rest/itxems/categories", headers=basic(e, p)),
        itx_shape,
    ),
    PasswordFace(
        "superoffice",
        lambda c, e, p: c.post(f"{SO}/CreateDefaultTicketEntity", headers=basic(e, p)),
        superoffice_shape,
    ),
    PasswordFace(
        "casemgmt",
        lambda c, e, p: c.get("/casemgmt/v2/cases/12345678", headers=basic(e, p)),
        casemgmt_shape,
    ),
    PasswordFace(
        "trackit-token-grant",
        lambda c, e, p: c.post(
            "/trackit/WebApi/token",
            data={"grant_type": "password", "username": e, "password": p},
        ),
        oauth_shape,
        wrong=400,
    ),
]


@dataclass(frozen=True)
class TokenFace:
    name: str
    call: Callable[[TestClient, str], Response]
    shape: Callable[[Response], None]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


TOKEN_FACES = [
    TokenFace(
        "native get", lambda c, t: c.get("/api/v1/cases/1", headers=bearer(t)), problem_shape
    ),
    TokenFace("native list", lambda c, t: c.get("/api/v1/cases", headers=bearer(t)), problem_shape),
    TokenFace(
        "native create",
        lambda c, t: c.post("/api/v1/cases", json={"title": "Jam"}, headers=bearer(t)),
        problem_shape,
    ),
    TokenFace(
        "native other", lambda c, t: c.get("/api/v1/users", headers=bearer(t)), problem_shape
    ),
    TokenFace(
        "itx", lambda c, t: c.get("/itx/rest/itxems/categories", headers=bearer(t)), itx_shape
    ),
    TokenFace(
        "superoffice",
        lambda c, t: c.post(f"{SO}/CreateDefaultTicketEntity", headers=bearer(t)),
        superoffice_shape,
    ),
    TokenFace(
        "casemgmt",
        lambda c, t: c.get("/casemgmt/v2/cases/12345678", headers=bearer(t)),
        casemgmt_shape,
    ),
    TokenFace(
        "trackit",
        lambda c, t: c.get("/trackit/WebApi/tickets/Templates", headers=bearer(t)),
        trackit_shape,
    ),
    TokenFace(
        "itflow",
        lambda c, t: c.get("/itflow/api/v1/tickets/read.php", params={"api_key": t}),
        itflow_shape,
    ),
]


def refused(r: Response, face: Any) -> None:
    """A 429 with ``Retry-After`` in the face's own shape."""
    assert r.status_code == 429, r.text
    assert int(r.headers["retry-after"]) > 0
    face.shape(r)


def served(r: Response) -> None:
    """Past the credential check: any answer but a refusal of the caller (the Case
    Management API answers an unknown case with its catalogue's 400 ``not-found``)."""
    missing = r.status_code == 400 and '"not-found"' in r.text
    assert missing or r.status_code not in (400, 401, 429), r.text


# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize("face", PASSWORD_FACES, ids=lambda f: f.name)
def test_an_account_locked_on_the_console_is_locked_on_every_face(
    face: PasswordFace, client: TestClient, db: Database, world: World
) -> None:
    email = world.agent_a.email
    served(face.call(client, email, PASSWORD))
    for _ in range(MAX_FAILURES_PER_ACCOUNT):  # guessed through the console, elsewhere
        with pytest.raises(Unauthenticated):
            web_sessions.sign_in_agent(db, email, "wrong guess", ELSEWHERE[0])
    refused(face.call(client, email, PASSWORD), face)
    # Another account from this client is not affected.
    served(face.call(client, world.agent_b.email, PASSWORD))


@pytest.mark.parametrize("face", PASSWORD_FACES, ids=lambda f: f.name)
def test_wrong_passwords_on_a_face_lock_the_account_on_every_face(
    face: PasswordFace, client: TestClient, db: Database, world: World
) -> None:
    email = world.agent_a.email
    now = utcnow()
    for _ in range(MAX_FAILURES_PER_ACCOUNT - 1):
        credential_limits.record_failure(db, email, ELSEWHERE[0], now)
    assert face.call(client, email, "wrong guess").status_code == face.wrong
    # The face counted it: the right password is refused now, here and on the console.
    refused(face.call(client, email, PASSWORD), face)
    console = TestClient(create_app(client.app.state.settings, db))  # type: ignore[attr-defined]
    assert sign_in(console, email, PASSWORD).status_code == 429  # type: ignore[attr-defined]


@pytest.mark.parametrize("face", PASSWORD_FACES, ids=lambda f: f.name)
def test_a_client_trying_many_accounts_is_refused(
    face: PasswordFace, client: TestClient, db: Database, world: World
) -> None:
    now = utcnow()
    for i in range(MAX_FAILURES_PER_CLIENT - 1):
        credential_limits.record_failure(db, f"guess{i}@acme.test", HERE, now)
    assert face.call(client, "someone@acme.test", "wrong guess").status_code == face.wrong
    refused(face.call(client, world.agent_a.email, PASSWORD), face)
    elsewhere = TestClient(client.app, client=ELSEWHERE)  # type: ignore[arg-type]
    served(face.call(elsewhere, world.agent_a.email, PASSWORD))


# --------------------------------------------------------------------------- tokens


@pytest.mark.parametrize("face", TOKEN_FACES, ids=lambda f: f.name)
def test_a_client_guessing_tokens_is_refused_but_valid_tokens_still_work(
    face: TokenFace, client: TestClient, db: Database, world: World
) -> None:
    now = utcnow()
    for _ in range(MAX_FAILURES_PER_CLIENT - 1):
        credential_limits.record_failure(db, None, HERE, now)
    assert face.call(client, "cd_not-a-token").status_code == 401
    # That failure counted: the next unknown token from this client is a 429.
    refused(face.call(client, "cd_another-guess"), face)
    # A valid token cannot be guessed, so it is served, from here too.
    served(face.call(client, world.agent_a.token))
    # Another client is not affected.
    elsewhere = TestClient(client.app, client=ELSEWHERE)  # type: ignore[arg-type]
    assert face.call(elsewhere, "cd_not-a-token").status_code == 401


# --------------------------------------------------------------------------- processes


def test_processes_over_one_database_share_the_counts(
    settings: Settings, db: Database, world: World
) -> None:
    """Two app instances, each with its own ``Database`` (as two server processes)."""
    other_db = Database(db.url)
    try:
        one = TestClient(create_app(settings, db))
        other = TestClient(create_app(settings, other_db))
        email = world.agent_a.email
        for _ in range(MAX_FAILURES_PER_ACCOUNT):
            assert one.get("/api/v1/cases", headers=basic(email, "wrong")).status_code == 401
        answer = other.get("/itx/rest/itxems/categories", headers=basic(email, PASSWORD))
        assert answer.status_code == 429
        with pytest.raises(TooManyAttempts):
            web_sessions.sign_in_agent(other_db, email, PASSWORD, ELSEWHERE[0])
    finally:
        other_db.dispose()
