"""GET /api/v1/reports/{name}: the dashboards' figures as JSON, under the caller's
segregation, and problem+json for bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.services.reports.fixture import History, build

RANGE = {"from": "2026-03-02", "to": "2026-03-06"}


def test_a_report_as_json(db: Database, client: TestClient) -> None:
    history: History = build(db)
    answer = client.get(
        "/api/v1/reports/times",
        params=RANGE | {"by": "channel"},
        headers=history.world.agent_a.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["date_from"], body["date_to"]) == ("2026-03-02", "2026-03-06")
    table = body["tables"][0]
    assert table["columns"][:3] == ["channel", "cases", "first response median"]
    assert table["rows"][0] == ["All", 4, 2100.0, 5400.0, 27000.0, 86400.0]
    volume = client.get(
        "/api/v1/reports/volume",
        params=RANGE | {"period": "week"},
        headers=history.world.admin.headers,
    ).json()
    assert volume["tables"][0]["rows"] == [["2026-03-02", 5, 3, 2]]


def test_another_groups_figures_are_not_found(db: Database, client: TestClient) -> None:
    history = build(db)
    agent = history.world.agent_a.headers
    answer = client.get(
        "/api/v1/reports/volume", params=RANGE | {"group": history.world.group_b}, headers=agent
    )
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    rows = client.get("/api/v1/reports/messages", params=RANGE, headers=agent).json()
    assert [r[0] for r in rows["tables"][0]["rows"]] == ["All", "A"]


def test_bad_input_gets_problem_json(db: Database, client: TestClient) -> None:
    history = build(db)
    admin = history.world.admin.headers
    for path, params in (
        ("/api/v1/reports/volume", {"from": "2026-03-06", "to": "2026-03-02"}),
        ("/api/v1/reports/volume", {"from": "2020-01-01", "to": "2026-03-02"}),
        ("/api/v1/reports/volume", {"from": "yesterday"}),
        ("/api/v1/reports/volume", {"period": "year"}),
        ("/api/v1/reports/nonsense", {}),
    ):
        answer = client.get(path, params=params, headers=admin)
        assert answer.status_code in (404, 422), (path, params, answer.status_code)
        assert answer.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/reports/volume").status_code == 401
