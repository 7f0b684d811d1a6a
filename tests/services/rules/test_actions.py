"""The actions that reach beyond the case row: a mail through the mail outbox, a
webhook request for the webhooks context, an SLA policy pinned and cleared, an
escalation, followers."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.services.mail.notification_plans import plan
from casedesk.services.mail.planned import Event
from casedesk.services.reference import sla_policies
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.rules.facts import case_facts
from casedesk.store.db import Database
from casedesk.store.models import Case, OutboxEvent
from tests.factories import World, make_case
from tests.services.rules.conftest import add_rule


def outbox(db: Database, topic: str) -> list[OutboxEvent]:
    with db.read() as s:
        return list(
            s.scalars(
                select(OutboxEvent).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id)
            )
        )


def test_mail_and_webhook_actions_go_through_the_outbox(db: Database, world: World) -> None:
    rule = add_rule(
        db,
        world,
        name="tell them",
        events=["case_created"],
        actions=[
            {"type": "mail", "template": "rule_mail", "to": "address", "address": "boss@x.test"},
            {"type": "webhook", "webhook_id": 12},
        ],
    )
    case = make_case(db, world.admin, title="Big outage")
    (hook,) = outbox(db, "webhook.requested")
    assert hook.payload == {
        "webhook_id": 12,
        "case_id": case.id,
        "rule_id": rule,
        "event": "case.created",
    }
    (mail,) = outbox(db, "rule.mail")
    event = Event(mail.id, mail.corporation_id, mail.topic, mail.payload, 0)
    planned = plan(db, event, default_from="desk@x.test").mails
    assert [(m.recipient, m.template, m.context["case_title"]) for m in planned] == [
        ("boss@x.test", "rule_mail", "Big outage")
    ]


def test_an_sla_policy_is_pinned_and_cleared(db: Database, world: World) -> None:
    loose = sla_policies.create_policy(
        db, world.admin.principal, SlaPolicyCreate(name="Loose", resolution_minutes=600)
    ).id
    tight = sla_policies.create_policy(
        db,
        world.admin.principal,
        SlaPolicyCreate(name="Tight", resolution_minutes=60, is_active=True, position=5),
    ).id
    add_rule(
        db,
        world,
        name="vip gets tight",
        events=["case_created"],
        conditions={"field": "case.title", "op": "contains", "value": "vip"},
        actions=[{"type": "set_sla_policy", "policy_id": tight}],
    )
    add_rule(
        db,
        world,
        name="unpin when not urgent",
        events=["case_updated"],
        conditions={"field": "case.tags", "op": "contains", "value": "calm"},
        actions=[{"type": "set_sla_policy", "policy_id": None}],
    )
    vip = make_case(db, world.admin, title="VIP printer")
    plain = make_case(db, world.admin, title="Printer")
    with db.read() as s:
        assert s.get_one(Case, vip.id).sla_policy_id == tight
        assert s.get_one(Case, plain.id).sla_policy_id == loose
    from casedesk.services.cases import core as cases
    from casedesk.services.cases.schemas import CasePatch

    cases.update_case(db, world.admin.principal, vip.id, CasePatch(tags=["calm"]))
    with db.read() as s:
        row = s.get_one(Case, vip.id)
        assert (row.sla_policy_pin_id, row.sla_policy_id) == (None, loose)


def test_escalate_and_followers(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="escalate",
        events=["case_created"],
        actions=[
            {"type": "escalate"},
            {"type": "add_followers", "user_ids": [world.agent_a.user_id]},
        ],
    )
    case = make_case(db, world.admin, group_id=world.group_a)
    with db.read() as s:
        row = s.get_one(Case, case.id)
        assert case_facts(s, row)["case.follower_ids"] == [world.agent_a.user_id]
    (escalated,) = outbox(db, "case.escalated")
    assert escalated.payload["recipients"] == [world.agent_a.user_id]
    assert escalated.payload["level"] == 1
    event = Event(escalated.id, escalated.corporation_id, escalated.topic, escalated.payload, 0)
    planned = plan(db, event, default_from="desk@x.test").mails
    assert [(m.recipient, m.template) for m in planned] == [("alice@acme.test", "case_escalated")]
