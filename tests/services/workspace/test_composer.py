"""Sending from the composer: the message, its To and CC, the time spent, the new
status, mentions and the draft are one write; any refusal leaves nothing behind. Who
a reply goes to by default (the contact, the customer's CC, contacts who follow)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.services.billing.time_entries import list_time_entries
from casedesk.services.cases import messages
from casedesk.services.cases.core import get_case, open_case
from casedesk.services.cases.schemas import CaseCreate, CaseOut, MessageCreate
from casedesk.services.cases.splitting import split_messages
from casedesk.services.kernel.access import load_case
from casedesk.services.mail.notification_plans import plan
from casedesk.services.mail.planned import Event
from casedesk.services.mail.reply_recipients import reply_recipients
from casedesk.services.reference.contacts import ContactCreate, create_contact
from casedesk.services.reference.statuses import list_statuses
from casedesk.services.workspace import composer, drafts, mentions
from casedesk.store.db import Database
from casedesk.store.models import CaseMessage, OutboxEvent
from tests.factories import World, make_actor, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def _status(db: Database, world: World, internal: int) -> int:
    found = list_statuses(db, world.admin.principal)
    return next(s.id for s in found if s.internal_status == internal and s.is_default)


def _case_with_contact(db: Database, world: World, **extra: Any) -> CaseOut:
    julia = create_contact(
        db,
        world.admin.principal,
        ContactCreate(first_name="Julia", last_name="Berg", emails=["julia@customer.test"]),
    )
    data = CaseCreate(title="VPN drops", group_id=world.group_a, contact_id=julia.id)
    return open_case(db, world.agent_a.principal, data, **extra)


def _events(db: Database, topic: str) -> list[OutboxEvent]:
    with db.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic)).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def _mails(db: Database, event: OutboxEvent) -> list[tuple[str, tuple[str, ...], str]]:
    e = Event(event.id, event.corporation_id, event.topic, dict(event.payload), 1)
    return [(m.recipient, m.cc, m.template) for m in plan(db, e, default_from="d@x.test").mails]


def test_a_reply_with_cc_time_and_a_status_is_one_write(db: Database, world: World) -> None:
    case = _case_with_contact(db, world)
    agent = world.agent_a.principal
    drafts.save_draft(db, agent, case.id, drafts.DraftIn(kind="reply", body="half"))
    awaiting = _status(db, world, 3)
    sent = composer.send(
        db,
        agent,
        case.id,
        composer.ComposerSend(
            kind="reply",
            body="We are on it.",
            to="Julia <julia@customer.test>",
            cc="boss@customer.test, JULIA@customer.test",
            status_id=awaiting,
            minutes=15,
        ),
    )
    assert get_case(db, agent, case.id).status_id == awaiting
    assert list_time_entries(db, agent, case.id).totals.seconds == 15 * 60
    assert drafts.drafts_of(db, agent, case.id) == {}
    with db.read() as s:
        row = s.get(CaseMessage, sent.id)
        assert row is not None and row.email_headers == {
            "to": "julia@customer.test",
            "cc": "boss@customer.test",
        }
    [added] = [e for e in _events(db, "message.added") if e.payload["message_id"] == sent.id]
    assert _mails(db, added) == [("julia@customer.test", ("boss@customer.test",), "agent_reply")]


def test_a_refused_status_leaves_no_message_time_or_lost_draft(db: Database, world: World) -> None:
    case = _case_with_contact(db, world)
    limited = make_actor(
        db,
        "lim@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "edit_case", "add_note"],
    )
    drafts.save_draft(db, limited.principal, case.id, drafts.DraftIn(kind="reply", body="keep"))
    with pytest.raises(Forbidden):
        composer.send(
            db,
            limited.principal,
            case.id,
            composer.ComposerSend(
                kind="reply",
                body="Closing.",
                to="julia@customer.test",
                status_id=_status(db, world, 2),
                minutes=5,
            ),
        )
    assert messages.list_messages(db, limited.principal, case.id) == []
    assert list_time_entries(db, limited.principal, case.id).items == []
    assert drafts.drafts_of(db, limited.principal, case.id)["reply"].body == "keep"


@pytest.mark.parametrize(
    ("to", "cc", "field"),
    [("julia", "", "to"), ("julia@customer.test", "not an address", "cc"), ("a@b", "", "to")],
)
def test_bad_recipients_are_refused_naming_the_field(
    db: Database, world: World, to: str, cc: str, field: str
) -> None:
    case = _case_with_contact(db, world)
    with pytest.raises(ValidationFailed) as refused:
        composer.send(
            db,
            world.agent_a.principal,
            case.id,
            composer.ComposerSend(kind="reply", body="Hi", to=to, cc=cc),
        )
    assert refused.value.field == field
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []


def test_defaults_keep_the_customers_cc_and_copy_contacts_who_follow(
    db: Database, world: World
) -> None:
    follower = create_contact(
        db, world.admin.principal, ContactCreate(first_name="Kim", emails=["kim@customer.test"])
    )
    case = _case_with_contact(db, world, secondary_contact_ids=[follower.id])
    with db.write() as s:
        loaded = load_case(s, world.agent_a.principal, case.id, for_update=True)
        messages.add_message_in(
            s,
            world.agent_a.principal,
            loaded,
            MessageCreate(direction="inbound", body_text="Still broken"),
            loaded.created_at,
            email_headers={
                "cc": "Bo <bo@customer.test>, alice@acme.test",
                "to": "help@acme.test",
            },
        )
    found = reply_recipients(db, world.agent_a.principal, case.id)
    assert found.to == ["julia@customer.test"]
    assert found.cc == ["bo@customer.test", "kim@customer.test"]  # agents are never copied
    # A reply through the API (no chosen recipients) goes to the same people.
    reply = messages.add_message(
        db, world.agent_a.principal, case.id, MessageCreate(body_text="Looking")
    )
    [added] = [e for e in _events(db, "message.added") if e.payload["message_id"] == reply.id]
    assert _mails(db, added) == [
        ("julia@customer.test", ("bo@customer.test", "kim@customer.test"), "agent_reply")
    ]


def test_a_mention_makes_a_follower_and_plans_a_mail(db: Database, world: World) -> None:
    """Words after @ that name no agent stay text; writers do not notify themselves."""
    case = _case_with_contact(db, world)
    note = composer.send(
        db,
        world.admin.principal,
        case.id,
        composer.ComposerSend(kind="note", body="@alice can you call her? (not @home; @admin)"),
    )
    followers = [
        m.user_id for m in get_case(db, world.admin.principal, case.id).members if m.role == 2
    ]
    assert followers == [world.agent_a.principal.user_id]
    [event] = _events(db, "case.mentioned")
    assert event.payload["message_id"] == note.id
    assert _mails(db, event) == [("alice@acme.test", (), "case_mentioned")]


def test_only_agents_who_see_the_case_can_be_mentioned(db: Database, world: World) -> None:
    case = _case_with_contact(db, world)
    with pytest.raises(ValidationFailed, match="@bob cannot see this case"):
        composer.send(
            db,
            world.agent_a.principal,
            case.id,
            composer.ComposerSend(kind="note", body="@bob have a look"),
        )
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []
    offered = mentions.mentionable(db, world.agent_a.principal, case.id)
    assert {p.handle for p in offered} == {"admin", "alice"}
    assert [p.handle for p in mentions.mentionable(db, world.agent_a.principal, case.id, "al")] == [
        "alice"
    ]


def test_drafts_are_per_agent_case_and_tab(db: Database, world: World) -> None:
    case = _case_with_contact(db, world)
    a, admin = world.agent_a.principal, world.admin.principal
    drafts.save_draft(db, a, case.id, drafts.DraftIn(kind="reply", body="one", cc="x@y.test"))
    drafts.save_draft(db, a, case.id, drafts.DraftIn(kind="reply", body="two", cc="x@y.test"))
    drafts.save_draft(db, a, case.id, drafts.DraftIn(kind="note", body="private"))
    mine = drafts.drafts_of(db, a, case.id)
    assert (mine["reply"].body, mine["reply"].cc, mine["note"].body) == (
        "two",
        "x@y.test",
        "private",
    )
    assert drafts.drafts_of(db, admin, case.id) == {}
    drafts.save_draft(db, a, case.id, drafts.DraftIn(kind="note", body="  "))
    assert set(drafts.drafts_of(db, a, case.id)) == {"reply"}


def test_several_messages_split_off_into_one_new_case(db: Database, world: World) -> None:
    case = _case_with_contact(db, world)
    agent = world.agent_a.principal
    first = messages.add_message(db, agent, case.id, MessageCreate(body_text="Printer too"))
    second = messages.add_message(db, agent, case.id, MessageCreate(body_text="And toner"))
    stays = messages.add_message(db, agent, case.id, MessageCreate(body_text="VPN answer"))
    new = split_messages(db, agent, case.id, [second.id, first.id])
    assert new.title == "Printer too"
    assert [m.id for m in messages.list_messages(db, agent, new.id)] == [first.id, second.id]
    assert [m.id for m in messages.list_messages(db, agent, case.id)] == [stays.id]
    with pytest.raises(ValidationFailed):
        split_messages(db, agent, case.id, [])
