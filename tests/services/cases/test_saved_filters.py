"""Saved filters: personal, validated by parsing into a CaseQuery, and counted through
the same search (so the count respects the owner's groups)."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.services.cases import saved_filters, search
from casedesk.services.cases.schemas import CaseQuery
from casedesk.store.db import Database
from tests.factories import World, make_case, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_an_agent_saves_lists_and_deletes_their_own_filters(db: Database, world: World) -> None:
    alice = world.agent_a.principal
    saved = saved_filters.create_filter(db, alice, "  Urgent VPN  ", "tag=vpn&cursor=abc&q=")
    assert saved.name == "Urgent VPN"
    assert saved.query == "tag=vpn"  # paging and empty values are not part of a filter
    assert saved_filters.list_filters(db, alice) == [saved]
    saved_filters.delete_filter(db, alice, saved.id)
    assert saved_filters.list_filters(db, alice) == []


def test_another_agent_neither_sees_nor_deletes_my_filter(db: Database, world: World) -> None:
    mine = saved_filters.create_filter(db, world.agent_a.principal, "Mine", "status=1")
    bob = world.agent_b.principal
    assert saved_filters.list_filters(db, bob) == []
    with pytest.raises(NotFound):
        saved_filters.get_filter(db, bob, mine.id)
    with pytest.raises(NotFound):
        saved_filters.delete_filter(db, bob, mine.id)
    with pytest.raises(NotFound):  # not even an admin of the corporation
        saved_filters.delete_filter(db, world.admin.principal, mine.id)
    assert saved_filters.list_filters(db, world.agent_a.principal) == [mine]
    # The same name is free for someone else.
    assert saved_filters.create_filter(db, bob, "Mine", "status=2").name == "Mine"


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("Bad status", "status=9", "status"),
        ("Bad id", "queue_id=zero", "queue_id"),
        ("Unknown", "colour=red", "colour"),
        ("Bad sort", "sort=title", "sort"),
        ("", "status=1", "name"),
        ("x" * 101, "status=1", "name"),
    ],
)
def test_a_filter_that_would_not_run_is_refused(
    db: Database, world: World, name: str, query: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        saved_filters.create_filter(db, world.agent_a.principal, name, query)
    assert caught.value.field == field
    assert saved_filters.list_filters(db, world.agent_a.principal) == []


def test_a_name_is_used_once_per_agent(db: Database, world: World) -> None:
    saved_filters.create_filter(db, world.agent_a.principal, "Open", "status=1")
    with pytest.raises(Conflict):
        saved_filters.create_filter(db, world.agent_a.principal, "Open", "status=3")
    assert len(saved_filters.list_filters(db, world.agent_a.principal)) == 1


def test_parsing_keeps_repeated_lists_and_custom_fields() -> None:
    query = saved_filters.parse_query_string(
        "status=1&status=3&q=printer&unassigned=true&custom.region=north&limit=10&tag="
    )
    assert query == CaseQuery(
        status=[1, 3], q="printer", unassigned=True, custom={"region": "north"}, limit=10
    )


def test_a_saved_filter_counts_only_cases_its_owner_may_see(db: Database, world: World) -> None:
    make_case(db, world.agent_a, title="A", tags=["net"])
    make_case(db, world.agent_b, title="B", tags=["net"])
    for actor, expected in ((world.agent_a, 1), (world.agent_b, 1), (world.admin, 2)):
        saved = saved_filters.create_filter(db, actor.principal, "Network", "tag=net")
        query = saved_filters.parse_query_string(saved.query)
        assert search.count_cases(db, actor.principal, query) == expected
