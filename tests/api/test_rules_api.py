"""/triggers, /automations, /macros over HTTP: admin-only writes answered in
problem+json, the dry run that changes nothing, and a macro over a selection."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.services.cases import tags
from casedesk.store.db import Database
from casedesk.store.models import Case
from tests.factories import World, make_case

API = "/api/v1"


def tags_of(db: Database, case_id: int) -> list[str]:
    with db.read() as s:
        return tags.names(s, [case_id]).get(case_id, [])


@pytest.mark.parametrize("path", ["triggers", "automations"])
def test_only_admins_write_triggers_and_automations(
    client: TestClient, world: World, path: str
) -> None:
    body = {
        "name": "Tag it",
        "events": ["case_created"],
        "actions": [{"type": "add_tags", "tags": ["x"]}],
    }
    r = client.post(f"{API}/{path}", json=body, headers=world.agent_a.headers)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post(f"{API}/{path}", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    rule = r.json()
    r = client.get(f"{API}/{path}", headers=world.agent_a.headers)
    assert [x["id"] for x in r.json()] == [rule["id"]]
    r = client.patch(
        f"{API}/{path}/{rule['id']}", json={"is_active": False}, headers=world.agent_a.headers
    )
    assert r.status_code == 403
    r = client.patch(
        f"{API}/{path}/{rule['id']}", json={"is_active": False}, headers=world.admin.headers
    )
    assert r.status_code == 200 and r.json()["is_active"] is False
    r = client.delete(f"{API}/{path}/{rule['id']}", headers=world.admin.headers)
    assert r.status_code == 204
    assert client.get(f"{API}/{path}/{rule['id']}", headers=world.admin.headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "wrong"),
    [
        ({"name": "x", "events": [], "actions": []}, "event"),
        ({"name": "x", "events": ["case_created"], "conditions": {"field": "case.nope"}}, "nope"),
        (
            {
                "name": "x",
                "events": ["case_created"],
                "conditions": {"field": "case.title", "op": "matches", "value": "("},
            },
            "regular expression",
        ),
        (
            {"name": "x", "events": ["case_created"], "actions": [{"type": "explode"}]},
            "actions.0.type",
        ),
        (
            {
                "name": "x",
                "events": ["case_created"],
                "actions": [{"type": "set", "field": "priority_id", "value": "high"}],
            },
            "actions[0]",
        ),
        (
            {"name": "x", "events": ["case_created"], "actions": [{"type": "drop"}]},
            "mail_received",
        ),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_stored(
    client: TestClient, world: World, body: dict[str, object], wrong: str
) -> None:
    r = client.post(f"{API}/triggers", json=body, headers=world.admin.headers)
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert wrong in r.text
    assert client.get(f"{API}/triggers", headers=world.admin.headers).json() == []


def test_testing_a_rule_shows_what_would_change_and_changes_nothing(
    client: TestClient, db: Database, world: World
) -> None:
    case = make_case(db, world.admin, title="Server down")
    r = client.post(
        f"{API}/triggers",
        json={
            "name": "Outage",
            "events": ["case_updated"],
            "conditions": {
                "all": [
                    {"field": "case.title", "op": "contains", "value": "down"},
                    {"field": "case.tags", "op": "contains", "value": "outage"},
                ]
            },
            "actions": [{"type": "add_tags", "tags": ["outage"]}],
        },
        headers=world.admin.headers,
    )
    rule = r.json()["id"]
    r = client.post(
        f"{API}/triggers/{rule}/test", json={"case_id": case.id}, headers=world.admin.headers
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["matched"] is False
    assert [c["matched"] for c in answer["conditions"]] == [True, False]
    assert answer["would_change"] == {}
    client.patch(
        f"{API}/triggers/{rule}",
        json={"conditions": {"field": "case.title", "op": "contains", "value": "down"}},
        headers=world.admin.headers,
    )
    r = client.post(
        f"{API}/triggers/{rule}/test", json={"case_id": case.id}, headers=world.admin.headers
    )
    answer = r.json()
    assert answer["matched"] is True
    assert answer["would_change"]["case.tags"] == {"from": [], "to": ["outage"]}
    assert tags_of(db, case.id) == []
    with db.read() as s:
        assert s.get_one(Case, case.id).version == case.version
    r = client.post(
        f"{API}/triggers/{rule}/test", json={"case_id": case.id}, headers=world.agent_a.headers
    )
    assert r.status_code == 403


def test_a_macro_over_a_selection(client: TestClient, db: Database, world: World) -> None:
    r = client.post(
        f"{API}/macros",
        json={
            "name": "Known printer issue",
            "actions": [
                {"type": "add_tags", "tags": ["printer"]},
                {"type": "set", "field": "status", "value": 3},
            ],
            "reply_text": "We know about it and are on it.",
            "group_id": world.group_a,
        },
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    macro = r.json()["id"]
    mine = [make_case(db, world.agent_a, group_id=world.group_a).id for _ in range(2)]
    theirs = make_case(db, world.admin, group_id=world.group_b).id
    r = client.post(
        f"{API}/macros/{macro}/apply",
        json={"case_ids": [*mine, theirs]},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    results = {x["case_id"]: x for x in r.json()}
    assert [results[c]["applied"] for c in mine] == [True, True]
    assert results[theirs]["applied"] is False
    with db.read() as s:
        assert [s.get_one(Case, c).status for c in mine] == [3, 3]
    assert [tags_of(db, c) for c in [*mine, theirs]] == [["printer"], ["printer"], []]
    # an agent of group B does not see group A's macro
    r = client.get(f"{API}/macros", headers=world.agent_b.headers)
    assert r.json() == []
    r = client.post(
        f"{API}/macros/{macro}/apply", json={"case_ids": [theirs]}, headers=world.agent_b.headers
    )
    assert r.status_code == 404


def test_agents_keep_personal_macros(client: TestClient, world: World) -> None:
    body = {"name": "Mine", "personal": True, "actions": [{"type": "add_tags", "tags": ["m"]}]}
    r = client.post(f"{API}/macros", json=body, headers=world.agent_a.headers)
    assert r.status_code == 201, r.text
    assert r.json()["owner_user_id"] == world.agent_a.user_id
    shared = {"name": "Shared", "actions": []}
    assert (
        client.post(f"{API}/macros", json=shared, headers=world.agent_a.headers).status_code == 403
    )
    assert client.get(f"{API}/macros", headers=world.agent_b.headers).json() == []
    assert [
        m["name"] for m in client.get(f"{API}/macros", headers=world.agent_a.headers).json()
    ] == ["Mine"]
