"""The SLA policies page: create, edit, disable and delete a policy through the
service, bad input named in the notice with nothing written, agents refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.services.reference import calendars, priorities, sla_policies
from casedesk.services.reference.calendars import CalendarCreate
from casedesk.services.reference.priorities import PriorityCreate
from casedesk.services.reference.sla_policies import SlaPolicyOut
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, notice_of, redirected_to

HOME = "/console/admin/sla-policies"


def policies(db: Database, world: World) -> list[SlaPolicyOut]:
    return sla_policies.list_policies(db, world.admin.principal)


def test_a_policy_is_created_with_targets_levels_and_a_priority_calendar(
    admin: Browser, db: Database, world: World
) -> None:
    office = calendars.create_calendar(
        db,
        world.admin.principal,
        CalendarCreate(name="Office", time_zone="Europe/Oslo", hours={"0": [["09:00", "17:00"]]}),
    )
    urgent = priorities.create_priority(
        db, world.admin.principal, PriorityCreate(name="Urgent", calendar_id=office.id)
    )
    answer = admin.post(
        HOME,
        {
            "name": "Urgent cases",
            "priority_id": str(urgent.id),
            "first_response_minutes": "30",
            "resolution_minutes": "480",
            "alert_levels": "nearly: 75%\ndue: 0\nlate: 120",
            "position": "0",
            "is_active": "1",
        },
    )
    assert redirected_to(answer) == f"{HOME}?done=created"
    [policy] = policies(db, world)
    assert (policy.name, policy.priority_id, policy.is_active) == ("Urgent cases", urgent.id, True)
    assert (policy.first_response_minutes, policy.next_response_minutes) == (30, None)
    assert policy.resolution_minutes == 480
    assert [
        (lv.name, lv.fraction_of_target, lv.minutes_from_due) for lv in policy.alert_levels
    ] == [
        ("nearly", 0.75, None),
        ("due", None, 0),
        ("late", None, 120),
    ]
    listing = admin.get(f"{HOME}?done=created").text
    assert "Created." in listing
    assert "priority Urgent" in listing and "Office" in listing
    edit = admin.get(f"{HOME}/{policy.id}").text
    assert "nearly: 75%\ndue: 0\nlate: 120" in edit


def test_a_policy_is_edited_disabled_and_deleted(
    admin: Browser, db: Database, world: World
) -> None:
    redirected_to(
        admin.post(HOME, {"name": "Everyone", "resolution_minutes": "600", "is_active": "1"})
    )
    [policy] = policies(db, world)
    assert [lv.name for lv in policy.alert_levels] == ["warning", "due", "overdue"]

    answer = admin.post(
        f"{HOME}/{policy.id}",
        {"name": "Everyone else", "resolution_minutes": "900", "alert_levels": "", "position": "5"},
    )
    assert redirected_to(answer) == f"{HOME}?done=saved"
    [saved] = policies(db, world)
    assert (saved.name, saved.resolution_minutes, saved.position) == ("Everyone else", 900, 5)
    assert saved.is_active is False
    assert "disabled" in admin.get(HOME).text

    assert redirected_to(admin.post(f"{HOME}/{policy.id}/delete", {})) == f"{HOME}?done=deleted"
    assert policies(db, world) == []
    assert admin.get(f"{HOME}/{policy.id}").status_code == 404


@pytest.mark.parametrize(
    ("form", "named"),
    [
        ({"name": "No targets"}, "at least one target"),
        ({"name": "", "resolution_minutes": "60"}, "name"),
        ({"name": "Minus", "resolution_minutes": "-5"}, "resolution_minutes"),
        ({"name": "Levels", "resolution_minutes": "60", "alert_levels": "soon"}, "alert level 1"),
        ({"name": "Twice", "resolution_minutes": "60", "alert_levels": "a: 1\na: x%"}, "level 2"),
        ({"name": "Ghost", "resolution_minutes": "60", "priority_id": "999999"}, "priority_id"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    admin: Browser, db: Database, world: World, form: dict[str, str], named: str
) -> None:
    answer = admin.post(HOME, form)
    assert answer.status_code == 422
    assert named in notice_of(answer)
    assert policies(db, world) == []


def test_a_duplicate_name_is_a_conflict_and_the_edit_keeps_the_old_values(
    admin: Browser, db: Database, world: World
) -> None:
    redirected_to(admin.post(HOME, {"name": "One", "resolution_minutes": "60", "is_active": "1"}))
    redirected_to(admin.post(HOME, {"name": "Two", "resolution_minutes": "60", "is_active": "1"}))
    one = next(p for p in policies(db, world) if p.name == "One")
    answer = admin.post(f"{HOME}/{one.id}", {"name": "Two", "resolution_minutes": "30"})
    assert answer.status_code == 409
    assert "exists already" in notice_of(answer)
    assert sla_policies.get_policy(db, world.admin.principal, one.id) == one


def test_agents_are_refused_every_page_and_change(
    admin: Browser, app_client: TestClient, db: Database, world: World
) -> None:
    redirected_to(admin.post(HOME, {"name": "Kept", "resolution_minutes": "60", "is_active": "1"}))
    [policy] = policies(db, world)
    app_client.cookies.clear()
    agent = Browser(app_client, world.agent_a.email)
    assert agent.get(HOME).status_code == 403
    assert agent.get(f"{HOME}/{policy.id}").status_code == 403
    assert agent.post(HOME, {"name": "Mine", "resolution_minutes": "1"}).status_code == 403
    assert (
        agent.post(f"{HOME}/{policy.id}", {"name": "Taken", "resolution_minutes": "1"}).status_code
        == 403
    )
    assert agent.post(f"{HOME}/{policy.id}/delete", {}).status_code == 403
    assert policies(db, world) == [policy]


def test_a_change_without_the_csrf_token_is_refused(
    admin: Browser, db: Database, world: World
) -> None:
    answer = admin.post(HOME, {"name": "Forged", "resolution_minutes": "60"}, csrf=False)
    assert answer.status_code == 403
    assert policies(db, world) == []
