"""/corporations, /groups, /users and /tokens over HTTP."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.domain.errors import Unauthenticated
from casedesk.services.identity.auth import authenticate_token
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.factories import PASSWORD, Actor, World, make_actor, make_case

API = "/api/v1"


@pytest.fixture
def outsider(db: Database) -> Actor:
    """The admin of another corporation."""
    with db.write() as s:
        corp_id = create_corporation(s, "Globex", "GX-").id
    return make_actor(db, "admin@globex.test", "admin", [], corp_id)


def audit_actions(db: Database, entity_type: str) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_type == entity_type)
                .order_by(AuditEntry.id)
            )
        )


def basic(email: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


# --------------------------------------------------------------------------- corporations


def test_corporations_lists_only_the_callers_own(
    client: TestClient, world: World, outsider: Actor
) -> None:
    r = client.get(f"{API}/corporations", headers=world.agent_a.headers)
    assert r.status_code == 200
    assert [c["name"] for c in r.json()] == ["Acme"]
    other_id = outsider.principal.corporation_id
    r = client.get(f"{API}/corporations/{other_id}", headers=world.admin.headers)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    r = client.patch(
        f"{API}/corporations/{other_id}", json={"name": "Mine"}, headers=world.admin.headers
    )
    assert r.status_code == 404


def test_admin_changes_the_case_prefix_and_new_cases_use_it(
    client: TestClient, db: Database, world: World
) -> None:
    url = f"{API}/corporations/{world.corporation_id}"
    r = client.patch(
        url, json={"case_prefix": "HD-", "name": "Acme Inc"}, headers=world.admin.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["case_prefix"] == "HD-"
    assert r.json()["name"] == "Acme Inc"
    assert make_case(db, world.admin).reference.startswith("HD-")
    assert audit_actions(db, "corporation") == ["corporation.updated"]


@pytest.mark.parametrize(
    "body",
    [
        {"case_prefix": "has space"},
        {"case_prefix": "x" * 17},
        {"name": ""},
        {"name": None},
        {"name": "x" * 201},
        {"time_zone": "Mars/Olympus"},
        {"time_zone": "../../etc/passwd"},
        {"unknown": 1},
    ],
)
def test_corporation_patch_refuses_bad_input(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    r = client.patch(
        f"{API}/corporations/{world.corporation_id}", json=body, headers=world.admin.headers
    )
    assert r.status_code == 422, r.text


def test_corporation_name_is_unique_and_agents_may_not_change_it(
    client: TestClient, world: World, outsider: Actor
) -> None:
    url = f"{API}/corporations/{world.corporation_id}"
    assert (
        client.patch(url, json={"name": "globex"}, headers=world.admin.headers).status_code == 409
    )
    assert client.patch(url, json={"name": "X"}, headers=world.agent_a.headers).status_code == 403


def test_nul_characters_never_reach_the_store(client: TestClient, world: World) -> None:
    url = f"{API}/corporations/{world.corporation_id}"
    r = client.patch(url, json={"name": "nul\x00byte"}, headers=world.admin.headers)
    assert r.status_code in (400, 422)
    assert client.get(url, headers=world.admin.headers).json()["name"] == "Acme"


# --------------------------------------------------------------------------- groups


def test_groups_crud_with_audit(client: TestClient, db: Database, world: World) -> None:
    h = world.admin.headers
    r = client.post(f"{API}/groups", json={"name": "Network"}, headers=h)
    assert r.status_code == 201, r.text
    gid = r.json()["id"]
    assert r.json() == {"id": gid, "name": "Network", "is_default": False, "member_ids": []}
    assert client.post(f"{API}/groups", json={"name": "network"}, headers=h).status_code == 409
    r = client.patch(f"{API}/groups/{gid}", json={"name": "Networking"}, headers=h)
    assert r.json()["name"] == "Networking"
    names = [g["name"] for g in client.get(f"{API}/groups", headers=world.agent_b.headers).json()]
    assert names == ["A", "B", "Networking", "Support"]
    assert client.delete(f"{API}/groups/{gid}", headers=h).status_code == 204
    assert client.get(f"{API}/groups/{gid}", headers=h).status_code == 404
    assert audit_actions(db, "group") == ["group.created", "group.updated", "group.deleted"]


def test_agents_read_groups_but_may_not_write_them(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    assert client.get(f"{API}/groups/{world.group_b}", headers=h).status_code == 200
    assert client.post(f"{API}/groups", json={"name": "Mine"}, headers=h).status_code == 403
    r = client.patch(f"{API}/groups/{world.group_a}", json={"name": "Mine"}, headers=h)
    assert r.status_code == 403
    assert client.delete(f"{API}/groups/{world.group_b}", headers=h).status_code == 403
    r = client.put(f"{API}/groups/{world.group_b}/members/{world.agent_a.user_id}", headers=h)
    assert r.status_code == 403


def test_one_default_group(client: TestClient, world: World) -> None:
    h = world.admin.headers
    r = client.patch(f"{API}/groups/{world.group_a}", json={"is_default": True}, headers=h)
    assert r.status_code == 200
    defaults = [g["id"] for g in client.get(f"{API}/groups", headers=h).json() if g["is_default"]]
    assert defaults == [world.group_a]
    r = client.patch(f"{API}/groups/{world.group_a}", json={"is_default": False}, headers=h)
    assert r.status_code == 409
    assert client.delete(f"{API}/groups/{world.group_a}", headers=h).status_code == 409


def test_a_group_in_use_cannot_be_deleted(client: TestClient, db: Database, world: World) -> None:
    make_case(db, world.admin, group_id=world.group_b)
    r = client.delete(f"{API}/groups/{world.group_b}", headers=world.admin.headers)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"cases": 1}
    assert "still in use" in r.json()["detail"]


def test_group_members(client: TestClient, db: Database, world: World, outsider: Actor) -> None:
    h = world.admin.headers
    url = f"{API}/groups/{world.group_b}/members"
    r = client.put(f"{url}/{world.agent_a.user_id}", headers=h)
    assert r.status_code == 200
    assert r.json()["member_ids"] == sorted([world.agent_a.user_id, world.agent_b.user_id])
    assert client.put(f"{url}/{world.agent_a.user_id}", headers=h).status_code == 200
    # the new membership widens what the agent sees from the next request on
    case = make_case(db, world.admin, group_id=world.group_b)
    r = client.get(f"{API}/cases/{case.id}", headers=world.agent_a.headers)
    assert r.status_code == 200
    r = client.delete(f"{url}/{world.agent_a.user_id}", headers=h)
    assert r.json()["member_ids"] == [world.agent_b.user_id]
    assert client.get(f"{API}/cases/{case.id}", headers=world.agent_a.headers).status_code == 404
    assert client.put(f"{url}/{outsider.user_id}", headers=h).status_code == 404
    assert client.put(f"{url}/999999", headers=h).status_code == 404
    actions = audit_actions(db, "group")
    assert actions == ["group.member_added", "group.member_removed"]


# --------------------------------------------------------------------------- users


def test_agents_see_colleagues_without_admin_details(client: TestClient, world: World) -> None:
    r = client.get(f"{API}/users", headers=world.agent_a.headers)
    assert r.status_code == 200
    users = r.json()
    assert {u["email"] for u in users} == {"admin@acme.test", "alice@acme.test", "bob@acme.test"}
    assert all(set(u) == {"id", "email", "name", "role"} for u in users)
    r = client.get(f"{API}/users/{world.agent_b.user_id}", headers=world.agent_a.headers)
    assert set(r.json()) == {"id", "email", "name", "role"}
    full = client.get(f"{API}/users/{world.agent_b.user_id}", headers=world.admin.headers).json()
    assert full["group_ids"] == [world.group_b]
    assert full["is_active"] is True
    assert full["permissions"] is None


def test_admin_creates_a_user_who_can_sign_in(
    client: TestClient, db: Database, world: World
) -> None:
    body = {
        "email": "Carol@Acme.test",
        "role": "agent",
        "password": "a good long password",
        "name": "Carol",
        "group_ids": [world.group_a],
        "permissions": ["view_case", "add_note"],
    }
    r = client.post(f"{API}/users", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    carol = r.json()
    assert carol["email"] == "carol@acme.test"
    assert carol["group_ids"] == [world.group_a]
    assert carol["permissions"] == ["add_note", "view_case"]
    r = client.get(f"{API}/users", headers=basic("carol@acme.test", "a good long password"))
    assert r.status_code == 200
    assert client.post(f"{API}/users", json=body, headers=world.admin.headers).status_code == 409
    assert "user.created" in audit_actions(db, "user")


@pytest.mark.parametrize(
    "body",
    [
        {"email": "no-at-sign", "role": "agent"},
        {"email": "x@y.test", "role": "boss"},
        {"email": "x@y.test", "role": "agent", "password": "short"},
        {"email": "x@y.test", "role": "agent", "permissions": ["fly"]},
        {"email": "x@y.test", "role": "agent", "group_ids": [0]},
        {"email": "x@y.test", "role": "agent", "group_ids": [999999]},
        {"email": "x" * 320 + "@y.test", "role": "agent"},
        {"email": "x@y.test", "role": "agent", "name": "x" * 201},
    ],
)
def test_user_create_refuses_bad_input(
    client: TestClient, world: World, body: dict[str, object]
) -> None:
    assert client.post(f"{API}/users", json=body, headers=world.admin.headers).status_code == 422


def test_agents_may_not_manage_users(client: TestClient, db: Database, world: World) -> None:
    body = {"email": "eve@acme.test", "role": "admin", "password": "x" * 12}
    assert client.post(f"{API}/users", json=body, headers=world.agent_a.headers).status_code == 403
    url = f"{API}/users/{world.agent_a.user_id}"
    assert (
        client.patch(url, json={"role": "admin"}, headers=world.agent_a.headers).status_code == 403
    )
    # even with the reference permission: managing users stays with admins
    manager = make_actor(
        db,
        "m@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["manage_reference", "view_case"],
    )
    assert client.post(f"{API}/users", json=body, headers=manager.headers).status_code == 403


def test_admin_updates_a_user(client: TestClient, db: Database, world: World) -> None:
    url = f"{API}/users/{world.agent_a.user_id}"
    h = world.admin.headers
    r = client.patch(url, json={"name": "Alice A.", "permissions": ["view_case"]}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Alice A."
    assert r.json()["permissions"] == ["view_case"]
    r = client.post(f"{API}/cases", json={"title": "x"}, headers=world.agent_a.headers)
    assert r.status_code == 403
    r = client.patch(url, json={"permissions": None, "password": "a new password!"}, headers=h)
    assert r.json()["permissions"] is None
    assert client.get(
        f"{API}/users", headers=basic(world.agent_a.email, "a new password!")
    ).is_success
    assert client.patch(url, json={"is_active": False}, headers=h).json()["is_active"] is False
    assert client.get(f"{API}/users", headers=world.agent_a.headers).status_code == 401
    assert client.patch(url, json={"name": None}, headers=h).status_code == 422
    assert audit_actions(db, "user")[-3:] == ["user.updated"] * 3


def test_the_last_active_admin_stays_one(client: TestClient, world: World) -> None:
    h = world.admin.headers
    url = f"{API}/users/{world.admin.user_id}"
    assert client.patch(url, json={"role": "agent"}, headers=h).status_code == 409
    assert client.patch(url, json={"is_active": False}, headers=h).status_code == 409
    r = client.patch(f"{API}/users/{world.agent_b.user_id}", json={"role": "admin"}, headers=h)
    assert r.status_code == 200
    assert client.patch(url, json={"role": "agent"}, headers=h).status_code == 200


def test_users_of_another_corporation_are_not_found(
    client: TestClient, world: World, outsider: Actor
) -> None:
    url = f"{API}/users/{outsider.user_id}"
    assert client.get(url, headers=world.admin.headers).status_code == 404
    assert client.patch(url, json={"name": "x"}, headers=world.admin.headers).status_code == 404
    emails = {u["email"] for u in client.get(f"{API}/users", headers=world.admin.headers).json()}
    assert outsider.email not in emails


# --------------------------------------------------------------------------- tokens


def test_token_lifecycle(client: TestClient, db: Database, world: World) -> None:
    h = world.agent_a.headers
    r = client.post(f"{API}/tokens", json={"name": "laptop"}, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    token = created["token"]
    assert token.startswith(created["prefix"])
    assert created["user_id"] == world.agent_a.user_id
    assert authenticate_token(db, token).user_id == world.agent_a.user_id
    listed = client.get(f"{API}/tokens", headers=h).json()
    assert [t["name"] for t in listed] == ["", "laptop"]
    assert all("token" not in t for t in listed)
    assert token not in client.get(f"{API}/tokens", headers=h).text
    assert client.delete(f"{API}/tokens/{created['id']}", headers=h).status_code == 204
    with pytest.raises(Unauthenticated):
        authenticate_token(db, token)
    assert (
        client.get(f"{API}/tokens", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    revoked = [t for t in client.get(f"{API}/tokens", headers=h).json() if t["revoked_at"]]
    assert [t["id"] for t in revoked] == [created["id"]]
    assert audit_actions(db, "api_token")[-2:] == ["token.created", "token.revoked"]


def test_tokens_for_others_are_for_admins(client: TestClient, db: Database, world: World) -> None:
    body = {"user_email": world.agent_b.email}
    assert client.post(f"{API}/tokens", json=body, headers=world.agent_a.headers).status_code == 403
    r = client.post(f"{API}/tokens", json=body, headers=world.admin.headers)
    assert r.status_code == 201
    assert authenticate_token(db, r.json()["token"]).user_id == world.agent_b.user_id
    theirs = f"{API}/tokens?user_id={world.agent_b.user_id}"
    assert client.get(theirs, headers=world.agent_a.headers).status_code == 403
    assert len(client.get(theirs, headers=world.admin.headers).json()) == 2
    r = client.delete(f"{API}/tokens/{r.json()['id']}", headers=world.agent_a.headers)
    assert r.status_code == 404


def test_token_for_another_corporation_is_not_found(
    client: TestClient, world: World, outsider: Actor
) -> None:
    r = client.post(
        f"{API}/tokens", json={"user_email": outsider.email}, headers=world.admin.headers
    )
    assert r.status_code == 404
    outsider_tokens = client.get(f"{API}/tokens", headers=outsider.headers).json()
    r = client.delete(f"{API}/tokens/{outsider_tokens[0]['id']}", headers=world.admin.headers)
    assert r.status_code == 404


@pytest.mark.parametrize(
    "expires_at",
    [
        (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "2030-01-01T00:00:00",  # no time zone
        "9999-12-31T23:59:59-05:00",  # beyond the representable range in UTC
        "soon",
    ],
)
def test_token_expiry_is_checked(client: TestClient, world: World, expires_at: str) -> None:
    r = client.post(f"{API}/tokens", json={"expires_at": expires_at}, headers=world.admin.headers)
    assert r.status_code == 422, r.text


def test_an_expiring_token(client: TestClient, db: Database, world: World) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    r = client.post(
        f"{API}/tokens", json={"expires_at": soon.isoformat()}, headers=world.admin.headers
    )
    token = r.json()["token"]
    assert authenticate_token(db, token).user_id == world.admin.user_id
    with pytest.raises(Unauthenticated):
        authenticate_token(db, token, now=soon + timedelta(seconds=1))


def test_password_login_is_not_needed_for_token_users(client: TestClient, world: World) -> None:
    r = client.post(
        f"{API}/users",
        json={"email": "bot@acme.test", "role": "agent"},
        headers=world.admin.headers,
    )
    assert r.status_code == 201
    assert client.get(f"{API}/users", headers=basic("bot@acme.test", PASSWORD)).status_code == 401
