"""/schedules over HTTP: who may write, what is refused, what a schedule shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.services.scheduling import schedules
from casedesk.store.db import Database
from tests.factories import World

API = "/api/v1"


@pytest.fixture
def template_id(client: TestClient, world: World) -> int:
    r = client.post(
        f"{API}/templates",
        json={"name": "Backups", "fields": {"title": "Check the backups"}},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    out: int = r.json()["id"]
    return out


def _body(template_id: int, **change: Any) -> dict[str, Any]:
    return {
        "name": "Monday backups",
        "template_id": template_id,
        "recurrence": {"kind": "weekly", "weekdays": [1], "at": "08:00"},
        "time_zone": "Europe/Oslo",
    } | change


def test_admins_write_schedules_and_everyone_reads_them(
    client: TestClient, world: World, template_id: int
) -> None:
    assert (
        client.post(
            f"{API}/schedules", json=_body(template_id), headers=world.agent_a.headers
        ).status_code
        == 403
    )
    r = client.post(f"{API}/schedules", json=_body(template_id), headers=world.admin.headers)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["run_as_user_id"] == world.admin.user_id
    assert made["recurrence"] == {"kind": "weekly", "weekdays": [1], "at": "08:00"}
    assert made["next_run_at"] is not None and made["last_run_at"] is None
    url = f"{API}/schedules/{made['id']}"
    assert client.get(url, headers=world.agent_a.headers).json() == made

    r = client.patch(url, json={"is_active": False}, headers=world.admin.headers)
    assert r.status_code == 200 and r.json()["next_run_at"] is None
    assert client.delete(url, headers=world.admin.headers).status_code == 204
    assert client.get(url, headers=world.admin.headers).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recurrence": {"kind": "cron", "expression": "0 25 * * *"}}, "recurrence.expression"),
        ({"recurrence": {"kind": "monthly", "at": "08:00"}}, "recurrence.day"),
        ({"recurrence": {"kind": "hourly", "at": "08:00"}}, "recurrence"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"template_id": 999}, "template_id"),
        ({"run_as_user_id": 999}, "run_as_user_id"),
    ],
)
def test_bad_schedules_are_refused_naming_the_field(
    client: TestClient, world: World, template_id: int, change: dict[str, Any], field: str
) -> None:
    r = client.post(
        f"{API}/schedules", json=_body(template_id) | change, headers=world.admin.headers
    )
    assert r.status_code == 422, r.text
    assert field in r.text
    assert client.get(f"{API}/schedules", headers=world.admin.headers).json() == []


def test_schedule_names_are_unique(client: TestClient, world: World, template_id: int) -> None:
    body = _body(template_id)
    assert (
        client.post(f"{API}/schedules", json=body, headers=world.admin.headers).status_code == 201
    )
    r = client.post(f"{API}/schedules", json=body, headers=world.admin.headers)
    assert r.status_code == 409


def test_a_schedule_made_over_the_api_opens_its_case_when_due(
    client: TestClient, db: Database, world: World, template_id: int
) -> None:
    r = client.post(
        f"{API}/schedules",
        json=_body(template_id, recurrence={"kind": "daily", "at": "08:00"}),
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    due = datetime.fromisoformat(r.json()["next_run_at"])

    assert schedules.run_schedules(db, due) == 1

    found = client.get(f"{API}/cases", headers=world.admin.headers).json()["items"]
    assert [(c["title"], c["origin"]) for c in found] == [("Check the backups", "scheduled")]
    after = client.get(f"{API}/schedules/{r.json()['id']}", headers=world.admin.headers).json()
    assert datetime.fromisoformat(after["last_run_at"]) == due
