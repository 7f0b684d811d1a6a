"""ITX create-or-update through real use: members and the seed's JavaScript helpers,
comments, tags, properties, status rules, round trips, bad input and search."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.services.cases.holds import release_expired_holds
from casedesk.store.db import Database
from tests.factories import World

CASE = "/itx/rest/itxems/case"


def post(client: TestClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(CASE, json=body, headers=world.admin.headers)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def seed_helpers(case: dict[str, Any]) -> dict[str, Any]:
    """Run the seed's getAssignedUser / getActiveFollowerMembers on ``case`` with node."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = Path(__file__).with_name("helpers.js")
    done = subprocess.run(
        [node, str(script)], input=json.dumps(case), capture_output=True, text=True, check=True
    )
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def member(role: int, user_id: int) -> dict[str, Any]:
    return {"role": role, "user": {"userId": user_id}}


def test_members_with_history_work_with_the_seed_helpers(client: TestClient, world: World) -> None:
    a, b = world.agent_a.user_id, world.agent_b.user_id
    case = post(client, world, {"description": "Members", "members": [member(1, a), member(2, b)]})
    assert seed_helpers(case) == {"assigned": a, "followers": [b]}
    # Post the case back with the assignee replaced and the follower removed.
    case["members"] = [m for m in case["members"] if m["role"] != 2 and m["endTs"] is None]
    case["members"][0]["user"] = {"userId": b}
    case["members"][0].pop("startTs")
    changed = post(client, world, case)
    assert seed_helpers(changed) == {"assigned": b, "followers": []}
    history = [(m["role"], m["user"]["userId"], m["endTs"] is None) for m in changed["members"]]
    assert sorted(history) == sorted([(1, a, False), (2, b, False), (1, b, True)])
    native = client.get(f"/api/v1/cases/{case['eactId']}", headers=world.admin.headers).json()
    assert native["assignee_id"] == b
    assert seed_helpers({}) == {"assigned": None, "followers": []}


def test_update_by_eact_id_changes_only_what_is_sent(client: TestClient, world: World) -> None:
    case = post(
        client,
        world,
        {
            "description": "Printer",
            "emsTags": [{"name": "hardware"}],
            "onHoldComment": "waiting",
            "texts": [{"text": "first note"}, {"text": "hello customer", "internal": False}],
        },
    )
    assert [(t["text"], t["internal"]) for t in case["texts"]] == [
        ("first note", True), ("hello customer", False),
    ]  # fmt: skip
    updated = post(client, world, {"eactId": case["eactId"], "status": 7})
    assert updated["description"] == "Printer" and updated["status"] == 7
    assert updated["emsTags"] == [{"name": "hardware"}] and updated["onHoldComment"] == "waiting"
    assert updated["emsStatusLastOpen"]["internalStatus"] == 7
    assert any(log["action"] == "case.updated" for log in updated["logs"])
    # Posting back what was read changes nothing and adds no comment twice.
    again = post(client, world, updated)
    assert len(again["texts"]) == 2 and again["updateTs"] == updated["updateTs"]
    native = client.get(f"/api/v1/cases/{case['eactId']}", headers=world.admin.headers).json()
    assert native["tags"] == ["hardware"] and native["status"] == 7


def test_status_wins_over_a_mismatched_ems_status_and_defaults_apply(
    client: TestClient, world: World
) -> None:
    statuses = client.get(
        "/itx/rest/itxems/statuses?type=35013", headers=world.admin.headers
    ).json()
    by_internal = {s["internalStatus"]: s for s in statuses if s["isDefault"]}
    closed = by_internal[2]["emstId"]
    case = post(client, world, {"description": "x", "status": 1, "emsStatus": {"emstId": closed}})
    assert case["emsStatus"]["emstId"] == by_internal[1]["emstId"]
    case = post(client, world, {"description": "y", "emsStatus": {"emstId": closed}})
    assert case["status"] == 2
    case = post(client, world, {"description": "z"})
    assert case["status"] == 1 and case["emsStatus"]["emstId"] == by_internal[1]["emstId"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"entityExtension": {"eeexId": 999}}, "entityExtension.eeexId"),
        ({"emsStatus": {"emstId": 999}}, "emsStatus.emstId"),
        ({"category": {"ctnoId": 999}}, "category.ctnoId"),
        ({"priority": {"emprId": 999}}, "priority.emprId"),
        ({"priority": {"empriId": 999}}, "priority.emprId"),
        ({"queue": {"ucquId": 999}}, "queue.ucquId"),
        ({"corporation": {"corpId": 999}}, "corporation.corpId"),
        ({"members": [{"role": 1, "user": {"userId": 999}}]}, "members"),
        ({"links": [{"type": "parent", "eactId": 999}]}, "links"),
        ({"propValues": [{"name": "nope", "value": 1}]}, "propValues.nope"),
        ({"activityType": 16}, "activityType"),
        ({"status": 9}, "status"),
        ({"members": [{"role": 3}]}, "members.0.role"),
    ],
)
def test_unknown_references_and_bad_values_are_a_400_naming_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    r = client.post(CASE, json={"description": "x"} | body, headers=world.admin.headers)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field
    assert client.get("/api/v1/cases", headers=world.admin.headers).json()["items"] == []


