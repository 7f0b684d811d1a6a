"""Triggers on every case event run in the event's transaction, in order, through the
case use-cases, audited as the rule; a rule's own changes fire later rules, and a loop
is cut at the depth limit and recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.rules import MAX_DEPTH
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, MessageCreate
from casedesk.services.kernel.references import new_case_defaults, require_default_priority
from casedesk.services.reference import priorities, sla_policies
from casedesk.services.reference.priorities import PriorityCreate
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.sla.state import sla_sweep
from casedesk.store.db import Database
from casedesk.store.models import Case, Rule
from tests.factories import World, make_case
from tests.services.rules.conftest import add_rule, audits, tags_of

HIT = [{"type": "add_tags", "tags": ["hit"]}]


def test_case_created_fires_for_a_new_case(db: Database, world: World) -> None:
    add_rule(db, world, name="new", events=["case_created"], actions=HIT)
    case = make_case(db, world.admin)
    assert tags_of(db, case.id) == ["hit"]


def test_case_updated_fires_on_a_change_and_sees_what_changed(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="retitled",
        events=["case_updated"],
        conditions={"field": "event.changed", "op": "changed", "value": "title"},
        actions=HIT,
    )
    case = make_case(db, world.admin)
    cases.update_case(db, world.admin.principal, case.id, CasePatch(description="more"))
    assert tags_of(db, case.id) == []
    cases.update_case(db, world.admin.principal, case.id, CasePatch(title="New title"))
    assert tags_of(db, case.id) == ["hit"]


def test_message_added_reads_the_message(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="urgent words",
        events=["message_added"],
        conditions={
            "all": [
                {"field": "message.visibility", "op": "eq", "value": "external"},
                {"field": "message.text", "op": "matches", "value": r"(?i)\bdown\b"},
            ]
        },
        actions=HIT,
    )
    case = make_case(db, world.admin)
    note = MessageCreate(visibility="internal", body_text="the site is down")
    messages.add_message(db, world.admin.principal, case.id, note)
    assert tags_of(db, case.id) == []
    reply = MessageCreate(visibility="external", direction="inbound", body_text="All DOWN now")
    messages.add_message(db, world.admin.principal, case.id, reply)
    assert tags_of(db, case.id) == ["hit"]


def test_status_changed_fires_on_a_status_change_only(db: Database, world: World) -> None:
    add_rule(db, world, name="status", events=["status_changed"], actions=HIT)
    case = make_case(db, world.admin)
    cases.update_case(db, world.admin.principal, case.id, CasePatch(title="Other"))
    assert tags_of(db, case.id) == []
    cases.update_case(db, world.admin.principal, case.id, CasePatch(status=3))
    assert tags_of(db, case.id) == ["hit"]


def test_assigned_fires_when_the_assignee_changes(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="assigned",
        events=["assigned"],
        conditions={"field": "case.assignee_id", "op": "eq", "value": world.agent_a.user_id},
        actions=[{"type": "note", "text": "Assigned to Alice"}],
    )
    case = make_case(db, world.admin, group_id=world.group_a)
    cases.update_case(
        db, world.admin.principal, case.id, CasePatch(assignee_id=world.agent_a.user_id)
    )
    notes = [m.body_text for m in messages.list_messages(db, world.admin.principal, case.id)]
    assert notes == ["Assigned to Alice"]


def test_sla_warning_and_breach_fire_their_triggers(db: Database, world: World) -> None:
    sla_policies.create_policy(
        db, world.admin.principal, SlaPolicyCreate(name="Standard", resolution_minutes=100)
    )
    add_rule(
        db,
        world,
        name="warned",
        events=["sla_warning"],
        actions=[{"type": "add_tags", "tags": ["warned"]}],
    )
    add_rule(
        db,
        world,
        name="breached",
        events=["sla_breached"],
        actions=[{"type": "add_tags", "tags": ["breached"]}],
    )
    # Rules act at the time they run, so the case is opened 81 minutes ago.
    t = datetime.now(UTC) - timedelta(minutes=81)
    case = cases.open_case(db, world.admin.principal, CaseCreate(title="Slow"), now=t)
    sla_sweep(db, t + timedelta(minutes=81))
    assert tags_of(db, case.id) == ["warned"]
    sla_sweep(db, t + timedelta(minutes=101))
    assert sorted(tags_of(db, case.id)) == ["breached", "warned"]


def test_actions_are_audited_as_the_rule(db: Database, world: World) -> None:
    urgent = priorities.create_priority(db, world.admin.principal, PriorityCreate(name="Urgent")).id
    rule = add_rule(
        db,
        world,
        name="vip",
        events=["case_created"],
        conditions={"field": "case.title", "op": "contains", "value": "vip"},
        actions=[{"type": "set", "field": "priority_id", "value": urgent}],
    )
    case = make_case(db, world.admin, title="VIP customer cannot log in")
    plain = make_case(db, world.admin, title="Someone cannot log in")
    with db.read() as s:
        assert s.get_one(Case, case.id).priority_id == urgent
        assert s.get_one(Case, plain.id).priority_id != urgent
    updates = [a for a in audits(db, "case.updated") if a.case_id == case.id]
    assert [(a.actor_label, a.changes["priority_id"]["to"]) for a in updates] == [
        (f"rule:{rule}", urgent)
    ]


def test_rules_run_in_order_and_later_rules_see_earlier_changes(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="second",
        position=2,
        events=["case_created"],
        conditions={"field": "case.tags", "op": "contains", "value": "first"},
        actions=[{"type": "add_tags", "tags": ["second"]}],
    )
    add_rule(
        db,
        world,
        name="first",
        position=1,
        events=["case_created"],
        actions=[{"type": "add_tags", "tags": ["first"]}],
    )
    case = make_case(db, world.admin)
    assert sorted(tags_of(db, case.id)) == ["first", "second"]


def test_stop_ends_processing_of_the_event(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="a",
        position=1,
        events=["case_created"],
        actions=[{"type": "add_tags", "tags": ["a"]}, {"type": "stop"}],
    )
    add_rule(db, world, name="b", position=2, events=["case_created"], actions=HIT)
    case = make_case(db, world.admin)
    assert tags_of(db, case.id) == ["a"]


def test_a_loop_is_stopped_at_the_depth_limit_and_recorded(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="ping",
        events=["case_updated"],
        conditions={"field": "case.tags", "op": "contains", "value": "ping"},
        actions=[
            {"type": "remove_tags", "tags": ["ping"]},
            {"type": "add_tags", "tags": ["pong"]},
        ],
    )
    add_rule(
        db,
        world,
        name="pong",
        events=["case_updated"],
        conditions={"field": "case.tags", "op": "contains", "value": "pong"},
        actions=[
            {"type": "remove_tags", "tags": ["pong"]},
            {"type": "add_tags", "tags": ["ping"]},
        ],
    )
    case = make_case(db, world.admin)
    cases.update_case(db, world.admin.principal, case.id, CasePatch(tags=["ping"]))
    stopped = audits(db, "rules.loop-stopped")
    assert len(stopped) == 1
    assert stopped[0].case_id == case.id
    assert stopped[0].changes["depth"]["to"] == MAX_DEPTH
    with db.read() as s:
        assert s.get_one(Case, case.id).title == case.title  # the change itself committed
    assert tags_of(db, case.id) in (["ping"], ["pong"])


def test_a_failing_rule_is_undone_alone_and_recorded(db: Database, world: World) -> None:
    add_rule(
        db,
        world,
        name="bad",
        position=1,
        events=["case_created"],
        actions=[
            {"type": "add_tags", "tags": ["half"]},
            {"type": "set", "field": "category_id", "value": 999_999},
        ],
    )
    add_rule(db, world, name="good", position=2, events=["case_created"], actions=HIT)
    case = make_case(db, world.admin)
    assert tags_of(db, case.id) == ["hit"]
    assert [a.case_id for a in audits(db, "rule.failed")] == [case.id]


@pytest.mark.parametrize("strategy", ["round_robin", "least_open"])
def test_assignment_within_a_group(db: Database, world: World, strategy: str) -> None:
    from tests.factories import make_actor

    carl = make_actor(db, "carl@acme.test", "agent", ["A"], world.corporation_id)
    add_rule(
        db,
        world,
        name="share",
        events=["case_created"],
        actions=[{"type": "assign", "strategy": strategy, "group_id": world.group_a}],
    )
    picked = [make_case(db, world.admin, group_id=world.group_a).id for _ in range(4)]
    with db.read() as s:
        from casedesk.services.rules.facts import case_facts

        owners = [case_facts(s, s.get_one(Case, c))["case.assignee_id"] for c in picked]
    pair = sorted([world.agent_a.user_id, carl.user_id])
    assert owners == pair * 2


def test_the_api_auto_assign_flag_still_uses_the_category_rules(db: Database, world: World) -> None:
    with db.read() as s:
        require_default_priority(new_case_defaults(s, world.corporation_id))
    case = make_case(db, world.admin, auto_assign=True)
    with db.read() as s:
        assert s.scalar(select(Case.id).where(Case.id == case.id)) == case.id


def test_a_trigger_written_earlier_in_a_shared_transaction_fires_for_what_follows(
    db: Database, world: World
) -> None:
    """Writers that share a transaction (a group commit, a batch of messages), each in
    its own savepoint, see each other's writes as if each had committed alone."""
    first, second = make_case(db, world.admin), make_case(db, world.admin)
    note = MessageCreate(visibility="internal", body_text="the printer is on fire")
    now = datetime.now(UTC)
    with db.write() as s:
        connection = s.connection()

        def writer() -> Session:
            return Session(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )

        with writer() as one, one.begin():
            messages.add_message_on(one, world.admin.principal, first.id, note, now)
        with writer() as one, one.begin():
            one.add(
                Rule(
                    corporation_id=world.corporation_id,
                    kind="trigger",
                    name="fire",
                    events=["message_added"],
                    conditions={
                        "all": [{"field": "message.text", "op": "contains", "value": "fire"}]
                    },
                    actions=HIT,
                    created_at=now,
                    updated_at=now,
                )
            )
        with writer() as one, one.begin():
            messages.add_message_on(one, world.admin.principal, second.id, note, now)
    assert tags_of(db, first.id) == []
    assert tags_of(db, second.id) == ["hit"]
