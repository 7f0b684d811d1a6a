"""Tokens from before scopes existed get every scope from the migration, so they keep
the power they had."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.domain.token_scopes import ALL_SCOPES, format_scopes
from casedesk.services.identity.auth import authenticate_token
from casedesk.store.db import Database
from casedesk.store.migrate import downgrade, upgrade
from casedesk.store.models import ApiToken
from tests.factories import make_world


def test_existing_tokens_get_every_scope(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)
    db = Database(fresh_database_url)
    try:
        token = make_world(db).agent_a.token
        db.engine.dispose()
        downgrade(fresh_database_url, "0023")  # the schema before scopes, token kept
        upgrade(fresh_database_url)
        with db.read() as s:
            assert set(s.scalars(select(ApiToken.scopes))) == {format_scopes(ALL_SCOPES)}
        assert authenticate_token(db, token).scopes == set(ALL_SCOPES)
    finally:
        db.engine.dispose()
