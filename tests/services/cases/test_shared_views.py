"""Shared views: who may share with whom, and who sees a shared view."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.services.cases import saved_filters, shared_views
from casedesk.store.db import Database
from tests.factories import make_actor, make_world


def test_a_group_view_is_seen_by_its_members_only(db: Database) -> None:
    world = make_world(db)
    carol = make_actor(db, "carol@acme.test", "agent", ["A"], world.corporation_id)
    mine = saved_filters.create_filter(
        db, world.agent_a.principal, "Printers", "q=printer&sort=number"
    )
    view = shared_views.share(
        db, world.agent_a.principal, mine.id, "group", world.group_a, "priority,assignee"
    )
    assert (view.shared_with, view.columns) == ("group", ["priority", "assignee"])
    assert [v.name for v in shared_views.visible_shared(db, carol.principal)] == ["Printers"]
    assert shared_views.visible_shared(db, world.agent_b.principal) == []
    assert shared_views.visible_shared(db, world.agent_a.principal) == []  # own: not "shared"
    assert shared_views.columns_for(db, carol.principal, "q=printer&sort=number") == [
        "priority",
        "assignee",
    ]
    assert shared_views.columns_for(db, world.agent_b.principal, "q=printer&sort=number") is None
    shared_views.share(db, world.agent_a.principal, mine.id, "nobody")
    assert shared_views.visible_shared(db, carol.principal) == []


def test_only_admins_share_with_everyone_and_only_with_own_groups(db: Database) -> None:
    world = make_world(db)
    alice = world.agent_a.principal
    mine = saved_filters.create_filter(db, alice, "Mine", "status=1")
    with pytest.raises(Forbidden):
        shared_views.share(db, alice, mine.id, "everyone")
    with pytest.raises(ValidationFailed):
        shared_views.share(db, alice, mine.id, "group", world.group_b)
    with pytest.raises(ValidationFailed):
        shared_views.share(db, alice, mine.id, "group", world.group_a, "colour")
    with pytest.raises(NotFound):
        shared_views.share(db, world.agent_b.principal, mine.id, "nobody")
    admins = saved_filters.create_filter(db, world.admin.principal, "Everything open", "status=1")
    shared_views.share(db, world.admin.principal, admins.id, "everyone")
    for who in (world.agent_a, world.agent_b):
        assert [v.name for v in shared_views.visible_shared(db, who.principal)] == [
            "Everything open"
        ]
