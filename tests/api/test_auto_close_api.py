"""Auto-close as an API client sees it: a status set to auto-close, the chaser among the
case's messages, a reply that stops the countdown, and the close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from casedesk.services.scheduling.auto_close import run_auto_close
from casedesk.store.db import Database
from tests.factories import World

API = "/api/v1"


def test_chaser_reply_and_close_through_the_api(
    client: TestClient, db: Database, world: World
) -> None:
    h = world.admin.headers
    statuses = client.get(f"{API}/statuses", headers=h).json()
    awaiting = next(st for st in statuses if st["internal_status"] == 3)
    r = client.patch(
        f"{API}/statuses/{awaiting['id']}",
        json={"auto_close_chaser_days": 2, "auto_close_days": 1},
        headers=h,
    )
    assert r.status_code == 200, r.text
    quiet, answered = (
        client.post(f"{API}/cases", json={"title": title}, headers=h).json()["id"]
        for title in ("VPN drops", "Mail bounces")
    )
    for case_id in (quiet, answered):
        client.patch(f"{API}/cases/{case_id}", json={"status": 3}, headers=h)
    now = datetime.now(UTC)

    assert run_auto_close(db, now + timedelta(days=2)) == 2
    for case_id in (quiet, answered):
        chaser = client.get(f"{API}/cases/{case_id}/messages", headers=h).json()[-1]
        assert chaser["is_system"] and chaser["visibility"] == "external"
        assert chaser["direction"] == "outbound" and chaser["author_user_id"] is None

    r = client.post(
        f"{API}/cases/{answered}/messages",
        json={"direction": "inbound", "body_text": "Still bouncing"},
        headers=h,
    )
    assert r.status_code == 201
    assert client.get(f"{API}/cases/{answered}", headers=h).json()["status"] == 1

    assert run_auto_close(db, now + timedelta(days=3)) == 1
    assert client.get(f"{API}/cases/{quiet}", headers=h).json()["status"] == 2
    assert client.get(f"{API}/cases/{answered}", headers=h).json()["status"] == 1
    history = client.get(f"{API}/cases/{quiet}/history", headers=h).json()
    assert history["statuses"][-1]["reason"] == "auto-close"
    assert run_auto_close(db, now + timedelta(days=30)) == 0
