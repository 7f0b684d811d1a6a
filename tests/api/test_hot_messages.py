"""``POST /api/v1/cases/{id}/messages`` through the hot routes answers as FastAPI's
route does: the same messages, the same refusals, and the unusual forms left to it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.api.test_hot_routes import API, blind, plain, same, taken  # noqa: F401
from tests.factories import Actor, World, make_case


def without_ids(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k not in ("id", "created_at")}


def test_adding_a_message_answers_as_fastapi_does(
    client: TestClient,
    plain: TestClient,  # noqa: F811
    db: Database,
    world: World,
    blind: Actor,  # noqa: F811
    taken: list[int],  # noqa: F811
) -> None:
    a = make_case(db, world.agent_a, title="Printer in A").id
    b = make_case(db, world.agent_b, title="Secret in B").id
    bodies: list[dict[str, Any]] = [
        {"body_text": "We are on it"},
        {"body_text": "internal", "visibility": "internal"},
        {"body_text": "from the customer", "direction": "inbound"},
    ]
    for body in bodies:
        url = f"{API}/cases/{a}/messages"
        fast = client.post(url, json=body, headers=world.agent_a.headers)
        slow = plain.post(url, json=body, headers=world.agent_a.headers)
        assert (fast.status_code, slow.status_code) == (201, 201), fast.text
        assert without_ids(fast.json()) == without_ids(slow.json())
        assert fast.headers["content-type"] == slow.headers["content-type"]
        assert "ratelimit" in {h.lower() for h in fast.headers}
    listed = client.get(f"{API}/cases/{a}/messages", headers=world.agent_a.headers).json()
    assert len(listed) == 2 * len(bodies)
    assert taken.count(201) == len(bodies)

    taken.clear()
    refused = [
        (b, {"body_text": "not theirs"}, world.agent_a.headers),  # group B: not found
        (987_654, {"body_text": "x"}, world.agent_a.headers),
        (a, {"body_text": "x"}, blind.headers),  # no permission
        (
            a,
            {"body_text": "x", "visibility": "internal", "direction": "inbound"},
            world.admin.headers,
        ),
        (a, {"body_text": "x", "contact_id": 987_654}, world.admin.headers),
        (a, {"body_text": "x"}, {"Authorization": "Bearer cd_not-a-token"}),
    ]
    for case_id, body, headers in refused:
        status, _, _ = same(
            client, plain, "POST", f"{API}/cases/{case_id}/messages", json=body, headers=headers
        )
        assert status in (401, 403, 404, 422), (case_id, body)
    assert len(taken) == len(refused)

    taken.clear()
    json_type = {"Content-Type": "application/json"}
    for path, content, headers in (
        (f"{API}/cases/{a}/messages", b'{"body_text": ', world.agent_a.headers | json_type),
        (f"{API}/cases/{a}/messages", b'{"body_text": ""}', world.agent_a.headers | json_type),
        (
            f"{API}/cases/{a}/messages",
            b'{"body_text": "x", "bogus": 1}',
            world.agent_a.headers | json_type,
        ),
        (f"{API}/cases/{a}/messages", b'{"body_text": "x"}', world.agent_a.headers),
        (f"{API}/cases/{a}/messages", b'{"body_text": "x"}', json_type),
    ):
        same(client, plain, "POST", path, content=content, headers=headers)
    odd = client.post(
        f"{API}/cases/0{a}/messages", json={"body_text": "x"}, headers=world.agent_a.headers
    )
    assert odd.status_code == 201  # FastAPI reads the id; the hot route leaves it
    assert taken == []
