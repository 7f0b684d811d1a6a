"""/categories, /priorities, /statuses, /queues and /custom-fields over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.factories import Actor, World, make_actor, make_case

API = "/api/v1"


@pytest.fixture
def outsider(db: Database) -> Actor:
    """The admin of another corporation."""
    with db.write() as s:
        corp_id = create_corporation(s, "Globex", "GX-").id
    return make_actor(db, "admin@globex.test", "admin", [], corp_id)


def create(client: TestClient, actor: Actor, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"{API}/{path}", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def audit_actions(db: Database, entity_type: str) -> list[str]:
    with db.read() as s:
        stmt = select(AuditEntry.action).where(AuditEntry.entity_type == entity_type)
        return list(s.scalars(stmt.order_by(AuditEntry.id)))


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("categories", {"name": "Hardware"}),
        ("priorities", {"name": "Urgent"}),
        ("statuses", {"name": "In progress", "internal_status": 1}),
        ("queues", {"name": "First line"}),
        ("custom-fields", {"key": "impact", "label": "Impact", "type": "text"}),
        ("calendars", {"name": "Office", "time_zone": "UTC", "hours": {}}),
        ("sla-policies", {"name": "Standard", "resolution_minutes": 480}),
    ],
)
def test_everyone_reads_admins_write(
    client: TestClient, world: World, outsider: Actor, path: str, body: dict[str, Any]
) -> None:
    agent = world.agent_a.headers
    assert client.post(f"{API}/{path}", json=body, headers=agent).status_code == 403
    row = create(client, world.admin, path, body)
    url = f"{API}/{path}/{row['id']}"
    assert client.get(url, headers=agent).json() == row
    assert row in client.get(f"{API}/{path}", headers=agent).json()
    assert client.patch(url, json={}, headers=agent).status_code == 403
    assert client.delete(url, headers=agent).status_code == 403
    # another corporation does not see the row at all
    for method in ("GET", "PATCH", "DELETE"):
        kw: dict[str, Any] = {"json": {}} if method == "PATCH" else {}
        r = client.request(method, url, headers=outsider.headers, **kw)
        assert r.status_code == 404, (method, r.text)
    assert row not in client.get(f"{API}/{path}", headers=outsider.headers).json()
    # the admin deletes it: gone
    assert client.delete(url, headers=world.admin.headers).status_code == 204
    assert client.get(url, headers=agent).status_code == 404


def test_agent_with_the_reference_permission_may_write(
    client: TestClient, db: Database, world: World
) -> None:
    manager = make_actor(
        db,
        "m@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "manage_reference"],
    )
    create(client, manager, "queues", {"name": "Managed"})


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("categories", {"name": ""}),
        ("categories", {"name": "x" * 201}),
        ("categories", {"name": "x", "parent_id": 0}),
        ("categories", {"name": "x", "parent_id": 2**60}),
        ("categories", {"name": "x", "colour": "red"}),
        ("priorities", {"name": "x", "rank": 2**40}),
        ("priorities", {"name": "x" * 101}),
        ("statuses", {"name": "x", "internal_status": 9}),
        ("statuses", {"name": "x"}),
        ("queues", {"name": "x", "group_id": 999999}),
        ("custom-fields", {"key": "Impact", "label": "x", "type": "text"}),
        ("custom-fields", {"key": "1st", "label": "x", "type": "text"}),
        ("custom-fields", {"key": "a" * 65, "label": "x", "type": "text"}),
        ("custom-fields", {"key": "x", "label": "x", "type": "colour"}),
        ("custom-fields", {"key": "x", "label": "x", "type": "select"}),
        ("custom-fields", {"key": "x", "label": "x", "type": "select", "options": []}),
        ("custom-fields", {"key": "x", "label": "x", "type": "select", "options": ["a", "a"]}),
        ("custom-fields", {"key": "x", "label": "x", "type": "text", "options": ["a"]}),
    ],
)
def test_bad_input_is_refused(
    client: TestClient, world: World, path: str, body: dict[str, Any]
) -> None:
    r = client.post(f"{API}/{path}", json=body, headers=world.admin.headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"


# --------------------------------------------------------------------------- categories


def test_category_tree(client: TestClient, db: Database, world: World) -> None:
    hw = create(client, world.admin, "categories", {"name": "Hardware"})
    laptop = create(client, world.admin, "categories", {"name": "Laptop", "parent_id": hw["id"]})
    create(client, world.admin, "categories", {"name": "Printer", "parent_id": hw["id"]})
    create(client, world.admin, "categories", {"name": "Access"})
    flat = client.get(f"{API}/categories", headers=world.agent_a.headers).json()
    assert {(c["name"], c["parent_id"]) for c in flat} == {
        ("Hardware", None),
        ("Laptop", hw["id"]),
        ("Printer", hw["id"]),
        ("Access", None),
    }
    tree = client.get(f"{API}/categories?tree=true", headers=world.agent_a.headers).json()
    assert [(n["name"], [c["name"] for c in n["children"]]) for n in tree] == [
        ("Access", []),
        ("Hardware", ["Laptop", "Printer"]),
    ]
    assert tree[1]["children"][0] == {
        "id": laptop["id"],
        "name": "Laptop",
        "parent_id": hw["id"],
        "children": [],
    }
    assert audit_actions(db, "category") == ["category.created"] * 4


def test_category_names_are_unique_among_siblings(client: TestClient, world: World) -> None:
    hw = create(client, world.admin, "categories", {"name": "Hardware"})
    sw = create(client, world.admin, "categories", {"name": "Software"})
    create(client, world.admin, "categories", {"name": "Other", "parent_id": hw["id"]})
    create(client, world.admin, "categories", {"name": "Other", "parent_id": sw["id"]})
    h = world.admin.headers
    r = client.post(f"{API}/categories", json={"name": "hardware"}, headers=h)
    assert r.status_code == 409
    r = client.post(f"{API}/categories", json={"name": "OTHER", "parent_id": hw["id"]}, headers=h)
    assert r.status_code == 409
    r = client.patch(f"{API}/categories/{sw['id']}", json={"name": "Hardware"}, headers=h)
    assert r.status_code == 409


def test_category_cycles_are_refused(client: TestClient, world: World, outsider: Actor) -> None:
    a = create(client, world.admin, "categories", {"name": "A"})
    b = create(client, world.admin, "categories", {"name": "B", "parent_id": a["id"]})
    c = create(client, world.admin, "categories", {"name": "C", "parent_id": b["id"]})
    h = world.admin.headers
    for parent in (a, b, c):
        r = client.patch(f"{API}/categories/{a['id']}", json={"parent_id": parent["id"]}, headers=h)
        assert r.status_code == 422, parent
        assert r.json()["field"] == "parent_id"
    # moving within the tree is fine; so is back to the top
    r = client.patch(f"{API}/categories/{c['id']}", json={"parent_id": a["id"]}, headers=h)
    assert r.json()["parent_id"] == a["id"]
    r = client.patch(f"{API}/categories/{b['id']}", json={"parent_id": None}, headers=h)
    assert r.json()["parent_id"] is None
    theirs = create(client, outsider, "categories", {"name": "Theirs"})
    r = client.patch(f"{API}/categories/{b['id']}", json={"parent_id": theirs["id"]}, headers=h)
    assert r.status_code == 422


def test_categories_in_use_are_kept(client: TestClient, db: Database, world: World) -> None:
    hw = create(client, world.admin, "categories", {"name": "Hardware"})
    laptop = create(client, world.admin, "categories", {"name": "Laptop", "parent_id": hw["id"]})
    make_case(db, world.admin, category_id=laptop["id"])
    h = world.admin.headers
    r = client.delete(f"{API}/categories/{hw['id']}", headers=h)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"categories": 1}
    r = client.delete(f"{API}/categories/{laptop['id']}", headers=h)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"cases": 1}


# --------------------------------------------------------------------------- priorities


def defaults(client: TestClient, actor: Actor, path: str) -> list[str]:
    rows = client.get(f"{API}/{path}", headers=actor.headers).json()
    return [r["name"] for r in rows if r["is_default"]]


def test_exactly_one_default_priority(client: TestClient, db: Database, world: World) -> None:
    assert defaults(client, world.admin, "priorities") == ["Medium"]
    urgent = create(
        client, world.admin, "priorities", {"name": "Urgent", "rank": 0, "is_default": True}
    )
    assert defaults(client, world.admin, "priorities") == ["Urgent"]
    assert make_case(db, world.admin).priority_id == urgent["id"]
    low = next(
        p
        for p in client.get(f"{API}/priorities", headers=world.admin.headers).json()
        if p["name"] == "Low"
    )
    h = world.admin.headers
    r = client.patch(f"{API}/priorities/{low['id']}", json={"is_default": True}, headers=h)
    assert r.json()["is_default"] is True
    assert defaults(client, world.admin, "priorities") == ["Low"]
    r = client.patch(f"{API}/priorities/{low['id']}", json={"is_default": False}, headers=h)
    assert r.status_code == 409
    assert client.delete(f"{API}/priorities/{low['id']}", headers=h).status_code == 409
    names = [p["name"] for p in client.get(f"{API}/priorities", headers=h).json()]
    assert names == ["Urgent", "High", "Medium", "Low"]


def test_priorities_in_use_are_kept(client: TestClient, db: Database, world: World) -> None:
    hot = create(client, world.admin, "priorities", {"name": "Hot", "rank": 5})
    make_case(db, world.admin, priority_id=hot["id"])
    r = client.delete(f"{API}/priorities/{hot['id']}", headers=world.admin.headers)
    assert r.status_code == 409
    assert "still in use" in r.json()["detail"]
    r = client.post(f"{API}/priorities", json={"name": "HOT"}, headers=world.admin.headers)
    assert r.status_code == 409


# --------------------------------------------------------------------------- statuses


def statuses(client: TestClient, world: World) -> dict[str, dict[str, Any]]:
    rows = client.get(f"{API}/statuses", headers=world.admin.headers).json()
    return {r["name"]: r for r in rows}


def test_one_default_per_internal_status(client: TestClient, db: Database, world: World) -> None:
    h = world.admin.headers
    working = create(client, world.admin, "statuses", {"name": "Working", "internal_status": 1})
    assert working["is_default"] is False
    r = client.patch(f"{API}/statuses/{working['id']}", json={"is_default": True}, headers=h)
    assert r.json()["is_default"] is True
    rows = statuses(client, world)
    assert rows["Open"]["is_default"] is False
    assert rows["Closed"]["is_default"] is True  # another internal status: untouched
    assert make_case(db, world.admin).status_id == working["id"]
    r = client.patch(f"{API}/statuses/{working['id']}", json={"is_default": False}, headers=h)
    assert r.status_code == 409
    assert audit_actions(db, "case_status") == ["status.created", "status.updated"]


def test_status_delete_rules(client: TestClient, db: Database, world: World) -> None:
    h = world.admin.headers
    rows = statuses(client, world)
    # the last status of an internal status stays
    r = client.delete(f"{API}/statuses/{rows['Spam']['id']}", headers=h)
    assert r.status_code == 409
    assert "last status" in r.json()["detail"]
    # a status cases are in stays
    waiting = create(client, world.admin, "statuses", {"name": "Waiting", "internal_status": 3})
    make_case(db, world.admin, status_id=waiting["id"])
    r = client.delete(f"{API}/statuses/{waiting['id']}", headers=h)
    assert r.status_code == 409
    assert r.json()["used_by"]["cases"] == 1
    # so does its internal status
    r = client.patch(f"{API}/statuses/{waiting['id']}", json={"internal_status": 1}, headers=h)
    assert r.status_code == 409
    # the default goes only once another is the default
    spare = create(client, world.admin, "statuses", {"name": "Spare", "internal_status": 6})
    r = client.delete(f"{API}/statuses/{rows['Spam']['id']}", headers=h)
    assert r.status_code == 409
    assert "default" in r.json()["detail"]
    client.patch(f"{API}/statuses/{spare['id']}", json={"is_default": True}, headers=h)
    assert client.delete(f"{API}/statuses/{rows['Spam']['id']}", headers=h).status_code == 204


def test_an_unused_status_moves_to_another_internal_status(
    client: TestClient, world: World
) -> None:
    h = world.admin.headers
    extra = create(client, world.admin, "statuses", {"name": "Parked", "internal_status": 8})
    r = client.patch(f"{API}/statuses/{extra['id']}", json={"internal_status": 7}, headers=h)
    assert r.status_code == 200
    assert r.json() == {**extra, "internal_status": 7, "is_default": False}
    r = client.post(f"{API}/statuses", json={"name": "parked", "internal_status": 1}, headers=h)
    assert r.status_code == 409


# --------------------------------------------------------------------------- queues


def test_queues(client: TestClient, db: Database, world: World, outsider: Actor) -> None:
    h = world.admin.headers
    q = create(client, world.admin, "queues", {"name": "Network", "group_id": world.group_b})
    assert q["group_id"] == world.group_b
    assert client.post(f"{API}/queues", json={"name": "NETWORK"}, headers=h).status_code == 409
    theirs = client.get(f"{API}/groups", headers=outsider.headers).json()[0]["id"]
    r = client.patch(f"{API}/queues/{q['id']}", json={"group_id": theirs}, headers=h)
    assert r.status_code == 422
    r = client.patch(f"{API}/queues/{q['id']}", json={"group_id": None}, headers=h)
    assert r.json()["group_id"] is None
    make_case(db, world.admin, queue_id=q["id"])
    r = client.delete(f"{API}/queues/{q['id']}", headers=h)
    assert r.status_code == 409
    assert r.json()["used_by"] == {"cases": 1}


# --------------------------------------------------------------------------- custom fields


def test_custom_fields(client: TestClient, db: Database, world: World) -> None:
    h = world.admin.headers
    impact = create(
        client,
        world.admin,
        "custom-fields",
        {"key": "impact", "label": "Impact", "type": "select", "options": ["low", "high"]},
    )
    assert impact == {
        "id": impact["id"],
        "key": "impact",
        "label": "Impact",
        "type": "select",
        "options": ["low", "high"],
        "required": False,
    }
    body = {"key": "impact", "label": "Again", "type": "text"}
    assert client.post(f"{API}/custom-fields", json=body, headers=h).status_code == 409
    serial = create(
        client, world.admin, "custom-fields", {"key": "serial", "label": "Serial", "type": "text"}
    )
    case = make_case(db, world.admin, custom_fields={"impact": "high"})
    assert case.custom_fields == {"impact": "high"}
    url = f"{API}/custom-fields/{impact['id']}"
    # values on cases stay valid
    assert client.delete(url, headers=h).status_code == 409
    assert client.patch(url, json={"type": "text"}, headers=h).status_code == 409
    r = client.patch(url, json={"options": ["low"]}, headers=h)
    assert r.status_code == 409
    assert "high" in r.json()["detail"]
    r = client.patch(
        url, json={"options": ["low", "high", "medium"], "label": "Business impact"}, headers=h
    )
    assert r.status_code == 200
    assert r.json()["options"] == ["low", "high", "medium"]
    # a field without values changes freely, and options only go with select
    url = f"{API}/custom-fields/{serial['id']}"
    assert client.patch(url, json={"options": ["a"]}, headers=h).status_code == 422
    r = client.patch(url, json={"type": "select", "options": ["a"]}, headers=h)
    assert r.json()["type"] == "select"
    r = client.patch(url, json={"type": "number"}, headers=h)
    assert r.json() == {**serial, "type": "number", "options": None}
    assert client.patch(url, json={"key": "impact"}, headers=h).status_code == 409
    assert client.delete(url, headers=h).status_code == 204
    assert audit_actions(db, "custom_field")[-1] == "custom_field.deleted"
