"""The change feed: every change once, in an order no late commit can slip behind,
tombstones for deleted cases, segregation and resuming from a cursor."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event, select

from casedesk.domain.errors import ValidationFailed
from casedesk.services.cases import core as cases
from casedesk.services.cases.messages import add_message
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.cases.tags import add_tag
from casedesk.services.reports import changes as feed
from casedesk.store.db import WRITE_OPTION, Database
from casedesk.store.models import AuditEntry
from tests.factories import World, make_case, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def read_all(
    db: Database, principal: Any, cursor: str | None, limit: int = 100
) -> tuple[list[feed.Change], str]:
    got: list[feed.Change] = []
    while True:
        page = feed.changes(db, principal, cursor, limit=limit)
        got += page.changes
        cursor = page.next_cursor
        if not page.more:
            return got, cursor


def case_audit_ids(db: Database) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.id).where(AuditEntry.case_id.is_not(None))))


def note(text: str) -> MessageCreate:
    return MessageCreate(visibility="internal", body_text=text)


def test_every_change_once_when_two_writers_commit_out_of_order(
    db: Database, world: World, backend: str
) -> None:
    one = make_case(db, world.agent_a, group_id=world.group_a)
    two = make_case(db, world.agent_a, group_id=world.group_a)
    _, cursor = read_all(db, None, None)
    seen: list[feed.Change] = []

    first_ready, release_first, second_done = (threading.Event() for _ in range(3))
    first_thread: list[threading.Thread] = []

    def hold_first_commit(conn: Any) -> None:
        # Runs just before the first writer's transaction commits: its audit row (the
        # lower id) is written but not yet visible.
        if threading.current_thread() in first_thread and conn.get_execution_options().get(
            WRITE_OPTION
        ):
            first_thread.clear()
            first_ready.set()
            assert release_first.wait(60)

    event.listen(db.engine, "commit", hold_first_commit)
    try:
        first = threading.Thread(
            target=add_message, args=(db, world.agent_a.principal, one.id, note("first"))
        )
        second = threading.Thread(
            target=lambda: (
                add_message(db, world.agent_a.principal, two.id, note("second")),
                second_done.set(),
            )
        )
        first_thread.append(first)
        first.start()
        assert first_ready.wait(60)
        second.start()
        if backend == "postgresql":
            # The later writer commits while the earlier one is still open.
            assert second_done.wait(60)
        page = feed.changes(db, None, cursor)
        seen += page.changes
        cursor = page.next_cursor
        release_first.set()
        first.join(60)
        second.join(60)
    finally:
        release_first.set()
        event.remove(db.engine, "commit", hold_first_commit)
    rest, _ = read_all(db, None, cursor)
    seen += rest

    ids = [c.id for c in seen]
    with db.read() as s:
        new = list(
            s.scalars(
                select(AuditEntry.id).where(
                    AuditEntry.case_id.in_([one.id, two.id]), AuditEntry.action == "message.added"
                )
            )
        )
    assert len(new) == 2
    assert sorted(ids) == sorted(new)  # both, each once, nothing else
    assert {c.case_id for c in seen} == {one.id, two.id}


def test_feed_has_each_case_change_once_in_order(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    add_message(db, world.agent_a.principal, case.id, note("hello"))
    add_tag(db, world.agent_a.principal, case.id, "printer")
    got, _ = read_all(db, world.admin.principal, None)
    assert [c.id for c in got] == case_audit_ids(db)
    assert [c.action for c in got][:1] == ["case.created"]
    assert {"message.added", "case.tags"} <= {c.action for c in got}
    assert all(c.case_id == case.id for c in got)


def test_deleted_case_is_a_tombstone(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    _, cursor = read_all(db, world.admin.principal, None)
    cases.delete_case(db, world.admin.principal, case.id)
    got, _ = read_all(db, world.admin.principal, cursor)
    assert [(c.kind, c.action, c.case_id) for c in got] == [("tombstone", "case.deleted", case.id)]


def test_agent_of_another_group_sees_none_of_a_hidden_case(db: Database, world: World) -> None:
    hidden = make_case(db, world.agent_a, group_id=world.group_a)
    add_message(db, world.agent_a.principal, hidden.id, note("secret"))
    cases.delete_case(db, world.admin.principal, hidden.id)
    mine = make_case(db, world.agent_b, group_id=world.group_b)
    got_b, _ = read_all(db, world.agent_b.principal, None)
    assert {c.case_id for c in got_b} == {mine.id}
    got_a, _ = read_all(db, world.agent_a.principal, None)
    assert {c.case_id for c in got_a} == {hidden.id}
    assert "tombstone" in {c.kind for c in got_a}


def test_resuming_from_any_cursor_continues_where_it_stopped(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    for n in range(4):
        add_message(db, world.agent_a.principal, case.id, note(f"message {n}"))
    everything, end = read_all(db, world.admin.principal, None)
    assert len(everything) >= 5
    for k, change in enumerate(everything):
        rest, _ = read_all(db, world.admin.principal, change.cursor, limit=2)
        assert [c.id for c in rest] == [c.id for c in everything[k + 1 :]]
    assert feed.changes(db, world.admin.principal, end).changes == []
    add_message(db, world.agent_a.principal, case.id, note("later"))
    later = feed.changes(db, world.admin.principal, end).changes
    assert [c.action for c in later] == ["message.added"]


def test_a_long_poll_returns_the_change_written_while_it_waits(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    _, cursor = read_all(db, world.admin.principal, None)
    result: list[feed.ChangePage] = []
    waiter = threading.Thread(
        target=lambda: result.append(feed.changes(db, world.admin.principal, cursor, wait=30))
    )
    waiter.start()
    add_message(db, world.agent_a.principal, case.id, note("while waiting"))
    waiter.join(60)
    assert [c.action for c in result[0].changes] == ["message.added"]


@pytest.mark.parametrize("cursor", ["x", "1", "1.2.3", "-1.2", "99999999999999999999.1"])
def test_a_cursor_the_feed_did_not_give_is_refused(db: Database, world: World, cursor: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        feed.changes(db, world.admin.principal, cursor)
    assert err.value.field == "cursor"
