"""Replacing a case's followers with a PATCH keeps the ended ones in the history."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.factories import World, make_case


def test_patch_follower_ids_ends_the_others_and_starts_the_new(
    client: TestClient, world: World, db: Database
) -> None:
    case = make_case(db, world.admin, follower_ids=[world.agent_a.user_id])
    url = f"/api/v1/cases/{case.id}"
    r = client.patch(
        url, json={"follower_ids": [world.agent_b.user_id]}, headers=world.admin.headers
    )
    assert r.status_code == 200
    followers = [(m["user_id"], m["active"]) for m in r.json()["members"] if m["role"] == 2]
    assert followers == [(world.agent_a.user_id, False), (world.agent_b.user_id, True)]
    again = client.patch(
        url, json={"follower_ids": [world.agent_b.user_id]}, headers=world.admin.headers
    )
    assert again.json()["version"] == r.json()["version"]
    bad = client.patch(url, json={"follower_ids": [999]}, headers=world.admin.headers)
    assert bad.status_code == 422 and bad.json()["field"] == "follower_ids"
