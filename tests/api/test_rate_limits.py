"""Per-token rate limits over HTTP: every answer to a token carries ``RateLimit-Policy``
and ``RateLimit``; past the quota the answer is a 429 with ``Retry-After`` in the face's
own shape, until the window ends. The hot routes (ADR 11) are held like every other
route, and processes over one database add their counts up."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.rate_limits import WINDOW_SECONDS, window_start
from casedesk.store.db import Database
from casedesk.store.models import ApiTokenUsage
from tests.api.test_credential_limits import TOKEN_FACES, TokenFace, refused
from tests.factories import World, make_world
from tests.support.clocks import FakeClock

QUOTA = 3
STATE = re.compile(r'^"default";r=(\d+);t=(\d+)$')


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def clock() -> FakeClock:
    """Ten seconds into a window, so that 50 seconds of it are left."""
    start = FakeClock()
    return FakeClock(window_start(start.now) + WINDOW_SECONDS + 10)


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.model_copy(update={"api_requests_per_minute": QUOTA})


@pytest.fixture
def app(limited: Settings, db: Database, clock: FakeClock) -> FastAPI:
    return create_app(limited, db, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def remaining(r: Response) -> tuple[int, int]:
    """``r`` and ``t`` of the answer's ``RateLimit`` header, after checking the policy."""
    assert r.headers["ratelimit-policy"] == f'"default";q={QUOTA};w=60', r.headers
    found = STATE.match(r.headers["ratelimit"])
    assert found, r.headers["ratelimit"]
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("face", TOKEN_FACES, ids=lambda f: f.name)
def test_a_token_is_held_to_its_quota_on_every_face(
    face: TokenFace, client: TestClient, clock: FakeClock, world: World
) -> None:
    token = world.agent_a.token
    for left in range(QUOTA - 1, -1, -1):
        answer = face.call(client, token)
        # served: found, or missing (the Case Management API's catalogue says 400 not-found)
        missing = answer.status_code == 404 or '"not-found"' in answer.text
        assert answer.status_code < 400 or missing, answer.text
        assert remaining(answer) == (left, 50)
    over = face.call(client, token)
    refused(over, face)
    assert remaining(over) == (0, 50)
    assert over.headers["retry-after"] == "50"
    # Another token has a window of its own.
    assert remaining(face.call(client, world.agent_b.token)) == (QUOTA - 1, 50)
    # The next window starts afresh.
    clock.advance(50)
    assert remaining(face.call(client, token)) == (QUOTA - 1, 60)


def test_answers_without_a_token_carry_no_rate_headers(client: TestClient, world: World) -> None:
    for answer in (
        client.get("/healthz"),
        client.get("/api/v1/cases"),
        client.get("/api/v1/cases", headers={"Authorization": "Bearer cd_not-a-token"}),
    ):
        assert "ratelimit" not in answer.headers and "ratelimit-policy" not in answer.headers


def test_a_token_quota_of_its_own_replaces_the_default(client: TestClient, world: World) -> None:
    made = client.post(
        "/api/v1/tokens",
        json={"name": "batch job", "rate_limit_per_minute": 1},
        headers=world.admin.headers,
    )
    assert made.status_code == 201 and made.json()["rate_limit_per_minute"] == 1
    own = {"Authorization": f"Bearer {made.json()['token']}"}
    first = client.get("/api/v1/cases", headers=own)
    assert first.headers["ratelimit-policy"] == '"default";q=1;w=60'
    assert client.get("/api/v1/cases", headers=own).status_code == 429
    # Agents may not raise their own.
    mine = client.post(
        "/api/v1/tokens", json={"rate_limit_per_minute": 10_000}, headers=world.agent_b.headers
    )
    assert mine.status_code == 403


def test_no_default_quota_means_no_limit_and_no_headers(
    settings: Settings, db: Database, world: World
) -> None:
    unlimited = settings.model_copy(update={"api_requests_per_minute": 0})
    with TestClient(create_app(unlimited, db)) as client:
        for _ in range(5):
            answer = client.get("/api/v1/cases", headers=world.agent_a.headers)
            assert answer.status_code == 200 and "ratelimit" not in answer.headers


def test_processes_over_one_database_add_their_counts_up(
    limited: Settings, db: Database, clock: FakeClock, world: World
) -> None:
    """Two app instances, each with its own ``Database``, as two server processes."""
    other_db = Database(db.url)
    try:
        one_app = create_app(limited, db, clock=clock)
        other_app = create_app(limited, other_db, clock=clock)
        one, other = TestClient(one_app), TestClient(other_app)
        h = world.agent_a.headers
        assert remaining(one.get("/api/v1/cases/1", headers=h)) == (2, 50)
        assert remaining(one.get("/api/v1/cases", headers=h)) == (1, 50)
        one_app.state.credentials.rates.flush()
        # The other process learns of them at its own flush, and counts on from there.
        assert remaining(other.get("/api/v1/cases", headers=h)) == (2, 50)
        other_app.state.credentials.rates.flush()
        assert other.get("/api/v1/cases", headers=h).status_code == 429
        one_app.state.credentials.rates.flush()
        assert one.get("/api/v1/cases", headers=h).status_code == 429
    finally:
        other_db.dispose()


def test_counts_reach_the_database_after_an_answer_once_due(
    client: TestClient, clock: FakeClock, db: Database, world: World
) -> None:
    def stored() -> int:
        with db.read() as s:
            return int(s.scalar(select(func.coalesce(func.sum(ApiTokenUsage.count), 0))) or 0)

    client.get("/api/v1/cases/1", headers=world.agent_a.headers)
    assert stored() == 0  # not yet due: nothing written on the request's path
    clock.advance(1)
    client.get("/api/v1/cases/1", headers=world.agent_a.headers)
    assert stored() == 2
