"""Notifications, each produced by its real cause in the transaction of its event: the
composer's mention, a customer's reply from the portal, the SLA sweep's breach and
escalation with its own clock; email choices that stop the matching mail; and an agent
who sees a notification's case no more no longer sees the notification."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseCreate, CasePatch
from casedesk.services.identity.auth import principal_for
from casedesk.services.mail.notification_plans import plan
from casedesk.services.mail.planned import Event
from casedesk.services.notifications import inbox
from casedesk.services.notifications.inbox import NotificationSettings
from casedesk.services.portal import writes as portal
from casedesk.services.reference import sla_policies
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.sla.state import sla_sweep
from casedesk.services.workspace import composer
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import GroupMembership, OutboxEvent, User
from tests.factories import Actor, World, make_world
from tests.services.portal.world import add_contact


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def kinds(db: Database, actor: Actor) -> list[tuple[str, int]]:
    return [(n.kind, n.case_id) for n in inbox.list_notifications(db, actor.principal)]


def assigned_case(db: Database, world: World, **fields: object) -> int:
    """A case of group A assigned to Alice (agent A) by the admin."""
    data = CaseCreate.model_validate(
        {"title": "VPN drops", "group_id": world.group_a, "assignee_id": world.agent_a.user_id}
        | fields
    )
    return cases.open_case(db, world.admin.principal, data).id


def mails_of(db: Database, topic: str) -> list[tuple[str, str]]:
    with db.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic)).all()
        events = [Event(e.id, e.corporation_id, e.topic, dict(e.payload), 1) for e in rows]
    return [
        (m.recipient, m.template)
        for e in events
        for m in plan(db, e, default_from="desk@acme.test").mails
    ]


def test_assignment_and_a_mention_notify_and_can_be_marked_read(db: Database, world: World) -> None:
    case_id = assigned_case(db, world)
    composer.send(
        db,
        world.admin.principal,
        case_id,
        composer.ComposerSend(kind="note", body="@alice please call her"),
    )
    assert kinds(db, world.agent_a) == [("mentioned", case_id), ("assigned", case_id)]
    assert kinds(db, world.agent_b) == []
    assert inbox.unread_count(db, world.agent_a.principal) == 2

    newest = inbox.list_notifications(db, world.agent_a.principal)[0]
    assert inbox.mark_read(db, world.agent_a.principal, newest.id).read_at is not None
    assert inbox.unread_count(db, world.agent_a.principal) == 1
    with pytest.raises(NotFound):
        inbox.mark_read(db, world.agent_b.principal, newest.id)  # not Bob's
    assert inbox.mark_all_read(db, world.agent_a.principal) == 1
    assert inbox.unread_count(db, world.agent_a.principal) == 0
    assert inbox.list_notifications(db, world.agent_a.principal, unread_only=True) == []


def test_reassigning_notifies_the_new_assignee(db: Database, world: World) -> None:
    case_id = assigned_case(db, world)
    carl = world.admin
    cases.update_case(db, world.admin.principal, case_id, CasePatch(assignee_id=carl.user_id))
    assert kinds(db, carl) == [("assigned", case_id)]


def test_a_customer_reply_from_the_portal_notifies_the_assignee(
    db: Database, world: World, tmp_path: Path
) -> None:
    julia = add_contact(db, world.corporation_id, "Julia", "julia@customer.test", None)
    case_id = assigned_case(db, world, contact_id=julia.contact_id)
    portal.reply(db, LocalBlobStore(tmp_path), julia, case_id, "Still broken", [], 1000)
    assert kinds(db, world.agent_a)[0] == ("replied", case_id)


def test_the_sla_sweep_warns_escalates_and_reports_a_breach(db: Database, world: World) -> None:
    sla_policies.create_policy(
        db,
        world.admin.principal,
        SlaPolicyCreate(name="Standard", first_response_minutes=60),
    )
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    data = CaseCreate(title="Down", group_id=world.group_a, assignee_id=world.agent_a.user_id)
    case_id = cases.open_case(db, world.admin.principal, data, now=t).id

    sla_sweep(db, t + timedelta(minutes=50))  # 80 %: the first alert level, a warning
    assert kinds(db, world.agent_a)[0] == ("sla_warning", case_id)
    sla_sweep(db, t + timedelta(minutes=61))  # due: missed, and the next level
    found = {n.kind: n.created_at for n in inbox.list_notifications(db, world.agent_a.principal)}
    assert found["sla_warning"] == t + timedelta(minutes=50)  # the sweep's clock
    assert found["sla_breach"] == found["escalated"] == t + timedelta(minutes=61)


def test_turning_a_kind_off_stops_its_mail_but_not_the_notification(
    db: Database, world: World
) -> None:
    chosen = inbox.put_settings(
        db, world.agent_a.principal, NotificationSettings(email={"mentioned": False})
    )
    assert chosen.email["mentioned"] is False and chosen.email["assigned"] is True
    case_id = assigned_case(db, world)
    composer.send(
        db, world.admin.principal, case_id, composer.ComposerSend(kind="note", body="@alice")
    )
    assert mails_of(db, "case.mentioned") == []
    assert ("alice@acme.test", "case_assigned") in mails_of(db, "case.created")
    assert kinds(db, world.agent_a)[0] == ("mentioned", case_id)

    inbox.put_settings(db, world.agent_a.principal, NotificationSettings(email={"mentioned": True}))
    assert mails_of(db, "case.mentioned") == [("alice@acme.test", "case_mentioned")]


def test_an_agent_removed_from_the_group_no_longer_sees_the_notification(
    db: Database, world: World
) -> None:
    case_id = assigned_case(db, world)
    [n] = inbox.list_notifications(db, world.agent_a.principal)
    with db.write() as s:
        s.execute(
            GroupMembership.__table__.delete().where(
                GroupMembership.user_id == world.agent_a.user_id
            )
        )
    outside = make_world_principal(db, world)
    assert inbox.list_notifications(db, outside) == []
    assert inbox.unread_count(db, outside) == 0
    with pytest.raises(NotFound):
        inbox.mark_read(db, outside, n.id)
    assert case_id == n.case_id


def make_world_principal(db: Database, world: World) -> Principal:
    """Alice as she is now (her groups read again)."""
    with db.read() as s:
        user = s.get(User, world.agent_a.user_id)
        assert user is not None
        return principal_for(s, user)


def test_turning_sla_warnings_off_stops_the_early_escalation_mail(
    db: Database, world: World
) -> None:
    inbox.put_settings(
        db, world.agent_a.principal, NotificationSettings(email={"sla_warning": False})
    )
    sla_policies.create_policy(
        db, world.admin.principal, SlaPolicyCreate(name="Standard", first_response_minutes=60)
    )
    t = datetime(2026, 3, 2, 9, tzinfo=UTC)
    data = CaseCreate(title="Down", group_id=world.group_a, assignee_id=world.agent_a.user_id)
    cases.open_case(db, world.admin.principal, data, now=t)

    sla_sweep(db, t + timedelta(minutes=50))  # the warning: no mail
    assert mails_of(db, "case.escalated") == []
    sla_sweep(db, t + timedelta(minutes=61))  # due: the escalation mail goes
    assert mails_of(db, "case.escalated") == [("alice@acme.test", "case_escalated")]
