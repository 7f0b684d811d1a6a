"""Finding a case by what an agent types, among the cases they may see, and the light
a list row shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.escalation import Light
from casedesk.services.cases.lookup import due_light, find_case_id
from casedesk.store.db import Database
from tests.factories import World, make_case, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_a_case_is_found_by_reference_number_or_id(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    alice = world.agent_a.principal
    assert find_case_id(db, alice, case.reference) == case.id
    assert find_case_id(db, alice, case.reference.lower()) == case.id
    assert find_case_id(db, alice, f" {case.number} ") == case.id
    assert find_case_id(db, alice, f"id:{case.id}") == case.id


@pytest.mark.parametrize("text", ["{ref}", "id:{id}", "TCK-999", "id:x", "printer", ""])
def test_a_hidden_missing_or_malformed_case_is_refused_alike(
    db: Database, world: World, text: str
) -> None:
    hidden = make_case(db, world.agent_b)
    with pytest.raises(ValidationFailed) as caught:
        find_case_id(db, world.agent_a.principal, text.format(ref=hidden.reference, id=hidden.id))
    assert caught.value.field == "case"


def test_a_rows_light_follows_its_earliest_open_due_date(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    soon, past = now + timedelta(hours=1), now - timedelta(minutes=1)
    assert due_light(case.model_copy(update={"resolution_due_at": soon}), now) == (
        Light.GREEN,
        soon,
    )
    warned = case.model_copy(update={"resolution_due_at": soon, "alert_level": 1})
    assert due_light(warned, now) == (Light.YELLOW, soon)
    late = case.model_copy(update={"first_response_due_at": past, "resolution_due_at": soon})
    assert due_light(late, now) == (Light.RED, past)
    answered = late.model_copy(update={"first_response_at": past})
    assert due_light(answered, now) == (Light.GREEN, soon)
    closed = late.model_copy(update={"status": 2})
    assert due_light(closed, now) == (Light.GREEN, None)
