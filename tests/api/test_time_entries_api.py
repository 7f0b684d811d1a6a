"""Time entries over HTTP: validation, totals with per-entry rounding, the local work
date, and who may write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.services.billing import time_entries
from casedesk.services.billing.time_entries import TimeEntryCreate
from casedesk.store.db import Database
from tests.factories import World, make_actor, make_case

API = "/api/v1"


@pytest.fixture
def case_id(db: Database, world: World) -> int:
    return make_case(db, world.agent_a, group_id=world.group_a).id


def add(client: TestClient, world: World, case_id: int, **body: Any) -> dict[str, Any]:
    body.setdefault("duration_seconds", 60)
    body.setdefault("work_date", "2026-03-02")
    r = client.post(f"{API}/cases/{case_id}/time-entries", json=body, headers=world.agent_a.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_entries_are_listed_with_totals_that_add_up_to_the_amounts_shown(
    client: TestClient, world: World, case_id: int
) -> None:
    for _ in range(3):
        add(client, world, case_id, hourly_rate="100.00", activity="Remote support")
    free = add(client, world, case_id, duration_seconds=1800, billable=False, hourly_rate=80)

    assert free["amount"] == "0.00" and free["hourly_rate"] == "80.00"
    r = client.get(f"{API}/cases/{case_id}/time-entries", headers=world.agent_a.headers)
    body = r.json()
    assert [e["amount"] for e in body["items"]] == ["1.67", "1.67", "1.67", "0.00"]
    assert body["items"][0]["user_id"] == world.agent_a.user_id
    assert body["totals"] == {"seconds": 1980, "billable_seconds": 180, "billable_amount": "5.01"}
    r = client.get(f"{API}/cases/{case_id}/time-totals", headers=world.agent_a.headers)
    assert r.json() == body["totals"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration_seconds": 0}, "duration_seconds"),
        ({"duration_seconds": 86_401}, "duration_seconds"),
        ({"duration_seconds": 1.5}, "duration_seconds"),
        ({"duration_seconds": 60, "hourly_rate": "-1"}, "hourly_rate"),
        ({"duration_seconds": 60, "hourly_rate": "1.234"}, "hourly_rate"),
        ({"duration_seconds": 60, "hourly_rate": "NaN"}, "hourly_rate"),
        ({"duration_seconds": 60, "work_date": "2026-02-30"}, "work_date"),
        ({"duration_seconds": 60, "activity": "x" * 101}, "activity"),
        ({"duration_seconds": 60, "invoice_id": 1}, "invoice_id"),
        ({}, "duration_seconds"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(
    client: TestClient, world: World, case_id: int, body: dict[str, Any], field: str
) -> None:
    r = client.post(f"{API}/cases/{case_id}/time-entries", json=body, headers=world.agent_a.headers)
    assert r.status_code == 422, r.text
    assert r.json()["field"].endswith(field)


def test_the_largest_entry_is_a_day(client: TestClient, world: World, case_id: int) -> None:
    assert add(client, world, case_id, duration_seconds=86_400)["duration_seconds"] == 86_400


def test_an_entry_is_changed_and_deleted(client: TestClient, world: World, case_id: int) -> None:
    entry = add(client, world, case_id, hourly_rate="90")
    url = f"{API}/cases/{case_id}/time-entries/{entry['id']}"
    h = world.agent_a.headers

    r = client.patch(url, json={"duration_seconds": 3600, "billable": False}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["duration_seconds"], r.json()["amount"]) == (3600, "0.00")
    r = client.patch(url, json={"duration_seconds": None}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "duration_seconds"
    r = client.patch(url, json={"duration_seconds": 0}, headers=h)
    assert r.status_code == 422

    assert client.delete(url, headers=h).status_code == 204
    assert client.delete(url, headers=h).status_code == 404
    history = client.get(f"{API}/cases/{case_id}/history", headers=h).json()["audit"]
    assert [e["action"] for e in history][-3:] == [
        "time_entry.added",
        "time_entry.updated",
        "time_entry.deleted",
    ]


def test_an_entry_of_another_case_is_not_found(
    client: TestClient, db: Database, world: World, case_id: int
) -> None:
    other = make_case(db, world.agent_a, group_id=world.group_a).id
    entry = add(client, world, other)
    url = f"{API}/cases/{case_id}/time-entries/{entry['id']}"
    assert client.patch(url, json={"note": "x"}, headers=world.agent_a.headers).status_code == 404
    assert client.delete(url, headers=world.agent_a.headers).status_code == 404


def test_reading_needs_the_case_and_writing_needs_add_note(
    client: TestClient, db: Database, world: World, case_id: int
) -> None:
    editor = make_actor(
        db,
        "editor@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "edit_case"],
    )
    url = f"{API}/cases/{case_id}/time-entries"
    assert client.get(url, headers=editor.headers).status_code == 200
    r = client.post(url, json={"duration_seconds": 60}, headers=editor.headers)
    assert r.status_code == 403 and r.json()["permission"] == "add_note"


def test_the_work_date_defaults_to_today_in_the_corporations_zone(
    client: TestClient, db: Database, world: World, case_id: int
) -> None:
    r = client.patch(
        f"{API}/corporations/{world.corporation_id}",
        json={"time_zone": "Europe/Oslo"},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    late_evening_utc = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # 00:30 on 1 March in Oslo
    entry = time_entries.add_time_entry(
        db,
        world.agent_a.principal,
        case_id,
        TimeEntryCreate(duration_seconds=600),
        now=late_evening_utc,
    )
    assert entry.work_date == date(2026, 3, 1)
