"""POST /api/v1/cases/{id}/messages/{message_id}/split over HTTP: the message and its
attachments move to a new case that inherits the source's classification, and the two
are linked."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.services.cases.splitting import title_from
from casedesk.store.db import Database
from casedesk.store.models import Category, Contact, Organization, Priority, Queue
from tests.factories import Actor, World, make_actor

API = "/api/v1"


def create(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("title", "Laptop slow and printer jammed")
    r = client.post(f"{API}/cases", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def say(client: TestClient, actor: Actor, case_id: int, text: str) -> dict[str, Any]:
    r = client.post(
        f"{API}/cases/{case_id}/messages",
        json={"direction": "inbound", "body_text": text},
        headers=actor.headers,
    )
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def split(client: TestClient, actor: Actor, case_id: int, message_id: int, body: Any = None) -> Any:
    return client.post(
        f"{API}/cases/{case_id}/messages/{message_id}/split", json=body, headers=actor.headers
    )


@pytest.fixture
def classified(db: Database, world: World) -> dict[str, int]:
    """Reference rows to classify a case with."""
    corp = world.corporation_id
    with db.write() as s:
        rows = {
            "priority_id": Priority(corporation_id=corp, name="Urgent", rank=-5),
            "category_id": Category(corporation_id=corp, name="Hardware"),
            "queue_id": Queue(corporation_id=corp, name="Desk", group_id=world.group_a),
            "organization_id": Organization(corporation_id=corp, name="Globex"),
            "contact_id": Contact(corporation_id=corp, first_name="Carla"),
        }
        s.add_all(rows.values())
        s.flush()
        return {k: v.id for k, v in rows.items()}


def test_split_moves_the_message_and_links_the_cases(
    client: TestClient, world: World, classified: dict[str, int]
) -> None:
    agent = world.agent_a
    h = agent.headers
    source = create(client, agent, group_id=world.group_a, tags=["laptop"], **classified)
    keep = say(client, agent, source["id"], "The laptop takes ages to boot.")
    off = say(client, agent, source["id"], "  \nAlso: the printer on floor 2 jams\nevery time.")
    r = client.post(
        f"{API}/cases/{source['id']}/attachments",
        data={"message_id": str(off["id"])},
        files=[("file", ("jam.txt", b"paper jam", "text/plain"))],
        headers=h,
    )
    assert r.status_code == 201, r.text
    (attachment,) = r.json()

    r = split(client, agent, source["id"], off["id"])
    assert r.status_code == 201, r.text
    new = r.json()
    assert r.headers["location"] == f"/api/v1/cases/{new['id']}"
    assert r.headers["etag"] == f'"{new["id"]}-{new["version"]}"'
    assert new["title"] == "Also: the printer on floor 2 jams"
    assert new["group_id"] == world.group_a
    assert {k: new[k] for k in classified} == classified
    assert new["status"] == 1 and new["number"] == source["number"] + 1
    assert new["tags"] == []

    n, s = f"{API}/cases/{new['id']}", f"{API}/cases/{source['id']}"
    moved = client.get(f"{n}/messages", headers=h).json()
    assert [(m["id"], m["created_at"]) for m in moved] == [(off["id"], off["created_at"])]
    assert [m["id"] for m in client.get(f"{s}/messages", headers=h).json()] == [keep["id"]]
    (arrived,) = client.get(f"{n}/attachments", headers=h).json()
    assert (arrived["id"], arrived["message_id"]) == (attachment["id"], off["id"])
    assert client.get(f"{s}/attachments", headers=h).json() == []
    assert client.get(f"{n}/links", headers=h).json()["related"] == [source["id"]]
    assert client.get(f"{s}/links", headers=h).json()["related"] == [new["id"]]

    audit_new = client.get(f"{n}/history", headers=h).json()["audit"]
    assert [e["action"] for e in audit_new] == ["case.created", "case.split"]
    assert audit_new[0]["changes"]["split_from"] == {"from": None, "to": source["id"]}
    assert audit_new[1]["changes"]["messages.added"] == {"from": None, "to": [off["id"]]}
    assert audit_new[1]["changes"]["attachments.added"] == {"from": None, "to": [attachment["id"]]}
    last = client.get(f"{s}/history", headers=h).json()["audit"][-1]
    assert last["action"] == "case.split"
    assert last["changes"]["messages.removed"] == {"from": [off["id"]], "to": None}

    r = client.get(f"{API}/cases?q=jams", headers=h)
    assert [c["id"] for c in r.json()["items"]] == [new["id"]]


def test_split_takes_a_title(client: TestClient, world: World) -> None:
    source = create(client, world.agent_a)
    message = say(client, world.agent_a, source["id"], "whatever")
    r = split(client, world.agent_a, source["id"], message["id"], {"title": "  Printer jam "})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "Printer jam"
    r = split(client, world.agent_a, source["id"], message["id"], {"title": "x"})
    assert r.status_code == 404  # the message has left this case
    other = say(client, world.agent_a, source["id"], "again")
    r = split(client, world.agent_a, source["id"], other["id"], {"title": ""})
    assert r.status_code == 422 and r.json()["field"].endswith("title")
    r = split(client, world.agent_a, source["id"], other["id"], {"bogus": 1})
    assert r.status_code == 422


def test_a_message_of_another_case_is_not_found(client: TestClient, world: World) -> None:
    agent = world.agent_a
    a, b = create(client, agent), create(client, agent)
    message = say(client, agent, b["id"], "belongs to b")
    r = split(client, agent, a["id"], message["id"])
    missing = split(client, agent, a["id"], 987_654)
    assert r.status_code == missing.status_code == 404
    assert r.json()["code"] == "not-found"
    assert [
        m["id"] for m in client.get(f"{API}/cases/{b['id']}/messages", headers=agent.headers).json()
    ] == [message["id"]]


def test_split_needs_edit_and_create_rights(db: Database, client: TestClient, world: World) -> None:
    source = create(client, world.agent_a)
    message = say(client, world.agent_a, source["id"], "split me")
    editor = make_actor(
        db, "ed@acme.test", "agent", ["A"], world.corporation_id, ["view_case", "edit_case"]
    )
    r = split(client, editor, source["id"], message["id"])
    assert r.status_code == 403 and r.json()["permission"] == "create_case"
    creator = make_actor(
        db, "cr@acme.test", "agent", ["A"], world.corporation_id, ["view_case", "create_case"]
    )
    r = split(client, creator, source["id"], message["id"])
    assert r.status_code == 403 and r.json()["permission"] == "edit_case"
    # a merged case refuses, naming its target
    target = create(client, world.agent_a)
    client.post(
        f"{API}/cases/{source['id']}/merge",
        json={"into_case_id": target["id"]},
        headers=world.agent_a.headers,
    )
    r = split(client, world.agent_a, source["id"], message["id"])
    assert r.status_code == 409 and r.json()["merged_into_id"] == target["id"]


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("First line\nsecond", "First line"),
        ("\n\n   \n  Indented  \n", "Indented"),
        ("x" * 600, "x" * 500),
        ("a" * 499 + " b", "a" * 499),
        ("   \n\t\n", "fallback"),
    ],
)
def test_the_default_title_is_the_first_line(body: str, title: str) -> None:
    assert title_from(body, "fallback") == title
