"""The schedules page: create, edit, pause, resume and delete a scheduled case through
the service; a recurrence field that does not fit its kind is named; agents refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.services.cases import templates
from casedesk.services.cases.templates import TemplateCreate, TemplateOut
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.schedules import ScheduleOut
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, notice_of, redirected_to

HOME = "/console/admin/schedules"


@pytest.fixture
def template(db: Database, world: World) -> TemplateOut:
    return templates.create_template(db, world.admin.principal, TemplateCreate(name="Backups"))


def listed(db: Database, world: World) -> list[ScheduleOut]:
    return schedules.list_schedules(db, world.admin.principal)


def weekly(template: TemplateOut, **extra: object) -> dict[str, object]:
    return {
        "name": "Check the backups",
        "template_id": str(template.id),
        "kind": "weekly",
        "at": "08:30",
        "weekdays": ["1", "4"],
        "time_zone": "Europe/Oslo",
        "is_active": "1",
    } | extra


def test_a_weekly_schedule_is_created_paused_resumed_edited_and_deleted(
    admin: Browser, db: Database, world: World, template: TemplateOut
) -> None:
    assert redirected_to(admin.post(HOME, weekly(template))) == f"{HOME}?done=created"
    [row] = listed(db, world)
    assert row.recurrence == {"kind": "weekly", "at": "08:30", "weekdays": [1, 4]}
    assert (row.time_zone, row.run_as_user_id, row.is_active) == (
        "Europe/Oslo",
        world.admin.user_id,
        True,
    )
    assert row.next_run_at is not None
    listing = admin.get(HOME).text
    assert "weekly on Mon, Thu at 08:30" in listing and "Backups" in listing

    assert redirected_to(admin.post(f"{HOME}/{row.id}/pause", {})) == f"{HOME}?done=paused"
    paused = schedules.get_schedule(db, world.admin.principal, row.id)
    assert (paused.is_active, paused.next_run_at) == (False, None)
    assert "Resume schedule" in admin.get(f"{HOME}/{row.id}").text
    redirected_to(admin.post(f"{HOME}/{row.id}/resume", {}))
    assert schedules.get_schedule(db, world.admin.principal, row.id).next_run_at is not None

    daily = {
        "name": "Daily backups",
        "template_id": str(template.id),
        "run_as_user_id": str(world.agent_a.user_id),
        "kind": "daily",
        "at": "07:00",
        "is_active": "1",
    }
    assert redirected_to(admin.post(f"{HOME}/{row.id}", daily)) == f"{HOME}?done=saved"
    saved = schedules.get_schedule(db, world.admin.principal, row.id)
    assert (saved.name, saved.recurrence, saved.run_as_user_id, saved.time_zone) == (
        "Daily backups",
        {"kind": "daily", "at": "07:00"},
        world.agent_a.user_id,
        "Europe/Oslo",
    )

    assert redirected_to(admin.post(f"{HOME}/{row.id}/delete", {})) == f"{HOME}?done=deleted"
    assert listed(db, world) == []


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"day": "3"}, "day"),
        ({"at": "25:00"}, "at"),
        ({"time_zone": "Mars/Olympus"}, "time zone"),
        ({"template_id": ""}, "template_id"),
        ({"name": ""}, "name"),
        ({"kind": "cron", "weekdays": [], "at": "", "expression": "every day"}, "expression"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    admin: Browser,
    db: Database,
    world: World,
    template: TemplateOut,
    extra: dict[str, object],
    named: str,
) -> None:
    answer = admin.post(HOME, weekly(template, **extra))
    assert answer.status_code == 422, answer.text
    assert named in notice_of(answer)
    assert listed(db, world) == []


def test_agents_are_refused_every_page_and_change(
    admin: Browser, app_client: TestClient, db: Database, world: World, template: TemplateOut
) -> None:
    redirected_to(admin.post(HOME, weekly(template)))
    [row] = listed(db, world)
    app_client.cookies.clear()
    agent = Browser(app_client, world.agent_a.email)
    assert agent.get(HOME).status_code == 403
    assert agent.get(f"{HOME}/{row.id}").status_code == 403
    assert agent.post(HOME, weekly(template, name="Mine")).status_code == 403
    for action in ("", "/pause", "/delete"):
        assert agent.post(f"{HOME}/{row.id}{action}", weekly(template)).status_code == 403
    assert listed(db, world) == [row]
