"""/api/v1/surveys: answers and scores under group segregation, settings for admins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from casedesk.services.surveys import answering, sending
from casedesk.store.db import Database
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.services.surveys.conftest import closed_case_for, enable, requested, token_of


@pytest.fixture
def pw(db: Database, client: TestClient) -> Iterator[PortalWorld]:
    world = make_portal_world(db)
    enable(db, world, cap_days=0)
    yield world
    sending.uninstall()


def _answer(db: Database, pw: PortalWorld, rating: str, title: str) -> int:
    case_id = closed_case_for(db, pw, pw.carol, title)
    answering.answer_by_link(db, token_of(requested(db)[-1]), rating)
    return case_id


def test_answers_and_scores_follow_the_callers_groups(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    _answer(db, pw, "good", "one")
    _answer(db, pw, "bad", "two")
    alice, bob = pw.base.agent_a.headers, pw.base.agent_b.headers
    listed = client.get("/api/v1/surveys", headers=alice).json()
    assert sorted(s["rating"] for s in listed) == ["bad", "good"]
    assert client.get("/api/v1/surveys?rating=bad", headers=alice).json()[0]["rating"] == "bad"
    assert client.get("/api/v1/surveys", headers=bob).json() == []
    one = listed[0]["id"]
    assert client.get(f"/api/v1/surveys/{one}", headers=alice).status_code == 200
    hidden = client.get(f"/api/v1/surveys/{one}", headers=bob)
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")

    scores = client.get("/api/v1/surveys/scores?by=group", headers=alice).json()
    assert scores["tables"][1]["rows"][0] == ["All", 2, 1, 1, 50.0]
    assert client.get("/api/v1/surveys/scores", headers=bob).json()["tables"][1]["rows"] == [
        ["All", 0, 0, 0, None]
    ]
    refused = client.get(f"/api/v1/surveys/scores?group={pw.base.group_a}", headers=bob)
    assert refused.status_code == 404
    assert client.get("/api/v1/reports/satisfaction", headers=alice).status_code == 200
    assert client.get("/api/v1/surveys/scores?by=priority", headers=alice).status_code == 422


def test_settings_are_for_admins(client: TestClient, pw: PortalWorld) -> None:
    admin, alice = pw.base.admin.headers, pw.base.agent_a.headers
    assert client.get("/api/v1/surveys/settings", headers=alice).status_code == 403
    body = {"enabled": True, "on_bad": "notify", "notify_address": "lead@acme.test"}
    saved = client.put("/api/v1/surveys/settings", json=body, headers=admin)
    assert saved.status_code == 200 and saved.json()["on_bad"] == "notify"
    assert client.put("/api/v1/surveys/settings", json=body, headers=alice).status_code == 403
    bad = client.put("/api/v1/surveys/settings", json={"on_bad": "notify"}, headers=admin)
    assert bad.status_code == 422
    assert client.get("/api/v1/surveys/settings", headers=admin).json()["notify_address"] == (
        "lead@acme.test"
    )
