"""One case, every face: created through ITX, changed through Track-It!, read back
through ITX and the native API; and an agent of another group finds nothing in either
dialect, on any route."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.dialects.trackit.support import access_token, make_seed_words, values
from tests.factories import World, make_case


def test_create_in_itx_change_in_trackit_read_everywhere(client: TestClient, world: World) -> None:
    words = make_seed_words(client, world)
    a = world.agent_a
    created = client.post(
        "/itx/rest/itxems/case",
        json={"description": "VPN drops", "members": [{"role": 1, "user": {"userId": a.user_id}}]},
        headers=a.headers,
    )
    assert created.status_code == 200
    eact_id = created.json()["eactId"]

    bearer = access_token(client, a.email)
    note = {"Note Type": "Ticket Description", "Activity Code": "Install", "Note": "Escalating"}
    r = client.post(
        f"/trackit/WebApi/tickets/{eact_id}/ChangeStatus",
        json={"StatusName": "Escalated", "Note": note | {"Note": ""}},
        headers=bearer,
    )
    assert r.status_code == 200 and values(r.json()["Ticket"])[96] == "Escalated"
    r = client.post(
        f"/trackit/WebAPI/tickets/{eact_id}/AddNote",
        json=note | {"Duration": "00:05:00"},
        headers=bearer,
    )
    assert r.status_code == 200
    ticket = values(
        client.get(f"/trackit/WebApi/tickets/{eact_id}", headers=bearer).json()["Tickets"]
    )
    assert (ticket[22], ticket[10], ticket[67]) == ("VPN drops", a.user_id, a.email)

    itx = client.get(f"/itx/itxems/case/{eact_id}", headers=a.headers).json()
    assert itx["emsStatus"]["emstId"] == words["Escalated"] and itx["status"] == 1
    assert [t["text"] for t in itx["texts"]] == ["Ticket Description: Install", "Escalating"]
    assert itx["seqNo"] == created.json()["seqNo"]

    native = client.get(f"/api/v1/cases/{eact_id}", headers=a.headers).json()
    assert (native["status_id"], native["assignee_id"], native["title"]) == (
        words["Escalated"], a.user_id, "VPN drops",
    )  # fmt: skip
    msgs = client.get(f"/api/v1/cases/{eact_id}/messages", headers=a.headers).json()
    assert [(m["activity_code"], m["duration_seconds"]) for m in msgs] == [
        ("Install", 0),
        ("Install", 300),
    ]
    assert itx["updateTs"] == native["updated_at"].replace("+00:00", "Z")


ITX_ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/itx/rest/itxems/case/{id}", {}),
    ("GET", "/itx/itxems/case/{id}", {}),
    ("POST", "/itx/rest/itxems/case", {"json": {"eactId": "{id}", "description": "taken"}}),
    ("POST", "/itx/itxems/case", {"json": {"eactId": "{id}", "status": 2}}),
    (
        "POST",
        "/itx/rest/core/corefile?tblId=35007&type=3&id={id}",
        {"files": {"files": ("a", b"a")}},
    ),
]
TRACKIT_ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/trackit/WebApi/tickets/{id}", {}),
    ("POST", "/trackit/WebApi/tickets/{id}", {"json": {"Properties": {"Ticket Summary": "x"}}}),
    ("GET", "/trackit/WebApi/tickets/{id}/Attachments/0/0", {}),
    ("GET", "/trackit/WebApi/tickets/{id}/Notes/0/0", {}),
    ("GET", "/trackit/WebApi/tickets/{id}/0/0/Notes", {}),
    ("GET", "/trackit/WebApi/tickets/Note/{note}", {}),
    ("GET", "/trackit/WebApi/tickets/{id}/Assignments/0/0", {}),
    ("POST", "/trackit/WebApi/tickets/{id}/ChangeStatus", {"json": {"StatusName": "Closed"}}),
    (
        "POST",
        "/trackit/WebApi/tickets/{id}/AddNote",
        {"json": {"Note Type": "Ticket Description", "Activity Code": "Install", "Note": "n"}},
    ),
    ("POST", "/trackit/WebApi/tickets/{id}/Close", {"json": {}}),
    ("POST", "/trackit/WebApi/tickets/{id}/Delete", {}),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        for key, number in ids.items():
            if value == f"{{{key}}}":
                return number
            value = value.replace(f"{{{key}}}", str(number))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "kwargs"), ITX_ROUTES + TRACKIT_ROUTES)
def test_a_case_of_another_group_is_not_found_in_both_dialects(
    client: TestClient, world: World, db: Database, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    make_seed_words(client, world)
    hidden = make_case(db, world.agent_b)
    msg = client.post(
        f"/api/v1/cases/{hidden.id}/messages",
        json={"visibility": "internal", "body_text": "secret"},
        headers=world.agent_b.headers,
    ).json()
    ids = {"id": hidden.id, "note": msg["id"]}
    before = client.get(f"/api/v1/cases/{hidden.id}", headers=world.agent_b.headers).json()
    headers = (
        access_token(client, world.agent_a.email)
        if path.startswith("/trackit")
        else world.agent_a.headers
    )
    hidden_r = client.request(method, _fill(path, ids), headers=headers, **_fill(kwargs, ids))
    missing = {"id": 10**9, "note": 10**9}
    missing_r = client.request(
        method, _fill(path, missing), headers=headers, **_fill(kwargs, missing)
    )
    assert hidden_r.status_code == missing_r.status_code == 404
    body, other = hidden_r.json(), missing_r.json()
    if path.startswith("/trackit"):
        assert body["success"] is False and other["success"] is False
    else:
        assert body["error"] == other["error"] == "Not Found"
    after = client.get(f"/api/v1/cases/{hidden.id}", headers=world.agent_b.headers).json()
    assert after == before


def test_itx_search_leaves_out_cases_of_other_groups(
    client: TestClient, world: World, db: Database
) -> None:
    make_case(db, world.agent_b, title="theirs")
    make_case(db, world.agent_a, title="mine")
    page = client.post("/itx/itxems/cases/search", json={}, headers=world.agent_a.headers).json()
    assert [c["description"] for c in page["content"]] == ["mine"] and page["totalElements"] == 1
