"""Changing a user's groups as part of a user update: one transaction, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.services.reference import accounts
from casedesk.services.reference.accounts import UserOut, UserPatch
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.factories import World, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_an_admin_replaces_a_users_groups_with_the_other_fields(db: Database, world: World) -> None:
    patch = UserPatch(name="Alice Liddell", group_ids=[world.group_b])
    out = accounts.update_user(db, world.admin.principal, world.agent_a.user_id, patch)
    assert isinstance(out, UserOut)
    assert out.group_ids == [world.group_b]
    assert out.name == "Alice Liddell"
    with db.read() as s:
        entry = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "user.updated")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None
        assert entry.changes["group_ids"] == {"from": [world.group_a], "to": [world.group_b]}


def test_an_unknown_group_changes_nothing(db: Database, world: World) -> None:
    patch = UserPatch(name="Renamed", group_ids=[world.group_b, 999_999])
    with pytest.raises(ValidationFailed, match="group_ids 999999 does not exist"):
        accounts.update_user(db, world.admin.principal, world.agent_a.user_id, patch)
    user = accounts.get_user(db, world.admin.principal, world.agent_a.user_id)
    assert isinstance(user, UserOut)
    assert (user.name, user.group_ids) == ("alice", [world.group_a])


def test_no_groups_leaves_every_group_and_omitting_them_keeps_them(
    db: Database, world: World
) -> None:
    admin = world.admin.principal
    kept = accounts.update_user(db, admin, world.agent_b.user_id, UserPatch(name="Bob"))
    assert isinstance(kept, UserOut) and kept.group_ids == [world.group_b]
    left = accounts.update_user(db, admin, world.agent_b.user_id, UserPatch(group_ids=[]))
    assert isinstance(left, UserOut) and left.group_ids == []


def test_agents_may_not_change_groups_even_their_own(db: Database, world: World) -> None:
    agent = world.agent_a.principal
    with pytest.raises(Forbidden):
        accounts.update_user(db, agent, agent.user_id, UserPatch(group_ids=[world.group_b]))
