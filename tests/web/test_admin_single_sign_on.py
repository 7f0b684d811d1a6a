"""The admin page of single sign-on: providers added and changed by form (group rules
typed as ``claim value = group name``), the client secret kept when left empty, a rule
naming no group refused, password sign-in switched off, and only admins get in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.config import Settings
from casedesk.services.identity import sso_providers
from casedesk.store.db import Database
from casedesk.store.models import SignInProvider
from tests.factories import World, make_world
from tests.web.console_support import agent_client, form_token
from tests.web.markup import markup_problems

HOME = "/console/admin/single-sign-on"


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def fields(**extra: str) -> dict[str, str]:
    return {
        "name": "Keycloak",
        "issuer": "https://sso.example.com/realms/staff",
        "client_id": "casedesk",
        "client_secret": "first-secret",
        "scopes": "openid email profile",
        "groups_claim": "groups",
        "group_rules": "/support = A\n/billing = B",
        "admin_claim": "groups",
        "admin_values": "/casedesk-admins",
        "sign_out_at_provider": "1",
        "is_active": "1",
    } | extra


def test_an_admin_sets_up_a_provider_by_form(
    settings: Settings, db: Database, world: World
) -> None:
    client = agent_client(settings, db, world.admin.email)
    page = client.get(HOME)
    assert page.status_code == 200 and "No sign-in providers yet" in page.text
    assert markup_problems(page.text) == []
    token = form_token(page.text)
    created = client.post(HOME, data=fields(csrf_token=token), follow_redirects=False)
    assert created.status_code == 303, created.text
    edit = client.get(created.headers["location"])
    assert edit.status_code == 200 and markup_problems(edit.text) == []
    assert "/support = A" in edit.text and "first-secret" not in edit.text
    assert "/console/sign-in/oidc/callback" in edit.text
    (provider,) = sso_providers.list_providers(db, world.admin.principal)
    assert [(r.value, r.group_id) for r in provider.group_rules] == [
        ("/support", world.group_a),
        ("/billing", world.group_b),
    ]
    with db.read() as s:
        sealed = s.scalars(select(SignInProvider.client_secret_sealed)).one()
    saved = client.post(
        f"{HOME}/{provider.id}",
        data=fields(csrf_token=token, client_secret="", name="Staff sign-in"),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with db.read() as s:
        row = s.scalars(select(SignInProvider)).one()
        assert (row.name, row.client_secret_sealed, row.provider_mfa_counts) == (
            "Staff sign-in",
            sealed,
            False,
        )
    wrong = client.post(
        f"{HOME}/{provider.id}",
        data=fields(csrf_token=token, group_rules="/support = No such group"),
    )
    assert wrong.status_code == 422 and "group rules" in wrong.text

    off = client.post(f"{HOME}/password", data={"csrf_token": token}, follow_redirects=False)
    assert off.status_code == 303
    assert not sso_providers.get_password_sign_in(db, world.admin.principal).allowed
    gone = client.post(
        f"{HOME}/{provider.id}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert sso_providers.list_providers(db, world.admin.principal) == []


def test_agents_do_not_get_the_page(settings: Settings, db: Database, world: World) -> None:
    client = agent_client(settings, db, world.agent_a.email)
    assert client.get(HOME).status_code == 403
