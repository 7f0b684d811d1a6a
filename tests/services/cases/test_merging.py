"""Merging cases against a real store: what moves, what the target gains, what each
case's audit says, and the merges that are refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.domain.errors import CaseMerged, Conflict, ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.services.attachments import attaching as attachments
from casedesk.services.cases import core as cases
from casedesk.services.cases import history, links, members, merging, messages
from casedesk.services.cases.schemas import CasePatch, MemberCreate, MessageCreate
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Contact, OutboxEvent
from tests.factories import World, make_actor, make_case, make_world

T0 = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
T1 = datetime(2026, 2, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def contact(db: Database, world: World, name: str) -> int:
    with db.write() as s:
        row = Contact(corporation_id=world.corporation_id, first_name=name)
        s.add(row)
        s.flush()
        return row.id


def say(db: Database, world: World, case_id: int, text: str, now: datetime = T0) -> int:
    out = messages.add_message(
        db, world.agent_a.principal, case_id, MessageCreate(body_text=text), now=now
    )
    return out.id


def test_merge_moves_messages_and_attachments_keeping_their_times(
    db: Database, world: World, tmp_path: Path
) -> None:
    p = world.agent_a.principal
    source, target = make_case(db, world.agent_a), make_case(db, world.agent_a)
    kept = say(db, world, target.id, "target's own", T0)
    first, second = say(db, world, source.id, "first", T0), say(db, world, source.id, "2nd", T1)
    store = LocalBlobStore(tmp_path / "blobs")
    on_message = attachments.add_attachment(
        db, store, p, source.id, "log.txt", io.BytesIO(b"log"), None, 100, second
    )
    on_case = attachments.add_attachment(
        db, store, p, source.id, "a.txt", io.BytesIO(b"a"), None, 100
    )

    merging.merge_case(db, p, source.id, target.id)

    moved = messages.list_messages(db, p, target.id)
    assert [(m.id, m.body_text, m.created_at) for m in moved] == [
        (kept, "target's own", T0),
        (first, "first", T0),
        (second, "2nd", T1),
    ]
    assert messages.list_messages(db, p, source.id) == []
    found = attachments.list_attachments(db, p, target.id)
    assert {(a.id, a.message_id) for a in found} == {(on_message.id, second), (on_case.id, None)}
    assert attachments.list_attachments(db, p, source.id) == []
    assert attachments.open_attachment(db, store, p, target.id, on_message.id).path.read_bytes()


def test_each_case_audits_what_moved(db: Database, world: World, tmp_path: Path) -> None:
    p = world.agent_a.principal
    source, target = make_case(db, world.agent_a), make_case(db, world.agent_a)
    mid = say(db, world, source.id, "hello")
    att = attachments.add_attachment(
        db, LocalBlobStore(tmp_path), p, source.id, "x.txt", io.BytesIO(b"x"), None, 100, mid
    )

    merging.merge_case(db, p, source.id, target.id)

    left = history.case_history(db, p, source.id).audit[-1]
    assert left.action == "case.merged"
    assert left.changes["merged_into_id"] == {"from": None, "to": target.id}
    assert left.changes["messages.removed"] == {"from": [mid], "to": None}
    assert left.changes["attachments.removed"] == {"from": [att.id], "to": None}
    arrived = history.case_history(db, p, target.id).audit[-1]
    assert arrived.action == "case.merged_in"
    assert arrived.changes["merged_from"] == {"from": None, "to": source.id}
    assert arrived.changes["messages.added"] == {"from": None, "to": [mid]}
    assert arrived.changes["attachments.added"] == {"from": None, "to": [att.id]}
    with db.read() as s:
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "case.merged")).one()
    assert event.payload == {
        "case_id": source.id,
        "into": target.id,
        "message_ids": [mid],
        "attachment_ids": [att.id],
    }
    statuses = history.case_history(db, p, source.id).statuses
    assert (statuses[-1].internal_status, statuses[-1].reason) == (5, "merged")


def test_followers_assignee_contact_and_tags_join_the_target(db: Database, world: World) -> None:
    p = world.agent_a.principal
    carl, dora = contact(db, world, "Carl"), contact(db, world, "Dora")
    helper = make_actor(db, "helper@acme.test", "agent", ["A"], world.corporation_id)
    source = make_case(
        db,
        world.agent_a,
        assignee_id=helper.user_id,
        follower_ids=[world.agent_a.user_id],
        contact_id=carl,
        tags=["vpn", "Remote"],
    )
    target = make_case(db, world.agent_a, tags=["vpn", "urgent"])

    merging.merge_case(db, p, source.id, target.id)

    out = cases.get_case(db, p, target.id)
    followers = {m.user_id for m in out.members if m.role == MemberRole.FOLLOWER and m.active}
    assert followers == {world.agent_a.user_id, helper.user_id}
    assert out.assignee_id is None
    assert out.contact_id == carl
    assert out.tags == ["Remote", "urgent", "vpn"]

    # a target with a contact keeps it; the other one is only recorded
    other = make_case(db, world.agent_a, contact_id=dora)
    merging.merge_case(db, p, target.id, other.id)
    assert cases.get_case(db, p, other.id).contact_id == dora
    last = history.case_history(db, p, other.id).audit[-1]
    assert last.changes["merged_contact_id"] == {"from": None, "to": carl}


def test_the_targets_assignee_is_not_made_a_follower(db: Database, world: World) -> None:
    p = world.agent_a.principal
    uid = world.agent_a.user_id
    source = make_case(db, world.agent_a, follower_ids=[uid])
    target = make_case(db, world.agent_a, assignee_id=uid)
    merging.merge_case(db, p, source.id, target.id)
    out = members.list_members(db, p, target.id)
    assert [(m.role, m.user_id) for m in out if m.active] == [(1, uid)]
    # re-adding an existing follower changes nothing either
    members.add_member(db, p, target.id, MemberCreate(role=2, user_id=uid))


def test_merge_marks_the_case_and_refuses_further_updates(db: Database, world: World) -> None:
    source, target = make_case(db, world.agent_a), make_case(db, world.agent_a)
    out = merging.merge_case(db, world.agent_a.principal, source.id, target.id)
    assert (out.status, out.merged_into_id) == (5, target.id)
    assert links.get_links(db, world.agent_a.principal, target.id).merged_from == [source.id]
    assert links.get_links(db, world.agent_a.principal, source.id).merged_into_id == target.id

    with pytest.raises(CaseMerged) as err:
        cases.update_case(db, world.agent_a.principal, source.id, CasePatch(title="again"))
    assert err.value.merged_into_id == target.id
    with pytest.raises(CaseMerged):
        merging.merge_case(db, world.agent_a.principal, make_case(db, world.agent_a).id, source.id)
    with pytest.raises(CaseMerged):
        cases.delete_case(db, world.admin.principal, source.id)


def test_merging_back_into_a_case_merged_into_it_is_a_cycle(db: Database, world: World) -> None:
    p = world.agent_a.principal
    a, b = make_case(db, world.agent_a), make_case(db, world.agent_a)
    merging.merge_case(db, p, b.id, a.id)
    with pytest.raises(Conflict) as err:
        merging.merge_case(db, p, a.id, b.id)
    assert "cycle" in err.value.detail
    assert cases.get_case(db, p, a.id).status == 1


def test_merge_into_a_deleted_case_is_refused(db: Database, world: World) -> None:
    source, target = make_case(db, world.agent_a), make_case(db, world.agent_a)
    cases.delete_case(db, world.admin.principal, target.id)
    with pytest.raises(Conflict) as err:
        merging.merge_case(db, world.agent_a.principal, source.id, target.id)
    assert err.value.extra["field"] == "into_case_id"


def test_merge_into_itself_or_an_invisible_case_is_refused(db: Database, world: World) -> None:
    mine, theirs = make_case(db, world.agent_a), make_case(db, world.agent_b)
    say(db, world, mine.id, "stays here")
    for into in (mine.id, theirs.id, 999_999):
        with pytest.raises(ValidationFailed) as err:
            merging.merge_case(db, world.agent_a.principal, mine.id, into)
        assert err.value.field == "into_case_id"
    assert cases.get_case(db, world.agent_a.principal, mine.id).status == 1
    assert len(messages.list_messages(db, world.agent_a.principal, mine.id)) == 1
