"""POST /api/v1/cases/{id}/merge over HTTP: everything of the merged case arrives at the
target, the merged case refuses updates naming it, and refused merges change nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Actor, World

API = "/api/v1"


def create(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("title", "VPN drops every hour")
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


def merge(client: TestClient, actor: Actor, case_id: int, into: int) -> Any:
    return client.post(
        f"{API}/cases/{case_id}/merge", json={"into_case_id": into}, headers=actor.headers
    )


def test_merge_brings_messages_attachments_followers_and_tags(
    client: TestClient, world: World
) -> None:
    agent = world.agent_a
    h = agent.headers
    source = create(client, agent, follower_ids=[agent.user_id], tags=["vpn", "home"])
    target = create(client, agent, title="VPN unstable", tags=["vpn"])
    message = say(client, agent, source["id"], "tunnel resets at 14:00 sharp")
    r = client.post(
        f"{API}/cases/{source['id']}/attachments",
        data={"message_id": str(message["id"])},
        files=[("file", ("trace.txt", b"trace", "text/plain"))],
        headers=h,
    )
    assert r.status_code == 201, r.text
    (attachment,) = r.json()

    r = merge(client, agent, source["id"], target["id"])
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["merged_into_id"]) == (5, target["id"])

    t = f"{API}/cases/{target['id']}"
    moved = client.get(f"{t}/messages", headers=h).json()
    assert [(m["id"], m["created_at"]) for m in moved] == [(message["id"], message["created_at"])]
    (arrived,) = client.get(f"{t}/attachments", headers=h).json()
    assert (arrived["id"], arrived["message_id"]) == (attachment["id"], message["id"])
    assert client.get(f"{t}/attachments/{attachment['id']}/content", headers=h).content == b"trace"
    view = client.get(t, headers=h).json()
    assert view["tags"] == ["home", "vpn"]
    assert [(m["role"], m["user_id"]) for m in view["members"] if m["active"]] == [
        (2, agent.user_id)
    ]
    assert client.get(f"{t}/links", headers=h).json()["merged_from"] == [source["id"]]
    s = f"{API}/cases/{source['id']}"
    assert client.get(f"{s}/links", headers=h).json()["merged_into_id"] == target["id"]
    assert client.get(f"{s}/messages", headers=h).json() == []
    assert client.get(f"{s}/attachments", headers=h).json() == []


def test_search_finds_the_target_by_a_moved_message(client: TestClient, world: World) -> None:
    agent = world.agent_a
    source, target = create(client, agent), create(client, agent, title="Other words")
    say(client, agent, source["id"], "the flux capacitor overheats")
    assert merge(client, agent, source["id"], target["id"]).status_code == 200
    r = client.get(f"{API}/cases?q=capacitor", headers=agent.headers)
    assert [c["id"] for c in r.json()["items"]] == [target["id"]]


def test_the_merged_case_refuses_updates_naming_the_target(
    client: TestClient, world: World
) -> None:
    agent = world.agent_a
    source, target = create(client, agent), create(client, agent)
    assert merge(client, agent, source["id"], target["id"]).status_code == 200
    r = client.patch(f"{API}/cases/{source['id']}", json={"title": "x"}, headers=agent.headers)
    assert r.status_code == 409
    assert r.json()["code"] == "case-merged"
    assert r.json()["merged_into_id"] == target["id"]
    assert f"case {target['id']}" in r.json()["detail"]


def test_merging_back_is_a_cycle_and_changes_nothing(client: TestClient, world: World) -> None:
    agent = world.agent_a
    a, b = create(client, agent), create(client, agent)
    say(client, agent, a["id"], "still mine")
    assert merge(client, agent, b["id"], a["id"]).status_code == 200
    before = client.get(f"{API}/cases/{a['id']}", headers=agent.headers).json()

    r = merge(client, agent, a["id"], b["id"])
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "cycle" in r.json()["detail"] and r.json()["field"] == "into_case_id"
    assert client.get(f"{API}/cases/{a['id']}", headers=agent.headers).json() == before
    assert len(client.get(f"{API}/cases/{a['id']}/messages", headers=agent.headers).json()) == 1


def test_a_target_of_another_group_is_refused_like_a_missing_one(
    client: TestClient, world: World
) -> None:
    mine = create(client, world.agent_a)
    say(client, world.agent_a, mine["id"], "private words")
    theirs = create(client, world.agent_b)
    hidden = merge(client, world.agent_a, mine["id"], theirs["id"])
    missing = merge(client, world.agent_a, mine["id"], 987_654)
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["detail"].replace(str(theirs["id"]), "X") == missing.json()[
        "detail"
    ].replace("987654", "X")
    # nothing moved to the hidden case
    assert (
        client.get(f"{API}/cases/{theirs['id']}/messages", headers=world.agent_b.headers).json()
        == []
    )
    # the other group's agent cannot merge into this group's case either: 404 for theirs
    r = merge(client, world.agent_b, mine["id"], theirs["id"])
    assert r.status_code == 404
