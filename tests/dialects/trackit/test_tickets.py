"""Track-It! through use: tokens, renamed display names in and out, note rules, paging,
permissions and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from casedesk.domain.errors import Unauthenticated
from casedesk.services.identity.auth import authenticate_token
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from tests.dialects.trackit.support import access_token, make_seed_words, values
from tests.factories import PASSWORD, World, make_actor, make_case

TICKETS = "/trackit/WebApi/tickets"


def test_the_token_endpoint_issues_expiring_bearer_tokens(
    client: TestClient, world: World, db: Database
) -> None:
    url = "/trackit/WebApi/token"
    form = {"grant_type": "password", "username": world.agent_a.email, "password": PASSWORD}
    r = client.post(url, data=form)
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    principal = authenticate_token(db, body["access_token"])
    assert principal.user_id == world.agent_a.user_id
    with pytest.raises(Unauthenticated):
        authenticate_token(db, body["access_token"], now=utcnow() + timedelta(hours=2))
    wrong = client.post(url, data=form | {"password": "nope nope nope"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert (
        client.post(url, data=form | {"grant_type": "code"}).json()["error"]
        == "unsupported_grant_type"
    )
    r = client.get(f"{TICKETS}/1")
    assert r.status_code == 401 and r.json()["success"] is False
    r = client.get(f"{TICKETS}/1", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_renamed_display_names_are_used_in_and_out(
    client: TestClient, world: World, db: Database
) -> None:
    bearer = access_token(client, world.admin.email)
    r = client.put(
        "/api/v1/field-labels/trackit.ticket/22",
        json={"label": "Subject"},
        headers=world.admin.headers,
    )
    assert r.status_code == 200
    created = client.post(
        f"{TICKETS}", json={"Properties": {"Subject": "Mail is down"}}, headers=bearer
    )
    assert created.status_code == 200, created.text
    fields = created.json()["Tickets"]
    assert fields["22"] == {"DisplayName": "Subject", "Value": "Mail is down"}
    ticket_id = fields["1"]["Value"]
    old = client.post(
        f"{TICKETS}/{ticket_id}", json={"Properties": {"Ticket Summary": "x"}}, headers=bearer
    )
    assert old.status_code == 400 and old.json()["field"] == "Ticket Summary"
    by_seq = client.post(
        f"{TICKETS}/{ticket_id}", json={"Properties": {"22": "Mail is up"}}, headers=bearer
    )
    assert by_seq.json()["Tickets"]["22"]["Value"] == "Mail is up"
    native = client.get(f"/api/v1/cases/{ticket_id}", headers=world.admin.headers).json()
    assert native["title"] == "Mail is up"


def test_fields_without_a_column_live_in_custom_fields(client: TestClient, world: World) -> None:
    bearer = access_token(client, world.admin.email)
    props = {"Properties": {"Ticket Summary": "Call me", "Callback Number": "555-1234"}}
    r = client.post(TICKETS, json=props, headers=bearer)
    assert r.status_code == 400 and "callback_number" in r.json()["message"]
    client.post(
        "/api/v1/custom-fields",
        json={"key": "callback_number", "label": "Callback Number", "type": "text"},
        headers=world.admin.headers,
    )
    r = client.post(TICKETS, json=props, headers=bearer)
    assert r.status_code == 200, r.text
    assert values(r.json()["Tickets"])[19] == "555-1234"
    native = client.get(
        f"/api/v1/cases/{r.json()['Tickets']['1']['Value']}", headers=world.admin.headers
    )
    assert native.json()["custom_fields"] == {"callback_number": "555-1234"}


@pytest.mark.parametrize(
    ("properties", "field"),
    [
        ({"Ticket ID": 5}, "Ticket ID"),
        ({"No Such Field": 1}, "No Such Field"),
        ({"Seq_Priority": "high"}, "Seq_Priority"),
        ({"Seq_Priority": 999}, "Seq_Priority"),
        ({"Seq_Requestor": 999}, "Seq_Requestor"),
        ({"Status": "Nope"}, "Status"),
        ({"Expected Due Date & Time": "tomorrow"}, "Expected Due Date & Time"),
        ({"Assigned To Technician": "nobody@acme.test"}, "Assigned To Technician"),
    ],
)
def test_bad_fields_are_400s_naming_them(
    client: TestClient, world: World, properties: dict[str, object], field: str
) -> None:
    bearer = access_token(client, world.admin.email)
    r = client.post(
        TICKETS, json={"Properties": {"Ticket Summary": "x"} | properties}, headers=bearer
    )
    assert r.status_code == 400, r.text
    assert r.json()["success"] is False and r.json()["field"] == field
    assert client.get("/api/v1/cases", headers=world.admin.headers).json()["items"] == []


def test_note_rules(client: TestClient, world: World, db: Database) -> None:
    make_seed_words(client, world)
    client.post(
        "/api/v1/activity-codes",
        json={"name": "Audit", "for_cases": False},
        headers=world.admin.headers,
    )
    bearer = access_token(client, world.admin.email)
    case = make_case(db, world.admin)
    url = f"{TICKETS}/{case.id}/AddNote"
    note = {"Note Type": "Ticket Description", "Activity Code": "Install", "Note": "n"}
    for missing in ("Note Type", "Activity Code", "Note"):
        r = client.post(url, json={k: v for k, v in note.items() if k != missing}, headers=bearer)
        assert r.status_code == 400 and r.json()["field"] == missing
    r = client.post(url, json=note | {"Activity Code": "Audit"}, headers=bearer)
    assert r.status_code == 400 and r.json()["field"] == "Activity Code"
    r = client.post(url, json=note | {"Duration": "10 minutes"}, headers=bearer)
    assert r.status_code == 400 and r.json()["field"] == "Duration"
    r = client.post(url, json=note | {"Duration": "01:02:03", "Private": False}, headers=bearer)
    assert r.status_code == 200
    n = values(r.json()["TicketNote"])
    assert (n[10], n[27]) == (3723, False)
    # A status change whose note is refused changes nothing.
    r = client.post(
        f"{TICKETS}/{case.id}/ChangeStatus",
        json={
            "StatusName": "Escalated",
            "Note": {"Note Type": "Ticket Description", "Activity Code": "Audit"},
        },
        headers=bearer,
    )
    assert r.status_code == 400
    assert (
        client.get(f"/api/v1/cases/{case.id}", headers=world.admin.headers).json()["status_id"]
        == case.status_id
    )


def test_paging_counts_everything_and_zero_means_all(
    client: TestClient, world: World, db: Database
) -> None:
    bearer = access_token(client, world.admin.email)
    case = make_case(db, world.admin)
    for i in range(5):
        client.post(
            f"/api/v1/cases/{case.id}/messages",
            json={"visibility": "internal", "body_text": f"note {i} " + "x" * 20},
            headers=world.admin.headers,
        )
    page = client.get(f"{TICKETS}/{case.id}/Notes/2/3?maxContentLength=6", headers=bearer).json()
    assert page["Count"] == 5 and [values(n)[5] for n in page["TicketNotes"]] == ["note 4"]
    every = client.get(f"{TICKETS}/{case.id}/0/2/Notes", headers=bearer).json()
    assert len(every["TicketNotes"]) == 5
    assert (
        client.get(f"{TICKETS}/{case.id}/Notes/0/0?maxContentLength=-2", headers=bearer).status_code
        == 400
    )


def test_the_seed_permissions_map_onto_the_core(
    client: TestClient, world: World, db: Database
) -> None:
    make_seed_words(client, world)
    make_actor(
        db, "viewer@acme.test", "agent", ["A"], world.corporation_id, ["view_case", "edit_case"]
    )
    bearer = access_token(client, "viewer@acme.test")
    case = make_case(db, world.agent_a)
    base = f"{TICKETS}/{case.id}"
    assert client.get(base, headers=bearer).status_code == 200
    note = {"Note Type": "Ticket Description", "Activity Code": "Install", "Note": "n"}
    assert client.post(f"{base}/AddNote", json=note, headers=bearer).status_code == 403
    assert client.post(f"{base}/Close", json={}, headers=bearer).status_code == 403
    assert client.post(f"{base}/Delete", headers=bearer).status_code == 403
    assert client.get(f"{base}/Attachments/0/0", headers=bearer).status_code == 403
    r = client.post(
        f"{base}/ChangeStatus", json={"StatusName": "Escalated", "Note": note}, headers=bearer
    )
    assert r.status_code == 403
    assert (
        client.get(f"/api/v1/cases/{case.id}", headers=world.admin.headers).json()["version"] == 1
    )
    assert (
        client.post(
            f"{base}/ChangeStatus", json={"StatusName": "Escalated"}, headers=bearer
        ).status_code
        == 200
    )
    assert client.get(f"{TICKETS}/Templates", headers=bearer).status_code == 200


def test_bad_requests_never_fail_the_server(client: TestClient, world: World) -> None:
    bearer = access_token(client, world.admin.email)
    h = bearer | {"content-type": "application/json"}
    assert client.post(TICKETS, content=b"{oops", headers=h).status_code == 400
    assert client.post(TICKETS, json={"Properties": []}, headers=bearer).status_code == 400
    assert client.post(TICKETS, json={}, headers=bearer).status_code == 400
    assert client.get(f"{TICKETS}/abc", headers=bearer).status_code == 400
    assert client.get(f"{TICKETS}/{2**60}", headers=bearer).status_code == 400
    assert client.get(f"{TICKETS}/Note/99", headers=bearer).status_code == 404
    assert (
        client.post(
            f"{TICKETS}/99/ChangeStatus", json={"StatusName": "Open"}, headers=bearer
        ).status_code
        == 404
    )
