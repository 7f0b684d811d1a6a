"""Scoped tokens in the store, on SQLite and PostgreSQL: scopes kept and read back,
rotation, the last use written at most once a minute, and tokens from before scopes
(no scopes stored) keeping every scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from casedesk.domain.errors import NotFound, Unauthenticated
from casedesk.domain.token_scopes import ALL_SCOPES
from casedesk.services.identity import auth
from casedesk.services.identity.credentials import Credentials
from casedesk.store.db import Database
from casedesk.store.models import ApiToken
from tests.factories import World, make_world
from tests.support.clocks import FakeClock


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def last_use(db: Database, token_id: int) -> tuple[datetime | None, str | None]:
    with db.read() as s:
        row = s.execute(
            select(ApiToken.last_used_at, ApiToken.last_used_from).where(ApiToken.id == token_id)
        ).one()
        return row[0], row[1]


def test_scopes_are_kept_and_rotation_replaces_the_secret(db: Database, world: World) -> None:
    token_id, old = auth.create_token(db, world.agent_a.email, scopes=frozenset({"cases:read"}))
    assert auth.authenticate_token(db, old).scopes == {"cases:read"}
    new = auth.rotate_token(db, world.agent_a.principal, token_id)
    with pytest.raises(Unauthenticated):
        auth.authenticate_token(db, old)
    assert auth.authenticate_token(db, new).scopes == {"cases:read"}
    with pytest.raises(NotFound):  # not someone else's token
        auth.rotate_token(db, world.agent_b.principal, token_id)


def test_a_token_without_stored_scopes_has_them_all(db: Database, world: World) -> None:
    token_id, token = auth.create_token(db, world.agent_a.email)
    with db.write() as s:  # as a row from before scopes existed
        s.execute(update(ApiToken).where(ApiToken.id == token_id).values(scopes=None))
    assert auth.authenticate_token(db, token).scopes == set(ALL_SCOPES)


def test_last_use_is_written_at_most_once_a_minute(db: Database, world: World) -> None:
    clock = FakeClock(1_900_000_000.0)
    credentials = Credentials(db, requests_per_minute=0, clock=clock)
    token_id, token = auth.create_token(db, world.agent_a.email)
    assert last_use(db, token_id) == (None, None)
    credentials.token(token, "192.0.2.1")
    credentials.rates.flush()
    first = datetime.fromtimestamp(clock.now, UTC)
    assert last_use(db, token_id) == (first, "192.0.2.1")
    clock.advance(30)
    credentials.token(token, "192.0.2.2")
    credentials.rates.flush()
    assert last_use(db, token_id) == (first, "192.0.2.1")  # within the minute: not written
    clock.advance(31)
    credentials.token(token, "192.0.2.3")
    credentials.rates.flush()
    assert last_use(db, token_id) == (datetime.fromtimestamp(clock.now, UTC), "192.0.2.3")
