"""The layer in front of the routes: requests are counted for the metrics whichever
way they are answered, and the intake checks refuse before any route runs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import World

API = "/api/v1"


def count(client: TestClient, method: str, status: int) -> float:
    text = client.get("/metrics").text
    pattern = rf'casedesk_http_requests_total{{method="{method}",status="{status}"}} (\S+)'
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def test_requests_are_counted_by_method_and_status(client: TestClient, world: World) -> None:
    ok, missing, created = (
        count(client, "GET", 200),
        count(client, "GET", 404),
        count(client, "POST", 201),
    )
    headers = world.agent_a.headers
    case = client.post(f"{API}/cases", json={"title": "Printer"}, headers=headers).json()
    client.get(f"{API}/cases/{case['id']}", headers=headers)  # a hot route
    client.get(f"{API}/cases/{case['id']}/messages", headers=headers)  # a FastAPI route
    client.get(f"{API}/cases/987654", headers=headers)
    assert count(client, "POST", 201) == created + 1
    assert count(client, "GET", 404) == missing + 1
    assert count(client, "GET", 200) >= ok + 2  # and the /metrics reads themselves


def test_intake_refuses_nul_characters_on_every_route(client: TestClient, world: World) -> None:
    headers = world.agent_a.headers
    for method, path, body in (
        ("GET", f"{API}/cases?q=a%00b", None),
        ("POST", f"{API}/cases", b'{"title": "a\\u0000b"}'),
    ):
        r = client.request(
            method, path, content=body, headers=headers | {"Content-Type": "application/json"}
        )
        assert r.status_code == 400 and r.json()["code"] == "nul-character", r.text
