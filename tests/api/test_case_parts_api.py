"""Sub-resources of a case over HTTP: messages (and the reopen rule they drive),
members with history, tags, links and the history itself."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from casedesk.store.db import Database
from casedesk.store.models import CaseStatus, Contact
from tests.factories import World, make_actor

API = "/api/v1"


def create(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body.setdefault("title", "VPN drops every hour")
    r = client.post(f"{API}/cases", json=body, headers=headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def ok(r: Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def problem(r: Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    return body


def default_status(db: Database, corp: int, internal: int) -> int:
    with db.read() as s:
        return s.scalars(
            select(CaseStatus.id).where(
                CaseStatus.corporation_id == corp,
                CaseStatus.internal_status == internal,
                CaseStatus.is_default.is_(True),
            )
        ).one()


INBOUND = {"visibility": "external", "direction": "inbound", "body_text": "Still broken"}


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize("waiting", [2, 3])
@pytest.mark.parametrize("last_open", [1, 7])
def test_inbound_message_reopens_to_the_last_open_status(
    client: TestClient, db: Database, world: World, waiting: int, last_open: int
) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}"
    ok(client.patch(url, json={"status": last_open}, headers=h))
    before = ok(client.patch(url, json={"status": waiting}, headers=h))
    assert before["external_updated_at"] is None

    msg = ok(client.post(f"{url}/messages", json=INBOUND, headers=h), 201)
    assert (msg["direction"], msg["visibility"], msg["author_user_id"]) == (
        "inbound",
        "external",
        None,
    )

    after = ok(client.get(url, headers=h))
    assert after["status"] == last_open
    assert after["status_id"] == default_status(db, world.corporation_id, last_open)
    assert after["external_updated_at"] == msg["created_at"]
    assert after["closed_at"] is None
    statuses = ok(client.get(f"{url}/history", headers=h))["statuses"]
    expected = [1, 7, waiting, 7] if last_open == 7 else [1, waiting, 1]
    assert [s["internal_status"] for s in statuses] == expected
    assert statuses[-1]["reason"] == "external-update"


@pytest.mark.parametrize("status", [1, 4, 6, 7, 8])
def test_inbound_message_leaves_other_statuses(
    client: TestClient, world: World, status: int
) -> None:
    h = world.admin.headers
    case = create(client, h, status=status)
    url = f"{API}/cases/{case['id']}"
    ok(client.post(f"{url}/messages", json=INBOUND, headers=h), 201)
    after = ok(client.get(url, headers=h))
    assert (after["status"], after["status_id"]) == (case["status"], case["status_id"])
    assert after["external_updated_at"] is not None


def test_agent_messages_set_internal_update_and_first_response(
    client: TestClient, world: World
) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}"

    note = ok(
        client.post(
            f"{url}/messages",
            json={"visibility": "internal", "body_text": "Looking at logs"},
            headers=h,
        ),
        201,
    )
    assert (note["visibility"], note["direction"]) == ("internal", "note")
    after_note = ok(client.get(url, headers=h))
    assert after_note["internal_updated_at"] == note["created_at"]
    assert after_note["first_response_at"] is None

    reply = ok(client.post(f"{url}/messages", json={"body_text": "Please reboot"}, headers=h), 201)
    assert (reply["visibility"], reply["direction"], reply["author_user_id"]) == (
        "external",
        "outbound",
        world.agent_a.user_id,
    )
    chaser = ok(client.post(f"{url}/messages", json={"body_text": "Any luck?"}, headers=h), 201)
    final = ok(client.get(url, headers=h))
    assert final["first_response_at"] == reply["created_at"]
    assert final["internal_updated_at"] == chaser["created_at"]
    assert final["external_updated_at"] is None

    listed = ok(client.get(f"{url}/messages", headers=h))
    assert [m["body_text"] for m in listed] == ["Looking at logs", "Please reboot", "Any luck?"]


def test_inbound_message_from_a_contact(client: TestClient, db: Database, world: World) -> None:
    with db.write() as s:
        contact = Contact(corporation_id=world.corporation_id, first_name="Carla")
        s.add(contact)
        s.flush()
        contact_id = contact.id
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}/messages"
    msg = ok(client.post(url, json=INBOUND | {"contact_id": contact_id}, headers=h), 201)
    assert msg["author_contact_id"] == contact_id
    body = problem(client.post(url, json=INBOUND | {"contact_id": 999_999}, headers=h), 422)
    assert body["field"] == "contact_id"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body_text": ""}, "body_text"),
        ({}, "body_text"),
        ({"body_text": "x", "visibility": "public"}, "visibility"),
        ({"body_text": "x", "visibility": "internal", "direction": "inbound"}, "direction"),
        ({"body_text": "x", "direction": "note"}, "direction"),
        ({"body_text": "x", "duration_seconds": -1}, "duration_seconds"),
        ({"body_text": "x", "sender": "me"}, "sender"),
    ],
)
def test_bad_messages_are_422_naming_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}/messages"
    assert field in problem(client.post(url, json=body, headers=h), 422)["field"]
    assert ok(client.get(url, headers=h)) == []


def test_notes_need_the_add_note_permission(client: TestClient, db: Database, world: World) -> None:
    reader = make_actor(
        db, "reader@acme.test", "agent", ["A"], world.corporation_id, permissions=["view_case"]
    )
    case = create(client, world.agent_a.headers)
    url = f"{API}/cases/{case['id']}/messages"
    problem(client.post(url, json={"body_text": "hi"}, headers=reader.headers), 403)
    assert ok(client.get(url, headers=reader.headers)) == []


# --------------------------------------------------------------------------- members


def test_members_through_the_api_keep_their_history(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}/members"

    ok(client.post(url, json={"role": 1, "user_id": world.agent_a.user_id}, headers=h), 201)
    rows = ok(client.post(url, json={"role": 1, "user_id": world.admin.user_id}, headers=h), 201)
    assert [(m["role"], m["user_id"], m["active"]) for m in rows] == [
        (1, world.agent_a.user_id, False),
        (1, world.admin.user_id, True),
    ]
    assert rows[0]["end_at"] == rows[1]["start_at"]

    ok(client.post(url, json={"role": 2, "user_id": world.agent_a.user_id}, headers=h), 201)
    rows = ok(client.post(url, json={"role": 2, "user_id": world.agent_b.user_id}, headers=h), 201)
    followers = [m["user_id"] for m in rows if m["role"] == 2 and m["active"]]
    assert followers == [world.agent_a.user_id, world.agent_b.user_id]

    again = ok(client.post(url, json={"role": 2, "user_id": world.agent_b.user_id}, headers=h), 201)
    assert again == rows

    rows = ok(client.delete(f"{url}/2/{world.agent_a.user_id}", headers=h))
    assert [m["user_id"] for m in rows if m["role"] == 2 and m["active"]] == [world.agent_b.user_id]
    assert ok(client.get(url, headers=h)) == rows
    got = ok(client.get(f"{API}/cases/{case['id']}", headers=h))
    assert got["assignee_id"] == world.admin.user_id
    assert got["members"] == rows

    actions = [
        e["action"] for e in ok(client.get(f"{API}/cases/{case['id']}/history", headers=h))["audit"]
    ]
    assert actions == ["case.created"] + ["member.added"] * 4 + ["member.ended"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("post", "", {"role": 3, "user_id": 1}, 422, "role"),
        ("post", "", {"role": 1}, 422, "user_id"),
        ("post", "", {"role": 20, "user_id": 1}, 422, "contact_id"),
        ("post", "", {"role": 1, "user_id": 999_999}, 422, "user_id"),
        ("post", "", {"role": 20, "contact_id": 999_999}, 422, "contact_id"),
        ("post", "", {"role": 2, "user_id": 1, "extra": True}, 422, "extra"),
        ("delete", "/2/1", None, 422, "party"),
        ("delete", "/5/1", None, 422, "role"),
    ],
)
def test_bad_member_requests(
    client: TestClient,
    world: World,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
    field: str,
) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}/members"
    r = client.request(method.upper(), url + path, json=body, headers=h)
    assert field in problem(r, status)["field"]
    assert ok(client.get(url, headers=h)) == []


def test_case_fields_and_member_endpoints_agree(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    case = create(
        client, h, assignee_id=world.agent_a.user_id, follower_ids=[world.agent_b.user_id]
    )
    url = f"{API}/cases/{case['id']}"
    ok(client.patch(url, json={"assignee_id": world.admin.user_id}, headers=h))
    rows = ok(client.get(f"{url}/members", headers=h))
    assert [(m["role"], m["user_id"], m["active"]) for m in rows] == [
        (1, world.agent_a.user_id, False),
        (2, world.agent_b.user_id, True),
        (1, world.admin.user_id, True),
    ]
    assert ok(client.patch(url, json={"assignee_id": None}, headers=h))["assignee_id"] is None


# --------------------------------------------------------------------------- tags


def test_tags_are_added_and_removed_one_by_one(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    case = create(client, h)
    url = f"{API}/cases/{case['id']}"
    # A tag keeps its first spelling; any spelling matches it.
    assert ok(client.put(f"{url}/tags/Network", headers=h)) == ["Network"]
    assert ok(client.put(f"{url}/tags/vpn", headers=h)) == ["Network", "vpn"]
    version = ok(client.get(url, headers=h))["version"]
    assert ok(client.put(f"{url}/tags/NETWORK", headers=h)) == ["Network", "vpn"]
    assert ok(client.get(url, headers=h))["version"] == version  # nothing changed
    assert ok(client.get(f"{url}/tags", headers=h)) == ["Network", "vpn"]
    assert ok(client.delete(f"{url}/tags/network", headers=h)) == ["vpn"]
    assert ok(client.delete(f"{url}/tags/absent", headers=h)) == ["vpn"]
    assert ok(client.get(url, headers=h))["tags"] == ["vpn"]
    problem(client.put(f"{url}/tags/{'x' * 101}", headers=h), 422)


# --------------------------------------------------------------------------- links


def test_links_parent_child_and_related(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    a, b, c = (create(client, h, title=t)["id"] for t in ("a", "b", "c"))

    out = ok(
        client.post(f"{API}/cases/{b}/links", json={"kind": "parent", "case_id": a}, headers=h), 201
    )
    assert out["parent_id"] == a
    out = ok(
        client.post(f"{API}/cases/{a}/links", json={"kind": "child", "case_id": c}, headers=h), 201
    )
    assert (out["parent_id"], out["children"]) == (None, [b, c])
    ok(
        client.post(f"{API}/cases/{b}/links", json={"kind": "related", "case_id": c}, headers=h),
        201,
    )
    assert ok(client.get(f"{API}/cases/{c}/links", headers=h))["related"] == [b]
    assert ok(client.get(f"{API}/cases/{c}", headers=h))["parent_id"] == a

    # cycles are refused, wherever they would close
    for case_id, kind, other in (
        (a, "parent", b),
        (a, "parent", c),
        (c, "child", a),
        (a, "child", a),
    ):
        r = client.post(
            f"{API}/cases/{case_id}/links", json={"kind": kind, "case_id": other}, headers=h
        )
        assert problem(r, 422)["field"] == "case_id"
    r = client.patch(f"{API}/cases/{a}", json={"parent_id": c}, headers=h)
    assert problem(r, 422)["field"] == "parent_id"
    assert ok(client.get(f"{API}/cases/{a}", headers=h))["parent_id"] is None

    out = ok(client.delete(f"{API}/cases/{a}/links/child/{b}", headers=h))
    assert out["children"] == [c]
    out = ok(client.delete(f"{API}/cases/{c}/links/related/{b}", headers=h))
    assert out["related"] == []
    problem(client.delete(f"{API}/cases/{c}/links/related/{b}", headers=h), 404)
    problem(client.delete(f"{API}/cases/{b}/links/parent/{c}", headers=h), 404)
    problem(
        client.post(f"{API}/cases/{a}/links", json={"kind": "sibling", "case_id": b}, headers=h),
        422,
    )


# --------------------------------------------------------------------------- history


def test_history_has_the_audit_trail_and_the_status_history(
    client: TestClient, db: Database, world: World
) -> None:
    h = world.agent_a.headers
    case = create(client, h, title="Old title")
    url = f"{API}/cases/{case['id']}"
    ok(client.patch(url, json={"title": "New title", "status": 3}, headers=h))
    ok(client.put(f"{url}/tags/slow", headers=h))
    ok(client.post(f"{url}/messages", json=INBOUND, headers=h), 201)

    history = ok(client.get(f"{url}/history", headers=h))
    audit = history["audit"]
    assert [e["action"] for e in audit] == [
        "case.created",
        "case.updated",
        "case.tags",
        "message.added",
    ]
    assert audit[1]["changes"]["title"] == {"from": "Old title", "to": "New title"}
    assert audit[1]["changes"]["status"] == {"from": 1, "to": 3}
    assert audit[2]["changes"] == {"tags": {"from": [], "to": ["slow"]}}
    assert all(e["actor_user_id"] == world.agent_a.user_id for e in audit)

    corp = world.corporation_id
    statuses = history["statuses"]
    assert [(s["status_id"], s["reason"]) for s in statuses] == [
        (default_status(db, corp, 1), "created"),
        (default_status(db, corp, 3), "manual"),
        (default_status(db, corp, 1), "external-update"),
    ]
    assert statuses[1]["from_status_id"] == statuses[0]["status_id"]
    assert statuses[1]["changed_by_id"] == world.agent_a.user_id
