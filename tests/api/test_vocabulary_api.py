"""Note types, activity codes and field labels over the native API, and the rule that a
note names only words that exist."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.factories import World, make_case


def test_a_note_names_only_existing_note_types_and_activity_codes_for_cases(
    client: TestClient, world: World, db: Database
) -> None:
    h = world.admin.headers
    assert (
        client.post("/api/v1/note-types", json={"name": "Resolution"}, headers=h).status_code == 201
    )
    for name, for_cases in (("Install", True), ("Audit", False)):
        r = client.post(
            "/api/v1/activity-codes", json={"name": name, "for_cases": for_cases}, headers=h
        )
        assert r.status_code == 201
    codes = client.get("/api/v1/activity-codes?for_cases=true", headers=h).json()
    assert [c["name"] for c in codes] == ["Install"]
    case = make_case(db, world.admin)
    url = f"/api/v1/cases/{case.id}/messages"
    note = {"visibility": "internal", "body_text": "done", "note_type": "resolution"}
    assert client.post(url, json=note | {"activity_code": "install"}, headers=h).status_code == 201
    wrong = client.post(url, json=note | {"activity_code": "Audit"}, headers=h)
    assert wrong.status_code == 422 and wrong.json()["field"] == "activity_code"
    wrong = client.post(url, json=note | {"note_type": "Nope"}, headers=h)
    assert wrong.status_code == 422 and wrong.json()["field"] == "note_type"


def test_field_labels_are_set_by_managers_and_unique_in_a_scheme(
    client: TestClient, world: World
) -> None:
    h = world.admin.headers
    url = "/api/v1/field-labels/trackit.ticket"
    assert client.get(url, headers=h).json() == {}
    r = client.put(f"{url}/22", json={"label": "Subject"}, headers=h)
    assert r.status_code == 200 and r.json() == {"22": "Subject"}
    assert client.put(f"{url}/7", json={"label": "subject"}, headers=h).status_code == 409
    assert (
        client.put(f"{url}/7", json={"label": "X"}, headers=world.agent_a.headers).status_code
        == 403
    )
    assert client.put(f"{url}/22", json={"label": None}, headers=h).json() == {}
