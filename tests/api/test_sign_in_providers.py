"""The sign-in providers' admin API and password sign-in turned off: admins only, the
client secret stored sealed and never shown, group rules held to the corporation's
groups, and with passwords off HTTP Basic refused on every face while tokens work."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import Group, SignInProvider
from tests.api.test_credential_limits import PASSWORD_FACES, PasswordFace, served
from tests.factories import PASSWORD, World, make_actor

SECRET = "the-client-secret-value"


def body(world: World, **extra: object) -> dict[str, object]:
    return {
        "name": "Entra ID",
        "issuer": "https://login.microsoftonline.com/tenant-id/v2.0/",
        "client_id": "a-client-id",
        "client_secret": SECRET,
        "group_rules": [{"value": "support-team", "group_id": world.group_a}],
        "admin_claim": "roles",
        "admin_values": ["casedesk.admin"],
    } | extra


def test_an_admin_adds_changes_and_removes_a_provider(
    client: TestClient, db: Database, world: World
) -> None:
    created = client.post(
        "/api/v1/sign-in-providers", json=body(world), headers=world.admin.headers
    )
    assert created.status_code == 201, created.text
    provider = created.json()
    assert provider["issuer"] == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert provider["redirect_path"] == "/console/sign-in/oidc/callback"
    assert provider["group_rules"] == [{"value": "support-team", "group_id": world.group_a}]
    assert SECRET not in created.text
    with db.read() as s:
        sealed = s.scalars(select(SignInProvider.client_secret_sealed)).one()
    assert SECRET not in sealed

    url = f"/api/v1/sign-in-providers/{provider['id']}"
    changed = client.patch(
        url, json={"name": "Entra", "is_active": False}, headers=world.admin.headers
    )
    assert changed.status_code == 200
    assert changed.json()["name"] == "Entra" and not changed.json()["is_active"]
    with db.read() as s:
        assert s.scalars(select(SignInProvider.client_secret_sealed)).one() == sealed
    listed = client.get("/api/v1/sign-in-providers", headers=world.admin.headers).json()
    assert [p["name"] for p in listed] == ["Entra"]
    assert client.delete(url, headers=world.admin.headers).status_code == 204
    assert client.get(url, headers=world.admin.headers).status_code == 404


def test_only_admins_manage_providers(client: TestClient, world: World) -> None:
    for method, path in [
        ("GET", "/api/v1/sign-in-providers"),
        ("POST", "/api/v1/sign-in-providers"),
        ("GET", "/api/v1/sign-in-rules/password"),
        ("PUT", "/api/v1/sign-in-rules/password"),
    ]:
        payload = body(world) if method == "POST" else {"allowed": False}
        answer = client.request(method, path, json=payload, headers=world.agent_a.headers)
        assert answer.status_code == 403, (method, path)
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"issuer": "ftp://example.com"}, "issuer"),
        ({"issuer": "http://sso.example.com/realms/staff"}, "issuer"),
        ({"scopes": "email profile"}, "scopes"),
        ({"client_secret": ""}, "client_secret"),
        ({"group_rules": [{"value": "x", "group_id": 999999}]}, "group_rules"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_provider_settings_are_refused_naming_the_field(
    client: TestClient, db: Database, world: World, extra: dict[str, object], field: str
) -> None:
    answer = client.post(
        "/api/v1/sign-in-providers", json=body(world, **extra), headers=world.admin.headers
    )
    assert answer.status_code == 422
    assert field in answer.text
    with db.read() as s:
        assert s.scalars(select(SignInProvider)).first() is None


def test_a_group_of_another_corporation_cannot_be_mapped(
    client: TestClient, db: Database, world: World
) -> None:
    other = make_world_elsewhere(db)
    answer = client.post(
        "/api/v1/sign-in-providers",
        json=body(world, group_rules=[{"value": "x", "group_id": other.group_a}]),
        headers=world.admin.headers,
    )
    assert answer.status_code == 422
    provider = client.post(
        "/api/v1/sign-in-providers", json=body(world), headers=world.admin.headers
    ).json()
    # Nor is another corporation's provider seen or changed.
    url = f"/api/v1/sign-in-providers/{provider['id']}"
    assert client.get(url, headers=other.admin.headers).status_code == 404
    assert client.delete(url, headers=other.admin.headers).status_code == 404


def make_world_elsewhere(db: Database) -> World:
    """A second corporation, with an admin and an agent of its own."""
    with db.write() as s:
        corp = create_corporation(s, "Globex", "GLX-")
        group = Group(corporation_id=corp.id, name="A")
        s.add(group)
        s.flush()
        corp_id, group_id = corp.id, group.id
    admin = make_actor(db, "boss@globex.test", "admin", [], corp_id)
    agent = make_actor(db, "worker@globex.test", "agent", ["A"], corp_id)
    return World(corp_id, group_id, group_id, admin, agent, agent)


@pytest.mark.parametrize("face", PASSWORD_FACES, ids=lambda f: f.name)
def test_basic_is_refused_when_password_sign_in_is_off(
    client: TestClient, world: World, face: PasswordFace
) -> None:
    served(face.call(client, world.agent_a.email, PASSWORD))
    off = client.put(
        "/api/v1/sign-in-rules/password", json={"allowed": False}, headers=world.admin.headers
    )
    assert off.status_code == 200 and off.json() == {"allowed": False}
    refused = face.call(client, world.agent_a.email, PASSWORD)
    assert refused.status_code == face.wrong, refused.text
    assert "single sign-on" in refused.text and "token" in refused.text
    served(client.get("/api/v1/cases", headers=world.agent_a.headers))


def test_password_sign_in_is_per_corporation(
    client: TestClient, db: Database, world: World
) -> None:
    other = make_world_elsewhere(db)
    client.put(
        "/api/v1/sign-in-rules/password", json={"allowed": False}, headers=other.admin.headers
    )
    assert client.get("/api/v1/sign-in-rules/password", headers=world.admin.headers).json() == {
        "allowed": True
    }
    served(client.get("/api/v1/cases", auth=(world.agent_a.email, PASSWORD)))


def test_a_provider_of_contacts_has_the_portals_redirect_path(
    client: TestClient, world: World
) -> None:
    created = client.post(
        "/api/v1/sign-in-providers",
        json=body(world, audience="contacts"),
        headers=world.admin.headers,
    )
    assert created.status_code == 201
    assert created.json()["redirect_path"] == "/portal/sign-in/oidc/callback"
    wrong = client.post(
        "/api/v1/sign-in-providers",
        json=body(world, audience="robots"),
        headers=world.admin.headers,
    )
    assert wrong.status_code == 422 and "audience" in wrong.text
