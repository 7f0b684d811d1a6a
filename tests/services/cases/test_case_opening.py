"""Opening cases in batches: each case of a batch gets exactly what it would have had
opened alone (its number in turn, its own refusal, its history, index, audit, event and
SLA fields), and a refused case leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from casedesk.domain.errors import DomainError, Forbidden, ValidationFailed
from casedesk.services.cases import core as cases
from casedesk.services.cases import history, search
from casedesk.services.cases.opening import NewCase, open_cases
from casedesk.services.cases.schemas import CaseCreate, CaseOut, CaseQuery, MessageCreate
from casedesk.services.reference import sla_policies
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.store.db import Database
from casedesk.store.models import (
    AuditEntry,
    Case,
    CustomFieldDefinition,
    OutboxEvent,
    StatusHistory,
)
from tests.factories import World, make_actor, make_world

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def order(world: World, **fields: Any) -> NewCase:
    fields.setdefault("title", "Printer does not print")
    return NewCase(world.admin.principal, CaseCreate(**fields))


def opened(answers: list[Any]) -> list[CaseOut]:
    return [a for a in answers if isinstance(a, CaseOut)]


def count(db: Database, model: Any, **where: Any) -> int:
    with db.read() as s:
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return int(s.scalar(stmt) or 0)


def test_a_batch_takes_consecutive_numbers_in_order(db: Database, world: World) -> None:
    first = cases.open_case(db, world.admin.principal, CaseCreate(title="before"))
    assert first.number == 1
    answers = open_cases(db, [order(world, title=f"case {i}") for i in range(6)], now=T0)
    numbers = [a.number for a in opened(answers)]
    assert numbers == list(range(first.number + 1, first.number + 7))
    assert [a.title for a in opened(answers)] == [f"case {i}" for i in range(6)]
    assert opened(answers)[0].reference == f"TCK-{first.number + 1}"
    after = cases.open_case(db, world.admin.principal, CaseCreate(title="after"))
    assert after.number == first.number + 7


def test_a_refused_case_gets_its_own_error_and_leaves_nothing(db: Database, world: World) -> None:
    reader = make_actor(
        db, "reader@acme.test", "agent", ["A"], world.corporation_id, permissions=["view_case"]
    )
    orders = [
        order(world, title="one"),
        order(world, title="bad priority", priority_id=999_999),
        NewCase(reader.principal, CaseCreate(title="not allowed")),
        order(world, title="two"),
    ]
    answers = open_cases(db, orders, now=T0)
    assert isinstance(answers[1], ValidationFailed) and answers[1].field == "priority_id"
    assert isinstance(answers[2], Forbidden)
    one, two = answers[0], answers[3]
    assert isinstance(one, CaseOut) and isinstance(two, CaseOut)
    assert two.number == one.number + 1  # the refused cases took no number
    assert count(db, Case) == 2
    assert count(db, AuditEntry, action="case.created") == 2
    assert count(db, OutboxEvent, topic="case.created") == 2
    assert count(db, StatusHistory) == 2


def test_a_case_failing_after_its_checks_does_not_take_the_batch_with_it(
    db: Database, world: World
) -> None:
    with db.write() as s:
        s.add(
            CustomFieldDefinition(
                corporation_id=world.corporation_id, key="amount", label="Amount", type="number"
            )
        )
    orders = [
        order(world, title="one"),
        order(world, title="bad value", custom_fields={"amount": "lots"}),
        order(world, title="two", custom_fields={"amount": 3}),
    ]
    answers = open_cases(db, orders, now=T0)
    assert isinstance(answers[1], ValidationFailed)
    one, two = answers[0], answers[2]
    assert isinstance(one, CaseOut) and isinstance(two, CaseOut)
    assert two.number == one.number + 1
    assert two.custom_fields == {"amount": 3.0}
    assert count(db, Case) == 2
    assert count(db, AuditEntry, action="case.created") == 2


def test_each_case_of_a_batch_is_what_it_would_be_alone(db: Database, world: World) -> None:
    sla_policies.create_policy(
        db,
        world.admin.principal,
        SlaPolicyCreate(name="Standard", first_response_minutes=60, resolution_minutes=480),
    )
    rich: dict[str, Any] = {
        "title": "Scanner jams",
        "description": "paper everywhere",
        "assignee_id": world.agent_a.user_id,
        "follower_ids": [world.admin.user_id],
        "group_id": world.group_a,
        "tags": ["hardware"],
    }
    note = MessageCreate(body_text="called the customer", visibility="internal")
    alone = [
        cases.open_case(db, world.admin.principal, CaseCreate(title="Toner low"), now=T0),
        cases.open_case(db, world.admin.principal, CaseCreate(**rich), notes=[note], now=T0),
    ]
    batch = [
        order(world, title="Toner low"),
        NewCase(world.admin.principal, CaseCreate(**rich), notes=[note]),
    ]
    together = opened(open_cases(db, batch, now=T0))
    assert len(together) == 2
    for single, batched in zip(alone, together, strict=True):
        assert _comparable(batched) == _comparable(single)
        assert batched == cases.get_case(db, world.admin.principal, batched.id)
        assert batched.first_response_due_at is not None
        assert _trail(db, world, batched.id) == _trail(db, world, single.id)
    found = search.search_cases(db, world.admin.principal, CaseQuery(q="scanner"))
    assert {c.id for c in found.items} == {alone[1].id, together[1].id}


def _comparable(out: CaseOut) -> dict[str, Any]:
    changing = {"id", "number", "reference", "members"}
    return out.model_dump(exclude=changing) | {
        "members": [(m.role, m.user_id, m.contact_id) for m in out.members]
    }


def _trail(db: Database, world: World, case_id: int) -> dict[str, Any]:
    """What a case leaves besides its row: status history, audit records, events."""
    found = history.case_history(db, world.admin.principal, case_id)
    with db.read() as s:
        events = s.scalars(
            select(OutboxEvent.payload).where(
                OutboxEvent.payload["case_id"].as_integer() == case_id
            )
        ).all()
    created = [e.changes for e in found.audit if e.action == "case.created"]
    return {
        "created": created,
        "audit": [(e.action, sorted(e.changes)) for e in found.audit],
        "events": sorted(sorted(p) for p in events),
        "statuses": [(h.status_id, h.internal_status, h.from_status_id) for h in found.statuses],
    }


def test_open_cases_answers_every_order_even_when_all_are_refused(
    db: Database, world: World
) -> None:
    answers = open_cases(db, [order(world, priority_id=999_999)] * 3, now=T0)
    assert len(answers) == 3 and all(isinstance(a, DomainError) for a in answers)
