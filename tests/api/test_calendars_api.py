"""/calendars, a priority's calendar and a status's clock class over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import World

API = "/api/v1"
OFFICE = {
    "name": "Oslo office",
    "time_zone": "Europe/Oslo",
    "hours": {str(d): [["08:00", "12:00"], ["13:00", "16:00"]] for d in range(5)},
    "holidays": ["2026-12-25", "2026-05-17", "2026-12-25"],
}


def _create(client: TestClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"{API}/calendars", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def test_a_calendar_round_trips_with_sorted_unique_holidays(
    client: TestClient, world: World
) -> None:
    made = _create(client, world, OFFICE)
    got = client.get(f"{API}/calendars/{made['id']}", headers=world.agent_a.headers).json()
    assert got["time_zone"] == "Europe/Oslo"
    assert got["hours"]["0"] == [["08:00", "12:00"], ["13:00", "16:00"]]
    assert got["holidays"] == ["2026-05-17", "2026-12-25"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"hours": {"0": [["17:00", "09:00"]]}}, "hours"),
        ({"hours": {"0": [["09:00", "12:00"], ["11:00", "13:00"]]}}, "hours"),
        ({"hours": {"7": [["09:00", "12:00"]]}}, "hours"),
        ({"hours": {"0": [["9:00", "12:00"]]}}, "hours"),
        ({"hours": {"0": [["09:00", "24:01"]]}}, "hours"),
        ({"holidays": ["2026-02-30"]}, "holidays"),
    ],
)
def test_bad_calendars_are_refused_naming_the_field(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    r = client.post(f"{API}/calendars", json=OFFICE | change, headers=world.admin.headers)
    assert r.status_code == 422
    assert field in r.text


def test_agents_read_calendars_but_cannot_write_them(client: TestClient, world: World) -> None:
    r = client.post(f"{API}/calendars", json=OFFICE, headers=world.agent_a.headers)
    assert r.status_code == 403
    assert client.get(f"{API}/calendars", headers=world.agent_a.headers).json() == []


def test_a_priority_counts_in_its_calendar_which_cannot_be_deleted_while_used(
    client: TestClient, world: World
) -> None:
    cal = _create(client, world, OFFICE)
    r = client.post(
        f"{API}/priorities",
        json={"name": "Urgent", "calendar_id": cal["id"]},
        headers=world.admin.headers,
    )
    assert r.status_code == 201 and r.json()["calendar_id"] == cal["id"]
    priority = r.json()["id"]
    r = client.delete(f"{API}/calendars/{cal['id']}", headers=world.admin.headers)
    assert r.status_code == 409
    assert "priorities" in r.json()["detail"]

    r = client.patch(
        f"{API}/priorities/{priority}", json={"calendar_id": 999}, headers=world.admin.headers
    )
    assert r.status_code == 422 and "calendar_id" in r.text
    r = client.patch(
        f"{API}/priorities/{priority}", json={"calendar_id": None}, headers=world.admin.headers
    )
    assert r.status_code == 200 and r.json()["calendar_id"] is None
    assert (
        client.delete(f"{API}/calendars/{cal['id']}", headers=world.admin.headers).status_code
        == 204
    )


def test_a_priority_cannot_use_an_unknown_calendar(client: TestClient, world: World) -> None:
    r = client.post(
        f"{API}/priorities",
        json={"name": "Urgent", "calendar_id": 999},
        headers=world.admin.headers,
    )
    assert r.status_code == 422
    assert "calendar_id" in r.text


@pytest.mark.parametrize(
    ("internal", "expected"),
    [(1, "internal"), (7, "internal"), (3, "external"), (8, "stopped"), (2, "stopped")],
)
def test_a_new_status_gets_the_clock_of_its_internal_status(
    client: TestClient, world: World, internal: int, expected: str
) -> None:
    r = client.post(
        f"{API}/statuses",
        json={"name": "Mine", "internal_status": internal},
        headers=world.admin.headers,
    )
    assert r.status_code == 201 and r.json()["clock"] == expected


def test_a_status_clock_and_auto_close_can_be_set_and_changed(
    client: TestClient, world: World
) -> None:
    r = client.post(
        f"{API}/statuses",
        json={"name": "New", "internal_status": 1, "clock": "queue"},
        headers=world.admin.headers,
    )
    assert r.status_code == 201 and r.json()["clock"] == "queue"
    r = client.patch(
        f"{API}/statuses/{r.json()['id']}",
        json={"clock": "stopped", "auto_close_chaser_days": 3, "auto_close_days": 4},
        headers=world.admin.headers,
    )
    assert r.status_code == 200
    assert (r.json()["clock"], r.json()["auto_close_days"]) == ("stopped", 4)
    r = client.patch(
        f"{API}/statuses/{r.json()['id']}", json={"clock": "later"}, headers=world.admin.headers
    )
    assert r.status_code == 422
