"""/api/v1/notifications: an assignment made through the API notifies the assignee, who
lists, marks read (one, all) and chooses which kinds go by email; nobody else reaches
the notification, nor the assignee once removed from the case's group."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import World

API = "/api/v1"


def test_an_assignment_through_the_api_notifies_the_assignee(
    client: TestClient, world: World
) -> None:
    r = client.post(
        f"{API}/cases",
        json={"title": "VPN drops", "group_id": world.group_a},
        headers=world.admin.headers,
    )
    case_id = r.json()["id"]
    r = client.get(f"{API}/notifications", headers=world.agent_a.headers)
    assert r.json() == {"unread": 0, "items": []}

    r = client.patch(
        f"{API}/cases/{case_id}",
        json={"assignee_id": world.agent_a.user_id},
        headers=world.admin.headers | {"If-Match": f'"{case_id}-1"'},
    )
    assert r.status_code == 200, r.text
    r = client.get(f"{API}/notifications", headers=world.agent_a.headers)
    body = r.json()
    assert body["unread"] == 1
    [item] = body["items"]
    assert (item["kind"], item["case_id"], item["case_title"], item["read_at"]) == (
        "assigned",
        case_id,
        "VPN drops",
        None,
    )

    r = client.post(f"{API}/notifications/{item['id']}/read", headers=world.agent_b.headers)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post(f"{API}/notifications/{item['id']}/read", headers=world.agent_a.headers)
    assert r.status_code == 200 and r.json()["read_at"] is not None
    r = client.get(f"{API}/notifications?unread=true", headers=world.agent_a.headers)
    assert r.json() == {"unread": 0, "items": []}
    r = client.post(f"{API}/notifications/read-all", headers=world.agent_a.headers)
    assert r.json() == {"marked": 0}


def test_mark_all_read_and_settings(client: TestClient, world: World) -> None:
    for title in ("One", "Two"):
        r = client.post(
            f"{API}/cases",
            json={"title": title, "group_id": world.group_a, "assignee_id": world.agent_a.user_id},
            headers=world.admin.headers,
        )
        assert r.status_code == 201, r.text
    r = client.post(f"{API}/notifications/read-all", headers=world.agent_a.headers)
    assert r.json() == {"marked": 2}
    assert client.get(f"{API}/notifications", headers=world.agent_a.headers).json()["unread"] == 0

    r = client.get(f"{API}/notifications/settings", headers=world.agent_a.headers)
    assert r.json()["email"] == {
        "assigned": True,
        "mentioned": True,
        "replied": True,
        "sla_warning": True,
        "sla_breach": True,
        "escalated": True,
    }
    r = client.put(
        f"{API}/notifications/settings",
        json={"email": {"assigned": False}},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200 and r.json()["email"]["assigned"] is False
    r = client.get(f"{API}/notifications/settings", headers=world.agent_b.headers)
    assert r.json()["email"]["assigned"] is True  # Bob's own choices

    for bad in ({"email": {"lunch": False}}, {"email": {"assigned": "maybe"}}, {"mail": {}}):
        r = client.put(f"{API}/notifications/settings", json=bad, headers=world.agent_a.headers)
        assert r.status_code == 422, bad
        assert r.headers["content-type"].startswith("application/problem+json")
    r = client.get(f"{API}/notifications/settings", headers=world.agent_a.headers)
    assert r.json()["email"]["assigned"] is False  # nothing half-written


def test_removed_from_the_group_the_notification_is_gone(client: TestClient, world: World) -> None:
    r = client.post(
        f"{API}/cases",
        json={"title": "Secret", "group_id": world.group_a, "assignee_id": world.agent_a.user_id},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    [item] = client.get(f"{API}/notifications", headers=world.agent_a.headers).json()["items"]
    r = client.delete(
        f"{API}/groups/{world.group_a}/members/{world.agent_a.user_id}",
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    r = client.get(f"{API}/notifications", headers=world.agent_a.headers)
    assert r.json() == {"unread": 0, "items": []}
    r = client.post(f"{API}/notifications/{item['id']}/read", headers=world.agent_a.headers)
    assert r.status_code == 404
