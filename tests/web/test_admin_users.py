"""The users page: admins create and edit users, including their groups and password."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.reference import accounts
from casedesk.services.reference.accounts import UserOut
from casedesk.store.db import Database
from tests.factories import World, make_world
from tests.web.admin_client import Browser, form_token, notice_of, redirected_to


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver")


@pytest.fixture
def admin(client: TestClient, world: World) -> Browser:
    return Browser(client, world.admin.email)


def user_by_email(db: Database, world: World, email: str) -> UserOut | None:
    for user in accounts.list_users(db, world.admin.principal):
        if user.email == email:
            assert isinstance(user, UserOut)
            return user
    return None


def test_an_admin_creates_a_user_in_a_group_and_sees_them_listed(
    admin: Browser, db: Database, world: World
) -> None:
    answer = admin.post(
        "/console/admin/users",
        {
            "email": "carol@acme.test",
            "name": "Carol",
            "role": "agent",
            "password": "a long enough password",
            "group_ids": [str(world.group_b)],
        },
    )
    assert redirected_to(answer) == "/console/admin/users?done=created"
    page = admin.get("/console/admin/users?done=created")
    assert page.status_code == 200
    assert "carol@acme.test" in page.text
    assert "Created." in page.text
    carol = user_by_email(db, world, "carol@acme.test")
    assert carol is not None
    assert carol.group_ids == [world.group_b]


def test_an_admin_edits_name_role_groups_activity_and_password(
    admin: Browser, client: TestClient, db: Database, world: World
) -> None:
    url = f"/console/admin/users/{world.agent_a.user_id}"
    page = admin.get(url)
    assert page.status_code == 200
    assert 'name="group_ids"' in page.text
    answer = admin.post(
        url,
        {
            "name": "Alice Liddell",
            "role": "agent",
            "group_ids": [str(world.group_a), str(world.group_b)],
            "password": "a brand new password",
        },
    )
    assert redirected_to(answer) == "/console/admin/users?done=saved"
    alice = user_by_email(db, world, world.agent_a.email)
    assert alice is not None
    assert alice.name == "Alice Liddell"
    assert alice.group_ids == [world.group_a, world.group_b]
    assert alice.is_active is False  # the box was not ticked
    assert "Alice Liddell" in admin.get("/console/admin/users").text


def test_a_bad_email_is_refused_with_a_notice_and_nothing_is_created(
    admin: Browser, db: Database, world: World
) -> None:
    before = len(accounts.list_users(db, world.admin.principal))
    answer = admin.post("/console/admin/users", {"email": "nobody", "role": "agent"})
    assert answer.status_code == 422
    assert "email" in notice_of(answer)
    short = admin.post(
        "/console/admin/users",
        {"email": "dave@acme.test", "role": "agent", "password": "short"},
    )
    assert short.status_code == 422
    assert "password" in notice_of(short)
    assert len(accounts.list_users(db, world.admin.principal)) == before


def test_an_unknown_group_changes_nothing_about_the_user(
    admin: Browser, db: Database, world: World
) -> None:
    url = f"/console/admin/users/{world.agent_b.user_id}"
    answer = admin.post(
        url, {"name": "Robert", "role": "agent", "is_active": "1", "group_ids": ["999999"]}
    )
    assert answer.status_code == 422
    assert "group_ids 999999 does not exist" in notice_of(answer)
    bob = user_by_email(db, world, world.agent_b.email)
    assert bob is not None and bob.name == "bob"


def test_the_last_admin_cannot_be_made_an_agent(admin: Browser, world: World) -> None:
    answer = admin.post(
        f"/console/admin/users/{world.admin.user_id}",
        {"name": "Admin", "role": "agent", "is_active": "1"},
    )
    assert answer.status_code == 409
    assert "last active admin" in notice_of(answer)


def test_an_agent_is_refused_even_with_the_reference_permission(
    client: TestClient, db: Database, world: World
) -> None:
    accounts.update_user(
        db,
        world.admin.principal,
        world.agent_a.user_id,
        accounts.UserPatch(permissions=["view_case", "manage_reference"]),
    )
    agent = Browser(client, world.agent_a.email)
    assert agent.get("/console/admin/users").status_code == 403
    assert agent.get(f"/console/admin/users/{world.agent_b.user_id}").status_code == 403
    answer = agent.post(
        "/console/admin/users", {"email": "eve@acme.test", "role": "admin", "password": "x" * 10}
    )
    assert answer.status_code == 403
    assert user_by_email(db, world, "eve@acme.test") is None


def test_names_are_escaped(admin: Browser, world: World) -> None:
    answer = admin.post(
        "/console/admin/users",
        {"email": "mallory@acme.test", "name": "<script>alert(1)</script>", "role": "agent"},
    )
    redirected_to(answer)
    page = admin.get("/console/admin/users").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_post_without_the_session_token_is_refused(
    admin: Browser, db: Database, world: World
) -> None:
    answer = admin.post(
        "/console/admin/users", {"email": "trudy@acme.test", "role": "admin"}, csrf=False
    )
    assert answer.status_code == 403
    assert user_by_email(db, world, "trudy@acme.test") is None


def test_a_plain_form_post_works_without_script(admin: Browser, db: Database, world: World) -> None:
    page = admin.get("/console/admin/users")
    assert form_token(page.text) == admin.csrf
    answer = admin.post_form("/console/admin/users", {"email": "peggy@acme.test", "role": "agent"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/admin/users?done=created"
    assert user_by_email(db, world, "peggy@acme.test") is not None


def test_a_user_of_nowhere_is_not_found(admin: Browser) -> None:
    assert admin.get("/console/admin/users/999999").status_code == 404
    assert admin.get("/console/admin/users/0").status_code == 422


def test_an_admin_gives_an_agent_their_own_permissions_and_takes_them_back(
    admin: Browser, client: TestClient, db: Database, world: World
) -> None:
    url = f"/console/admin/users/{world.agent_b.user_id}"
    base = {"name": "bob", "role": "agent", "is_active": "1", "group_ids": [str(world.group_b)]}
    granted = base | {
        "custom_permissions": "1",
        "permissions": ["view_case", "edit_case", "manage_reference"],
    }
    redirected_to(admin.post(url, granted))
    bob = user_by_email(db, world, world.agent_b.email)
    assert bob is not None
    assert bob.permissions == ["edit_case", "manage_reference", "view_case"]
    agent = Browser(TestClient(client.app), world.agent_b.email)
    assert agent.get("/console/admin/queues").status_code == 200

    unknown = admin.post(url, base | {"custom_permissions": "1", "permissions": ["rule_all"]})
    assert unknown.status_code == 422
    assert "permissions" in notice_of(unknown)

    redirected_to(admin.post(url, base))  # back to the role's usual set
    bob = user_by_email(db, world, world.agent_b.email)
    assert bob is not None and bob.permissions is None
    assert agent.get("/console/admin/queues").status_code == 403
