"""The Case Management API 2.0 over /casemgmt: the seed's request samples verbatim,
every documented constraint with its 400, status mapping with statusHistory, cancel
(409 once closed or cancelled), errors in one shape, segregation by group, and
agreement with the native API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.dialects.conftest import fixture_text
from tests.factories import Actor, World

CM = "/casemgmt/v2/cases"
API = "/api/v1"


def sample(name: str) -> dict[str, Any]:
    """A request sample as the seed prints it: JSON with a "- " before each member."""
    text = fixture_text(__file__, f"{name}.request.txt")
    plain = re.sub(r"(^|[{\[,])\s*- ", r"\1 ", text, flags=re.MULTILINE)
    value: dict[str, Any] = json.loads(plain)
    return value


def valid_create(**changes: Any) -> dict[str, Any]:
    body = sample("create") | {"code": "0302-0400", "contacts": []}
    body.pop("attachments")
    return body | changes


def create(client: TestClient, actor: Actor, **changes: Any) -> str:
    r = client.post(CM, json=valid_create(**changes), headers=actor.headers)
    assert r.status_code == 200, r.text
    number: str = r.json()["id"]
    return number


def errors_of(r: Any) -> list[dict[str, Any]]:
    assert set(r.json()) == {"errors"}, r.text
    items: list[dict[str, Any]] = r.json()["errors"]
    return items


def test_the_create_sample_is_refused_for_its_code(client: TestClient, world: World) -> None:
    r = client.post(CM, json=sample("create"), headers=world.agent_a.headers)
    assert r.status_code == 400
    assert errors_of(r)[0]["field"] == "code"
    assert "0013-0102" in errors_of(r)[0]["message"]


def test_a_valid_create_reads_back_through_both_apis(client: TestClient, world: World) -> None:
    r = client.post(CM, json=valid_create(), headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"id", "type"} and r.json()["type"] == "CASE"
    number = r.json()["id"]
    assert len(number) == 8
    case = client.get(f"{API}/cases/{int(number)}", headers=world.agent_a.headers).json()
    assert case["code"] == "0302-0400" and case["description"] == "Testing api first approach."
    assert case["primary_reference"] == "eb56893e-b4d3-47c4-b35a-52b62c25032b"
    assert case["secondary_reference"] == "0001"
    assert case["customer_reference"] == "CustomerReference001"
    assert case["occurred_at"] == "2020-05-22T19:23:51Z"
    got = client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()
    assert got["id"] == number and got["status"] == "SUBMITTED"
    assert got["customerReferenceId"] == "CustomerReference001"
    assert got["orderId"] == case["primary_reference"]
    assert got["otherDetails"]["description"] == case["description"]
    assert [h["status"] for h in got["otherDetails"]["statusHistory"]] == ["SUBMITTED"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", got["createdDateTime"])
    by_order = client.get(f"{CM}/{got['orderId']}", headers=world.agent_a.headers).json()
    assert by_order["id"] == number
    notes = client.get(f"{API}/cases/{int(number)}/messages", headers=world.agent_a.headers)
    body = notes.json()[0]["body_text"]
    assert body.startswith("Intake:\n")
    intake = body.removeprefix("Intake:\n")
    assert json.loads(intake)["details"]["documents"]["type"] == "DETAILED"


def test_trouble_codes_answer_trouble(client: TestClient, world: World) -> None:
    r = client.post(
        CM, json=valid_create(code="0000-0000", details=None), headers=world.agent_a.headers
    )
    assert r.json()["type"] == "TROUBLE"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"primaryId": ""}, "primaryId"),
        ({"primaryId": "p" * 101}, "primaryId"),
        ({"customerReferenceId": "c" * 201}, "customerReferenceId"),
        ({"attachments": [{"id": str(i), "name": "f"} for i in range(6)]}, "attachments"),
        ({"code": "0000-0000"}, "details"),
        (
            {"contacts": [{"type": "TECHNICAL", "registeredUsers": ["Nobody Here"]}]},
            "contacts.0.registeredUsers",
        ),
        (
            {"contacts": [{"type": "OTHER", "firstName": "A", "lastName": "B", "details": []}]},
            "contacts.0",
        ),
        ({"occurredDateTime": "yesterday"}, "occurredDateTime"),
    ],
)
def test_constraints_are_400s(
    client: TestClient, world: World, changes: dict[str, Any], field: str
) -> None:
    r = client.post(CM, json=valid_create(**changes), headers=world.agent_a.headers)
    assert r.status_code == 400, r.text
    assert (errors_of(r)[0]["field"] or "").startswith(field)


def test_registered_users_are_contacts(client: TestClient, world: World) -> None:
    c = client.post(
        f"{API}/contacts",
        json={"first_name": "John", "last_name": "Doe", "emails": ["john@example.com"]},
        headers=world.admin.headers,
    ).json()
    body = valid_create(contacts=sample("create")["contacts"])
    r = client.post(CM, json=body, headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    got = client.get(f"{CM}/{r.json()['id']}", headers=world.agent_a.headers).json()
    assert got["contacts"] == sample("create")["contacts"]
    case = client.get(f"{API}/cases/{int(r.json()['id'])}", headers=world.agent_a.headers)
    assert case.json()["contact_id"] == c["id"]


def test_the_modify_sample_refers_to_an_attachment_the_case_does_not_have(
    client: TestClient, world: World
) -> None:
    number = create(client, world.agent_a)
    r = client.patch(f"{CM}/{number}", json=sample("modify"), headers=world.agent_a.headers)
    assert r.status_code == 400
    assert errors_of(r)[0]["field"] == "attachments.0.id"
    body = sample("modify")
    body.pop("attachments")
    r = client.patch(f"{CM}/{number}", json=body, headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["CaseNumber"] == number and result["CaseId"] == str(int(number))
    msgs = client.get(f"{API}/cases/{int(number)}/messages", headers=world.agent_a.headers).json()
    note = next(m for m in msgs if str(m["id"]) == result["CaseNotesId"])
    assert note["body_text"] == "This is a test notes!" and note["visibility"] == "external"
    r = client.patch(
        f"{CM}/{number}",
        json={"text": "inside", "visibility": "INTERNAL"},
        headers=world.agent_a.headers,
    )
    msgs = client.get(f"{API}/cases/{int(number)}/messages", headers=world.agent_a.headers).json()
    assert msgs[-1]["visibility"] == "internal"


def test_cancel_sample_then_409(client: TestClient, world: World) -> None:
    number = create(client, world.agent_a)
    r = client.post(f"{CM}/{number}/cancel", json=sample("cancel"), headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    assert set(r.json()["result"]) == {"CaseId", "CaseNotesId", "CaseNumber"}
    got = client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()
    assert got["status"] == "CANCELLED" and got["otherDetails"]["cancellable"] is False
    assert [h["status"] for h in got["otherDetails"]["statusHistory"]] == ["SUBMITTED", "CANCELLED"]
    case = client.get(f"{API}/cases/{int(number)}", headers=world.agent_a.headers).json()
    assert case["status"] == 2
    r = client.post(f"{CM}/{number}/cancel", json=sample("cancel"), headers=world.agent_a.headers)
    assert r.status_code == 409 and errors_of(r)[0]["code"] == "conflict"


def test_closed_case_cannot_be_cancelled(client: TestClient, world: World) -> None:
    number = create(client, world.agent_a)
    client.patch(f"{API}/cases/{int(number)}", json={"status": 2}, headers=world.agent_a.headers)
    assert client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()["status"] == "CLOSED"
    r = client.post(f"{CM}/{number}/cancel", json={"reason": "late"}, headers=world.agent_a.headers)
    assert r.status_code == 409


def test_status_mapping_is_configurable(client: TestClient, world: World) -> None:
    r = client.post(
        f"{API}/statuses",
        json={"name": "Resolved", "internal_status": 2, "public_status": "RESOLVED"},
        headers=world.admin.headers,
    )
    assert r.status_code == 201, r.text
    number = create(client, world.agent_a)
    client.patch(
        f"{API}/cases/{int(number)}",
        json={"status_id": r.json()["id"]},
        headers=world.agent_a.headers,
    )
    got = client.get(f"{CM}/{number}", headers=world.agent_a.headers).json()
    assert got["status"] == "RESOLVED"


def test_code_table_is_configurable(client: TestClient, world: World) -> None:
    r = client.put(
        f"{API}/case-codes",
        json={"items": [{"code": "0013-0102", "ticket_type": "TROUBLE", "takes_details": True}]},
        headers=world.admin.headers,
    )
    assert r.status_code == 200 and r.json()["is_default"] is False, r.text
    body = sample("create")
    body.pop("attachments")
    body["contacts"] = []
    r = client.post(CM, json=body, headers=world.agent_a.headers)
    assert r.status_code == 200 and r.json()["type"] == "TROUBLE", r.text
    r = client.post(CM, json=valid_create(), headers=world.agent_a.headers)
    assert r.status_code == 400


def test_auth_errors_and_segregation(client: TestClient, world: World) -> None:
    theirs = create(client, world.agent_b)
    r = client.get(f"{CM}/{theirs}")
    assert r.status_code == 401 and errors_of(r)[0]["code"] == "unauthenticated"
    hidden = client.get(f"{CM}/{theirs}", headers=world.agent_a.headers)
    missing = client.get(f"{CM}/99999999", headers=world.agent_a.headers)
    assert hidden.status_code == missing.status_code == 400
    assert errors_of(hidden)[0]["code"] == errors_of(missing)[0]["code"] == "not-found"
    for r in (
        client.patch(f"{CM}/{theirs}", json={"text": "x"}, headers=world.agent_a.headers),
        client.post(f"{CM}/{theirs}/cancel", json={"reason": "x"}, headers=world.agent_a.headers),
    ):
        assert r.status_code == 400 and errors_of(r)[0]["code"] == "not-found"
    r = client.get(f"{CM}/short", headers=world.agent_a.headers)
    assert r.status_code == 400


def test_missing_permission_is_403(client: TestClient, db: Any, world: World) -> None:
    from tests.factories import make_actor

    reader = make_actor(db, "reader@acme.test", "agent", ["A"], world.corporation_id, ["view_case"])
    r = client.post(CM, json=valid_create(), headers=reader.headers)
    assert r.status_code == 403 and errors_of(r)[0]["code"] == "forbidden"
