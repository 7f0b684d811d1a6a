"""The API tokens page: a token is shown once when created, works, and can be revoked."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.reference import organizations, tokens
from casedesk.services.reference.organizations import OrganizationCreate
from casedesk.store.db import Database
from tests.factories import World, make_world
from tests.web.admin_client import Browser, redirected_to


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver")


@pytest.fixture
def admin(client: TestClient, world: World) -> Browser:
    return Browser(client, world.admin.email)


def shown_token(html: str) -> str:
    found = re.search(r'id="new-token-value">(cd_[A-Za-z0-9_-]+)<', html)
    assert found, html
    return found.group(1)


def test_a_token_is_shown_once_works_and_is_revoked(
    admin: Browser, client: TestClient, db: Database, world: World
) -> None:
    created = admin.post_form(
        "/console/admin/tokens", {"name": "Monitoring", "user_email": world.agent_a.email}
    )
    assert created.status_code == 200
    token = shown_token(created.text)
    api = TestClient(client.app)
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/users", headers=bearer).status_code == 200

    listing = admin.get(f"/console/admin/tokens?user_id={world.agent_a.user_id}")
    assert listing.status_code == 200
    assert "Monitoring" in listing.text
    assert token[:8] in listing.text
    assert token not in listing.text  # never shown again

    owned = tokens.list_tokens(db, world.admin.principal, world.agent_a.user_id)
    row = next(t for t in owned if t.name == "Monitoring")
    revoked = admin.post(
        f"/console/admin/tokens/{row.id}/revoke", {"user_id": str(world.agent_a.user_id)}
    )
    assert redirected_to(revoked) == (
        f"/console/admin/tokens?user_id={world.agent_a.user_id}&done=revoked"
    )
    assert api.get("/api/v1/users", headers=bearer).status_code == 401
    assert "revoked" in admin.get(f"/console/admin/tokens?user_id={world.agent_a.user_id}").text


def test_an_expiry_in_the_past_is_refused_and_nothing_is_created(
    admin: Browser, db: Database, world: World
) -> None:
    before = tokens.list_tokens(db, world.admin.principal)
    answer = admin.post_form("/console/admin/tokens", {"name": "Old", "expires_on": "2001-01-01"})
    assert answer.status_code == 422
    assert "expires_at must be in the future" in answer.text
    bad_date = admin.post_form("/console/admin/tokens", {"expires_on": "someday"})
    assert bad_date.status_code == 422
    assert "expires_at" in bad_date.text
    assert tokens.list_tokens(db, world.admin.principal) == before


def test_agents_are_refused_and_cannot_revoke_others_tokens(
    client: TestClient, db: Database, world: World
) -> None:
    agent = Browser(client, world.agent_b.email)
    assert agent.get("/console/admin/tokens").status_code == 403
    theirs = tokens.list_tokens(db, world.admin.principal, world.agent_a.user_id)[0]
    assert agent.post(f"/console/admin/tokens/{theirs.id}/revoke", {}).status_code == 404
    still = tokens.list_tokens(db, world.admin.principal, world.agent_a.user_id)[0]
    assert still.revoked_at is None


def test_a_token_needs_the_session_token(admin: Browser, db: Database, world: World) -> None:
    before = tokens.list_tokens(db, world.admin.principal)
    assert admin.post("/console/admin/tokens", {"name": "x"}, csrf=False).status_code == 403
    assert tokens.list_tokens(db, world.admin.principal) == before


def test_token_names_are_escaped(admin: Browser) -> None:
    created = admin.post_form("/console/admin/tokens", {"name": "<img src=x onerror=alert(1)>"})
    assert created.status_code == 200
    assert "<img src=x" not in created.text
    assert "<img src=x" not in admin.get("/console/admin/tokens").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in admin.get("/console/admin/tokens").text


def test_an_admin_limits_a_token_to_one_organization(
    admin: Browser, db: Database, world: World
) -> None:
    org = organizations.create_organization(
        db, world.admin.principal, OrganizationCreate(name="Initech")
    )
    page = admin.get("/console/admin/tokens").text
    assert f'<option value="{org.id}">Initech</option>' in page
    created = admin.post_form(
        "/console/admin/tokens",
        {"name": "Initech portal", "organization_id": str(org.id), "expires_on": "2999-01-01"},
    )
    assert created.status_code == 200
    row = next(
        t for t in tokens.list_tokens(db, world.admin.principal) if t.name == "Initech portal"
    )
    assert row.organization_id == org.id
    assert row.expires_at is not None and row.expires_at.year == 2999
    assert "(one organization)" in admin.get("/console/admin/tokens").text
    unknown = admin.post_form("/console/admin/tokens", {"organization_id": "999999"})
    assert unknown.status_code == 422


def test_the_page_sets_scopes_shows_them_and_rotates(
    admin: Browser, client: TestClient, db: Database, world: World
) -> None:
    page = admin.get("/console/admin/tokens")
    assert 'value="cases:write"' in page.text and 'value="itx"' in page.text
    created = admin.post_form(
        "/console/admin/tokens",
        {"name": "Reader", "scopes_shown": "1", "scope": ["cases:read", "itx"]},
    )
    assert created.status_code == 200, created.text
    token = shown_token(created.text)
    api = TestClient(client.app)
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/cases", headers=bearer).status_code == 200
    refused = api.post("/api/v1/cases", json={"title": "x"}, headers=bearer)
    assert refused.status_code == 403 and "cases:write" in refused.text
    listing = admin.get("/console/admin/tokens")
    assert "cases:read itx" in listing.text

    row = next(t for t in tokens.list_tokens(db, world.admin.principal) if t.name == "Reader")
    rotated = admin.post_form(f"/console/admin/tokens/{row.id}/rotate", {})
    assert rotated.status_code == 200, rotated.text
    new = shown_token(rotated.text)
    assert api.get("/api/v1/cases", headers=bearer).status_code == 401
    again = api.get("/api/v1/cases", headers={"Authorization": f"Bearer {new}"})
    assert again.status_code == 200
