"""Helpers for the Track-It! tests: the seed's request examples, the reference rows they
name, and an access token from the token endpoint."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.dialects.conftest import fixture_text
from tests.factories import PASSWORD, World

NBSP = "\u00a0"


def seed_body(name: str) -> dict[str, Any]:
    """A request body of the seed, verbatim. The seed's web page indents one example with
    no-break spaces, which JSON does not count as whitespace; a client copying it gets
    plain spaces, and so does this."""
    data: dict[str, Any] = json.loads(fixture_text("trackit", name).replace(NBSP, " "))
    return data


def seed_path(name: str, ticket_id: int, note_id: int | None = None) -> str:
    """The seed's example URL below ``/trackit``, for our ticket (and note) ids."""
    url = fixture_text("trackit", name).strip().strip(NBSP).strip()
    path = re.sub(r"^.*/(WebApi|WebAPI)/", r"/trackit/\1/", url)
    path = path.replace("/tickets/101", f"/tickets/{ticket_id}")
    if note_id is not None:
        path = path.replace("/Note/1001", f"/Note/{note_id}")
    return path


def access_token(client: TestClient, email: str) -> dict[str, str]:
    r = client.post(
        "/trackit/WebApi/token",
        data={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def make_seed_words(client: TestClient, world: World) -> dict[str, int]:
    """The category, status, note type and activity code the seed's examples name."""
    h = world.admin.headers
    ids = {
        "Applications": client.post("/api/v1/categories", json={"name": "Applications"}, headers=h),
        "Escalated": client.post(
            "/api/v1/statuses", json={"name": "Escalated", "internal_status": 1}, headers=h
        ),
        "Ticket Description": client.post(
            "/api/v1/note-types", json={"name": "Ticket Description"}, headers=h
        ),
        "Install": client.post("/api/v1/activity-codes", json={"name": "Install"}, headers=h),
    }
    for r in ids.values():
        assert r.status_code == 201, r.text
    return {name: r.json()["id"] for name, r in ids.items()}


def values(fields: dict[str, dict[str, Any]]) -> dict[int, Any]:
    """``{seq: value}`` of a Track-It field set, after checking its shape."""
    out: dict[int, Any] = {}
    for key, pair in fields.items():
        assert key.isdigit() and set(pair) == {"DisplayName", "Value"}
        assert pair["Value"] is not None  # nulls are left out
        out[int(key)] = pair["Value"]
    return out
