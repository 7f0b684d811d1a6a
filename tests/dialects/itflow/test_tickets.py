"""ITFlow's ticket API over /itflow: the seed's read sample, rows with positional and
named string values, create/update/delete, keys limited to one client, segregation by
group, and agreement with the native API."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.dialects.conftest import fixture_text
from tests.factories import World

IT = "/itflow/api/v1/tickets"
API = "/api/v1"


def sample_url() -> tuple[str, str]:
    """The path and query of the seed's read request."""
    line = fixture_text(__file__, "read.request.txt")
    url = urlsplit(line.split('"')[1])
    return url.path, url.query


def sample_answer() -> dict[str, Any]:
    """The seed's answer, whose row is cut short ("[...]"): its first five columns."""
    text = fixture_text(__file__, "read.response.txt")
    head = text.split("[...]")[0].rstrip().rstrip(",")
    value: dict[str, Any] = json.loads(head + "}]}")
    return value


def create(client: TestClient, key: str, **body: Any) -> dict[str, Any]:
    body.setdefault("ticket_subject", "Computer broken")
    r = client.post(f"{IT}/create.php", params={"api_key": key}, json=body)
    assert r.status_code == 200, r.text
    row: dict[str, Any] = r.json()["data"][0]
    return row


def test_the_read_sample(client: TestClient, world: World) -> None:
    path, query = sample_url()
    assert path == "/itflow/api/v1/tickets/read.php"
    r = client.get(f"{path}?{query}")
    assert r.status_code == 401 and r.json()["success"] == "False"  # the sample's key is not ours
    for _ in range(3):
        create(client, world.admin.token)
    r = client.get(path, params={"api_key": world.admin.token, "ticket_id": 3})
    assert r.status_code == 200, r.text
    out, documented = r.json(), sample_answer()
    assert out["success"] == documented["success"] == "True"
    assert out["count"] == documented["count"] == 1
    row, seen = out["data"][0], documented["data"][0]
    assert {k: row[k] for k in seen} == seen
    assert list(row)[: len(seen)] == list(seen)
    assert all(v is None or isinstance(v, str) for v in row.values())
    native = client.get(f"{API}/cases/3", headers=world.admin.headers).json()
    assert row["ticket_subject"] == native["title"]
    assert row["ticket_prefix"] + row["ticket_number"] == native["reference"]


def test_update_status_assignment_reply_and_delete(client: TestClient, world: World) -> None:
    key = world.agent_a.token
    row = create(client, key, ticket_details="It smokes", ticket_priority="High")
    assert row["ticket_priority"] == "High" and row["ticket_status"] == "Open"
    r = client.post(
        f"{IT}/update.php",
        json={
            "api_key": key,
            "ticket_id": int(row["ticket_id"]),
            "ticket_status": "Working",
            "ticket_assigned_to": world.agent_a.user_id,
            "ticket_reply": "On my way",
        },
    )
    assert r.status_code == 200, r.text
    updated = r.json()["data"][0]
    assert updated["ticket_status"] == "Working"
    assert updated["ticket_assigned_to"] == str(world.agent_a.user_id)
    native = client.get(f"{API}/cases/{row['ticket_id']}", headers=world.agent_a.headers).json()
    assert native["status"] == 7 and native["assignee_id"] == world.agent_a.user_id
    assert native["first_response_at"] is not None
    r = client.post(
        f"{IT}/update.php", json={"api_key": key, "ticket_id": 1, "ticket_status": "Bogus"}
    )
    assert r.status_code == 400 and r.json()["success"] == "False"
    r = client.post(f"{IT}/delete.php", json={"api_key": world.admin.token, "ticket_id": 1})
    assert r.status_code == 200
    assert client.get(f"{API}/cases/1", headers=world.admin.headers).json()["status"] == 4


def test_a_key_limited_to_one_client_sees_only_its_tickets(
    client: TestClient, db: Database, world: World
) -> None:
    orgs = [
        client.post(f"{API}/organizations", json={"name": n}, headers=world.admin.headers).json()
        for n in ("Contoso", "Fabrikam")
    ]
    r = client.post(
        f"{API}/tokens", json={"organization_id": orgs[0]["id"]}, headers=world.admin.headers
    )
    assert r.status_code == 201, r.text
    limited = r.json()["token"]
    assert r.json()["organization_id"] == orgs[0]["id"]
    r = client.post(
        f"{API}/tokens", json={"organization_id": orgs[0]["id"]}, headers=world.agent_a.headers
    )
    assert r.status_code == 403
    mine = create(client, world.admin.token, client_id=orgs[0]["id"])
    other = create(client, world.admin.token, client_id=orgs[1]["id"])
    create(client, world.admin.token)
    rows = client.get(f"{IT}/read.php", params={"api_key": limited}).json()["data"]
    assert [r["ticket_id"] for r in rows] == [mine["ticket_id"]]
    r = client.get(f"{IT}/read.php", params={"api_key": limited, "ticket_id": other["ticket_id"]})
    assert r.status_code == 404
    r = client.post(
        f"{IT}/update.php",
        json={"api_key": limited, "ticket_id": int(other["ticket_id"]), "ticket_status": "Closed"},
    )
    assert r.status_code == 404
    new = create(client, limited)
    assert new["ticket_client_id"] == str(orgs[0]["id"])
    r = client.post(
        f"{IT}/create.php",
        params={"api_key": limited},
        json={"ticket_subject": "x", "client_id": orgs[1]["id"]},
    )
    assert r.status_code == 400
    native = client.get(
        f"{API}/cases/{other['ticket_id']}", headers={"Authorization": f"Bearer {limited}"}
    )
    assert native.status_code == 404


def test_another_groups_ticket_is_not_found(client: TestClient, world: World) -> None:
    theirs = create(client, world.agent_b.token)
    r = client.get(
        f"{IT}/read.php", params={"api_key": world.agent_a.token, "ticket_id": theirs["ticket_id"]}
    )
    missing = client.get(
        f"{IT}/read.php", params={"api_key": world.agent_a.token, "ticket_id": 999}
    )
    assert r.status_code == missing.status_code == 404
    assert r.json()["success"] == "False"
    rows = client.get(f"{IT}/read.php", params={"api_key": world.agent_a.token}).json()
    assert rows["count"] == 0
