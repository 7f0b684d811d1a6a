"""ITFlow's three priorities. Seed 002, Fields: "Priority (low/med/high)". Every
casedesk priority shows as one of the three (configurable per priority), and a write of
one of the three sets a casedesk priority that shows as it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import World

IT = "/itflow/api/v1/tickets"
API = "/api/v1"


def _prios(client: TestClient, world: World) -> dict[str, int]:
    rows = client.get(f"{API}/priorities", headers=world.admin.headers).json()
    return {p["name"]: p["id"] for p in rows}


def _add(client: TestClient, world: World, name: str, rank: int, **more: Any) -> int:
    body = {"name": name, "rank": rank} | more
    r = client.post(f"{API}/priorities", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _create(client: TestClient, world: World, **body: Any) -> tuple[int, dict[str, Any]]:
    body.setdefault("ticket_subject", "Server down")
    r = client.post(f"{IT}/create.php", params={"api_key": world.admin.token}, json=body)
    assert r.status_code == 200, r.text
    row: dict[str, Any] = r.json()["data"][0]
    return int(row["ticket_id"]), row


def _read(client: TestClient, world: World, ticket_id: int) -> dict[str, Any]:
    r = client.get(f"{IT}/read.php", params={"api_key": world.admin.token, "ticket_id": ticket_id})
    assert r.status_code == 200, r.text
    row: dict[str, Any] = r.json()["data"][0]
    return row


def _native_priority(client: TestClient, world: World, case_id: int) -> int:
    r = client.get(f"{API}/cases/{case_id}", headers=world.admin.headers)
    return int(r.json()["priority_id"])


def test_every_priority_shows_as_low_med_or_high(client: TestClient, world: World) -> None:
    """Seed: "Priority (low/med/high)". A priority above High (Critical) and one between
    Medium and Low show as one of the three, never under their own name."""
    critical = _add(client, world, "Critical", 0)
    minor = _add(client, world, "Minor", 25)
    shown = {}
    for name, prio in [("Critical", critical), ("Minor", minor), *_prios(client, world).items()]:
        case = client.post(
            f"{API}/cases", json={"title": name, "priority_id": prio}, headers=world.admin.headers
        ).json()
        shown[name] = _read(client, world, case["id"])["ticket_priority"]
    assert shown == {
        "Critical": "High",
        "High": "High",
        "Medium": "Medium",
        "Minor": "Medium",
        "Low": "Low",
    }


def test_the_mapping_is_configurable_per_priority(client: TestClient, world: World) -> None:
    """An admin sets which of low/med/high a priority shows as (``itflow_priority``);
    null goes back to the derived one."""
    critical = _add(client, world, "Critical", 0, itflow_priority="Medium")
    case = client.post(
        f"{API}/cases", json={"title": "x", "priority_id": critical}, headers=world.admin.headers
    ).json()
    assert _read(client, world, case["id"])["ticket_priority"] == "Medium"
    r = client.patch(
        f"{API}/priorities/{critical}", json={"itflow_priority": None}, headers=world.admin.headers
    )
    assert r.status_code == 200 and r.json()["itflow_priority"] is None
    assert _read(client, world, case["id"])["ticket_priority"] == "High"
    bad = client.patch(
        f"{API}/priorities/{critical}", json={"itflow_priority": "Urgent"},
        headers=world.admin.headers,
    )  # fmt: skip
    assert bad.status_code == 422


def test_writes_map_the_three_back(client: TestClient, world: World) -> None:
    """Writes take low/med/high (any case; "med" as the seed spells it) and set a
    priority that shows as it; writing back what was read keeps the case's own."""
    prios = _prios(client, world)
    critical = _add(client, world, "Critical", 0)
    case_id, row = _create(client, world, ticket_priority="med")
    assert row["ticket_priority"] == "Medium"
    assert _native_priority(client, world, case_id) == prios["Medium"]
    key = {"api_key": world.admin.token}
    r = client.post(
        f"{IT}/update.php", params=key, json={"ticket_id": case_id, "ticket_priority": "high"}
    )
    assert r.status_code == 200 and r.json()["data"][0]["ticket_priority"] == "High"
    assert _native_priority(client, world, case_id) == prios["High"]

    client.patch(
        f"{API}/cases/{case_id}", json={"priority_id": critical}, headers=world.admin.headers
    )
    r = client.post(
        f"{IT}/update.php", params=key, json={"ticket_id": case_id, "ticket_priority": "High"}
    )
    assert r.status_code == 200, r.text
    assert _native_priority(client, world, case_id) == critical

    bad = client.post(
        f"{IT}/update.php", params=key, json={"ticket_id": case_id, "ticket_priority": "Critical"}
    )
    assert bad.status_code == 400 and bad.json()["success"] == "False"
    assert _native_priority(client, world, case_id) == critical
