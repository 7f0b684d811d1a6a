"""Cases opened through any face go through the same triggers: one rule shares them
round robin in a group, whether they come over the native API (its fast path too) or a
dialect."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.services.rules import definitions
from casedesk.services.rules.definitions import RuleIn
from casedesk.services.rules.facts import case_facts
from casedesk.store.db import Database
from casedesk.store.models import Case
from tests.factories import World, make_actor


def test_round_robin_for_cases_from_every_face(
    client: TestClient, db: Database, world: World
) -> None:
    carl = make_actor(db, "carl@acme.test", "agent", ["A"], world.corporation_id)
    definitions.create_rule(
        db,
        world.admin.principal,
        "trigger",
        RuleIn.model_validate(
            {
                "name": "share",
                "events": ["case_created"],
                "actions": [
                    {"type": "set", "field": "group_id", "value": world.group_a},
                    {"type": "assign", "strategy": "round_robin", "group_id": world.group_a},
                ],
            }
        ),
    )
    ids = []
    for title in ("one", "two"):
        r = client.post("/api/v1/cases", json={"title": title}, headers=world.admin.headers)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = client.post(
        "/itflow/api/v1/tickets/create.php",
        params={"api_key": world.admin.token},
        json={"ticket_subject": "three"},
    )
    assert r.status_code == 200, r.text
    ids.append(int(r.json()["data"][0]["ticket_id"]))
    with db.read() as s:
        owners = [case_facts(s, s.get_one(Case, i))["case.assignee_id"] for i in ids]
    first, second = sorted([world.agent_a.user_id, carl.user_id])
    assert owners == [first, second, first]
    r = client.get(f"/api/v1/cases/{ids[0]}", headers=world.admin.headers)
    assert r.json()["assignee_id"] == first