def test_bad_requests_are_400s_in_the_itx_shape(client: TestClient, world: World) -> None:
    h = world.admin.headers
    r = client.post(CASE, content=b"{not json", headers=h | {"content-type": "application/json"})
    assert r.status_code == 400 and set(r.json()) >= {"timestamp", "status", "error", "message"}
    assert client.post(CASE, json={}, headers=h).json()["field"] == "description"
    assert client.post(CASE, json={"eactId": 99}, headers=h).status_code == 404
    r = client.post(CASE, json={"description": "x"})
    assert r.status_code == 401 and r.json()["error"] == "Unauthorized"
    r = client.get("/itx/rest/itxems/statuses?type=1", headers=h)
    assert r.status_code == 400 and r.json()["field"] == "type"


def test_search_filters_and_pages(client: TestClient, world: World) -> None:
    for i in range(5):
        post(client, world, {"description": f"case {i}", "status": 1 if i % 2 else 2})
    url = "/itx/itxems/cases/search"
    r = client.post(url, json={"status": [2], "size": 2}, headers=world.admin.headers)
    assert r.status_code == 200
    page = r.json()
    assert (page["totalElements"], page["totalPages"], len(page["content"])) == (3, 2, 2)
    second = client.post(
        "/itx/rest/itxems/cases/search",
        json={"status": [2], "size": 2, "page": 1},
        headers=world.admin.headers,
    ).json()
    seen = {c["eactId"] for c in page["content"]} | {c["eactId"] for c in second["content"]}
    assert len(seen) == 3
    found = client.post(url, json={"query": "case 3"}, headers=world.admin.headers).json()
    assert [c["description"] for c in found["content"]] == ["case 3"]


def test_reference_lists(client: TestClient, world: World) -> None:
    h = world.admin.headers
    client.post("/api/v1/queues", json={"name": "Phone"}, headers=h)
    parent = client.post("/api/v1/categories", json={"name": "IT"}, headers=h).json()
    client.post("/api/v1/categories", json={"name": "Mail", "parent_id": parent["id"]}, headers=h)
    cats = client.get("/itx/rest/itxems/categories", headers=h).json()
    assert {(c["name"], (c["parent"] or {}).get("ctnoId")) for c in cats} == {
        ("IT", None), ("Mail", parent["id"]),
    }  # fmt: skip
    prios = client.get("/itx/rest/itxems/priorities", headers=h).json()
    assert {p["name"] for p in prios} == {"Low", "Medium", "High"}
    assert [q["name"] for q in client.get("/itx/rest/itxpbx/queue", headers=h).json()] == ["Phone"]
    statuses = client.get("/itx/rest/itxems/statuses?type=35013", headers=h).json()
    assert sorted({s["internalStatus"] for s in statuses}) == list(range(1, 9))


def test_the_seed_status_transitions_show_through_itx(
    client: TestClient, world: World, db: Database
) -> None:
    h = world.admin.headers
    waiting = post(client, world, {"description": "w", "status": 7})
    last_open = waiting["emsStatus"]
    # Closed goes back to emsStatusLastOpen on an incoming update.
    closed = post(client, world, {"eactId": waiting["eactId"], "status": 2})
    assert closed["emsStatusLastOpen"] == last_open
    client.post(
        f"/api/v1/cases/{closed['eactId']}/messages",
        json={"visibility": "external", "direction": "inbound", "body_text": "still broken"},
        headers=h,
    )
    again = client.get(f"{CASE}/{closed['eactId']}", headers=h).json()
    assert again["emsStatus"] == last_open and again["status"] == 7
    # On hold goes back to emsStatusLastOpen once onHoldToTs has passed.
    until = datetime.now(UTC) + timedelta(minutes=5)
    held = post(
        client,
        world,
        {
            "eactId": waiting["eactId"],
            "status": 8,
            "onHoldToTs": until.isoformat(),
            "onHoldComment": "parts",
        },
    )
    assert (held["status"], held["onHoldComment"]) == (8, "parts")
    assert release_expired_holds(db, until + timedelta(seconds=1)) == 1
    assert client.get(f"{CASE}/{held['eactId']}", headers=h).json()["emsStatus"] == last_open
