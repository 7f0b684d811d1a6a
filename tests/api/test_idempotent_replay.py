"""A replayed idempotent create never shows more than the caller may see now: answers
are kept per credential, and a replay re-reads the case through the read path."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from casedesk.services.identity.auth import create_token
from casedesk.store.db import Database
from casedesk.store.models import Organization
from tests.factories import World

API = "/api/v1"
MISSING = 987_654


def shape(r: Response, case_id: int) -> tuple[int, str, dict[str, Any]]:
    """Status, content type and body with ``case_id`` written as a placeholder."""
    body = r.json()
    if isinstance(body.get("detail"), str):
        body["detail"] = body["detail"].replace(str(case_id), "{id}")
    if body.get("case_id") == case_id:
        body["case_id"] = "{id}"
    return r.status_code, r.headers["content-type"], body


def organizations(db: Database, corporation_id: int) -> tuple[int, int]:
    with db.write() as s:
        ours = Organization(corporation_id=corporation_id, name="Customer Ltd")
        theirs = Organization(corporation_id=corporation_id, name="Other Corp")
        s.add_all([ours, theirs])
        s.flush()
        return ours.id, theirs.id


def test_a_token_limited_to_one_organization_cannot_replay_another_tokens_create(
    client: TestClient, db: Database, world: World
) -> None:
    ours, theirs = organizations(db, world.corporation_id)
    _, limited = create_token(db, "admin@acme.test", organization_id=ours)
    limited_h = {"Authorization": f"Bearer {limited}", "Idempotency-Key": "k-1"}
    body = {"title": "Merger talks with Other Corp", "organization_id": theirs}

    # The same user's full token creates a case of the other organization ...
    secret = client.post(
        f"{API}/cases", json=body, headers=world.admin.headers | {"Idempotency-Key": "k-2"}
    )
    assert secret.status_code == 201, secret.text
    # ... and the limited token sending the same request and key gets none of it.
    r = client.post(f"{API}/cases", json=body, headers=limited_h | {"Idempotency-Key": "k-2"})
    assert "Idempotent-Replayed" not in r.headers
    assert secret.json()["id"] != r.json().get("id")
    assert r.status_code in (404, 422), r.text
    assert "Merger talks" not in r.text, r.text

    # A request without an organization: the full token's case has none, the limited
    # token's is its organization's, a case of its own.
    plain = {"title": "Printer jam"}
    mine = client.post(
        f"{API}/cases", json=plain, headers=world.admin.headers | {"Idempotency-Key": "k-3"}
    )
    assert mine.status_code == 201 and mine.json()["organization_id"] is None
    r = client.post(f"{API}/cases", json=plain, headers=limited_h | {"Idempotency-Key": "k-3"})
    assert r.status_code == 201, r.text
    assert "Idempotent-Replayed" not in r.headers
    assert r.json()["id"] != mine.json()["id"]
    assert r.json()["organization_id"] == ours
    # Each credential still replays its own answer.
    again = client.post(f"{API}/cases", json=plain, headers=limited_h | {"Idempotency-Key": "k-3"})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == r.json()


def test_a_user_who_lost_the_group_gets_the_missing_case_answer_on_replay(
    client: TestClient, world: World
) -> None:
    h = world.agent_a.headers | {"Idempotency-Key": "retry-me"}
    body = {"title": "Salary review of the team"}
    first = client.post(f"{API}/cases", json=body, headers=h)
    assert first.status_code == 201, first.text
    case_id = first.json()["id"]
    assert client.post(f"{API}/cases", json=body, headers=h).status_code == 201

    r = client.delete(
        f"{API}/groups/{world.group_a}/members/{world.agent_a.user_id}",
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text

    replay = client.post(f"{API}/cases", json=body, headers=h)
    missing = client.get(f"{API}/cases/{MISSING}", headers=world.agent_a.headers)
    assert "Salary review" not in replay.text
    assert shape(replay, case_id) == shape(missing, MISSING)
    assert "Idempotent-Replayed" not in replay.headers
    assert "ETag" not in replay.headers and "Location" not in replay.headers


def test_a_replay_from_a_template_is_checked_the_same_way(client: TestClient, world: World) -> None:
    r = client.post(
        f"{API}/templates",
        json={"name": "Payroll", "fields": {"title": "Payroll run"}},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    url = f"{API}/templates/{r.json()['id']}/cases"
    h = world.agent_a.headers | {"Idempotency-Key": "from-template"}
    first = client.post(url, json={"group_id": world.group_a}, headers=h)
    assert first.status_code == 201, first.text
    case_id = first.json()["id"]

    client.delete(
        f"{API}/groups/{world.group_a}/members/{world.agent_a.user_id}",
        headers=world.admin.headers,
    )
    replay = client.post(url, json={"group_id": world.group_a}, headers=h)
    missing = client.get(f"{API}/cases/{MISSING}", headers=world.agent_a.headers)
    assert shape(replay, case_id) == shape(missing, MISSING)
