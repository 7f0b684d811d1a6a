"""A contact in two organizations: each case is for one of them, and two tokens limited
to one organization each see exactly the cases for theirs, on the native API and on
the ITFlow, Case Management and SuperOffice faces. An organization outside the
contact's is refused in each face's own error shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import World

API = "/api/v1"
IT = "/itflow/api/v1/tickets"
CM = "/casemgmt/v2/cases"
SO = "/superoffice/api/v1/Agents/Ticket"


@dataclass
class TwoOrgs:
    contoso: int
    fabrikam: int
    elsewhere: int
    contact: dict[str, Any]
    contoso_token: str
    fabrikam_token: str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def two(client: TestClient, world: World) -> TwoOrgs:
    h = world.admin.headers
    ids = [
        client.post(f"{API}/organizations", json={"name": n}, headers=h).json()["id"]
        for n in ("Contoso", "Fabrikam", "Elsewhere")
    ]
    r = client.post(
        f"{API}/contacts",
        json={"last_name": "Both", "emails": ["both@example.com"], "organization_ids": ids[:2]},
        headers=h,
    )
    assert r.status_code == 201, r.text
    tokens = []
    for org in ids[:2]:
        t = client.post(f"{API}/tokens", json={"organization_id": org}, headers=h)
        assert t.status_code == 201, t.text
        tokens.append(t.json()["token"])
    return TwoOrgs(ids[0], ids[1], ids[2], r.json(), tokens[0], tokens[1])


def case_ids(client: TestClient, token: str) -> list[int]:
    r = client.get(f"{API}/cases", headers=bearer(token))
    assert r.status_code == 200, r.text
    return sorted(c["id"] for c in r.json()["items"])


def open_case(client: TestClient, world: World, two: TwoOrgs, **body: Any) -> dict[str, Any]:
    body = {"title": "Printer", "contact_id": two.contact["id"]} | body
    r = client.post(f"{API}/cases", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    case: dict[str, Any] = r.json()
    return case


def test_a_contact_reads_with_all_their_organizations(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    assert two.contact["organization_id"] == two.contoso
    assert two.contact["organization_ids"] == [two.contoso, two.fabrikam]
    h = world.admin.headers
    r = client.patch(
        f"{API}/contacts/{two.contact['id']}",
        json={"organization_id": two.fabrikam, "organization_ids": [two.contoso, two.fabrikam]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert r.json()["organization_id"] == two.fabrikam
    assert r.json()["organization_ids"] == [two.fabrikam, two.contoso]
    listed = client.get(f"{API}/contacts", params={"organization_id": two.contoso}, headers=h)
    assert [c["id"] for c in listed.json()] == [two.contact["id"]]
    r = client.patch(
        f"{API}/contacts/{two.contact['id']}", json={"organization_ids": [999_999]}, headers=h
    )
    assert r.status_code == 422 and r.json()["field"] == "organization_ids"
    again = client.get(f"{API}/contacts/{two.contact['id']}", headers=h).json()
    assert again["organization_ids"] == [two.fabrikam, two.contoso]  # nothing half-written


def test_the_case_is_for_one_of_the_contacts_organizations(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    assert open_case(client, world, two)["organization_id"] == two.contoso  # the primary
    case = open_case(client, world, two, organization_id=two.fabrikam)
    assert case["organization_id"] == two.fabrikam
    h = world.admin.headers
    r = client.post(
        f"{API}/cases",
        json={"title": "x", "contact_id": two.contact["id"], "organization_id": two.elsewhere},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["field"] == "organization_id"
    url = f"{API}/cases/{case['id']}"
    r = client.patch(url, json={"organization_id": two.contoso}, headers=h)
    assert r.status_code == 200 and r.json()["organization_id"] == two.contoso
    r = client.patch(url, json={"organization_id": two.elsewhere}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "organization_id"
    assert client.get(url, headers=h).json()["organization_id"] == two.contoso


def test_two_limited_tokens_each_see_the_cases_for_their_organization(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    for_contoso = open_case(client, world, two, organization_id=two.contoso)
    for_fabrikam = open_case(client, world, two, organization_id=two.fabrikam)
    assert case_ids(client, two.contoso_token) == [for_contoso["id"]]
    assert case_ids(client, two.fabrikam_token) == [for_fabrikam["id"]]
    r = client.get(f"{API}/cases/{for_fabrikam['id']}", headers=bearer(two.contoso_token))
    assert r.status_code == 404
    # Moving a case to the other organization moves it between the two tokens.
    r = client.patch(
        f"{API}/cases/{for_fabrikam['id']}",
        json={"organization_id": two.contoso},
        headers=world.admin.headers,
    )
    assert r.status_code == 200
    assert case_ids(client, two.contoso_token) == sorted([for_contoso["id"], for_fabrikam["id"]])
    assert case_ids(client, two.fabrikam_token) == []
    # A limited token opens the contact's case for its own organization.
    r = client.post(
        f"{API}/cases",
        json={"title": "Mine", "contact_id": two.contact["id"]},
        headers=bearer(two.fabrikam_token),
    )
    assert r.status_code == 201 and r.json()["organization_id"] == two.fabrikam


def test_itflow_keys_follow_the_case_organization(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    rows = {}
    for org in (two.contoso, two.fabrikam):
        body = {"ticket_subject": "Mail", "ticket_contact_id": two.contact["id"], "client_id": org}
        r = client.post(f"{IT}/create.php", params={"api_key": world.admin.token}, json=body)
        assert r.status_code == 200, r.text
        rows[org] = r.json()["data"][0]
    assert rows[two.fabrikam]["ticket_client_id"] == str(two.fabrikam)
    for org, token in ((two.contoso, two.contoso_token), (two.fabrikam, two.fabrikam_token)):
        data = client.get(f"{IT}/read.php", params={"api_key": token}).json()["data"]
        assert [row["ticket_id"] for row in data] == [rows[org]["ticket_id"]]
    body = {
        "ticket_subject": "Mail",
        "ticket_contact_id": two.contact["id"],
        "client_id": two.elsewhere,
    }
    r = client.post(f"{IT}/create.php", params={"api_key": world.admin.token}, json=body)
    assert r.status_code == 400 and r.json()["success"] == "False"
    assert "organization" in r.json()["message"]


def test_case_management_accounts_follow_the_case_organization(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    for_contoso = open_case(client, world, two, organization_id=two.contoso)
    for_fabrikam = open_case(client, world, two, organization_id=two.fabrikam)
    for case, token, other in (
        (for_contoso, two.contoso_token, for_fabrikam),
        (for_fabrikam, two.fabrikam_token, for_contoso),
    ):
        r = client.get(f"{CM}/{case['id']:08d}", headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["accountNumber"] == f"{case['organization_id']:06d}"
        r = client.get(f"{CM}/{other['id']:08d}", headers=bearer(token))
        assert r.status_code == 400 and r.json()["errors"][0]["code"] == "not-found"


def test_superoffice_shows_the_case_organization_and_refuses_another(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    case = open_case(client, world, two, organization_id=two.fabrikam)
    answers = {
        token: client.post(
            f"{SO}/GetTicketEntity", params={"ticketEntityId": case["id"]}, headers=bearer(token)
        )
        for token in (two.fabrikam_token, two.contoso_token)
    }
    assert answers[two.contoso_token].status_code == 404
    person = answers[two.fabrikam_token].json()["Person"]
    assert (person["ContactId"], person["ContactName"]) == (two.fabrikam, "Fabrikam")
    person = {"PersonId": two.contact["id"], "ContactId": two.contoso}
    body: dict[str, Any] = {"TicketId": case["id"], "Person": person}
    r = client.post(f"{SO}/SaveTicketEntity", json=body, headers=world.admin.headers)
    assert r.status_code == 200, r.text
    now = client.get(f"{API}/cases/{case['id']}", headers=world.admin.headers).json()
    assert now["organization_id"] == two.contoso
    person["ContactId"] = two.elsewhere
    r = client.post(f"{SO}/SaveTicketEntity", json=body, headers=world.admin.headers)
    assert r.status_code == 400 and r.json()["ErrorSource"] == "organization_id"


def test_an_invoice_gathers_the_time_of_the_cases_for_its_organization(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    h = world.admin.headers
    cases = {
        org: open_case(client, world, two, organization_id=org, group_id=world.group_a)["id"]
        for org in (two.contoso, two.fabrikam)
    }
    for case_id in cases.values():
        body = {"duration_seconds": 3600, "hourly_rate": "100", "work_date": "2026-03-02"}
        r = client.post(f"{API}/cases/{case_id}/time-entries", json=body, headers=h)
        assert r.status_code == 201, r.text
    period = {"period_start": "2026-03-01", "period_end": "2026-04-01"}
    for org, case_id in cases.items():
        r = client.get(
            f"{API}/invoices/preview", params={"organization_id": org} | period, headers=h
        )
        assert r.status_code == 200, r.text
        assert [line["case_id"] for line in r.json()["lines"]] == [case_id]


def test_a_contact_in_two_organizations_is_deleted_with_their_memberships(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    h = world.admin.headers
    r = client.delete(f"{API}/contacts/{two.contact['id']}", headers=h)
    assert r.status_code == 204, r.text
    listed = client.get(f"{API}/contacts", params={"organization_id": two.fabrikam}, headers=h)
    assert listed.json() == []


def test_itx_opens_the_case_for_the_tokens_organization_and_refuses_another_contact(
    client: TestClient, world: World, two: TwoOrgs
) -> None:
    itx = "/itx/rest/itxems/case"
    body = {"description": "Through ITX", "entityExtension": {"eeexId": two.contact["id"]}}
    r = client.post(itx, json=body, headers=bearer(two.fabrikam_token))
    assert r.status_code == 200, r.text
    case = client.get(f"{API}/cases/{r.json()['eactId']}", headers=world.admin.headers).json()
    assert case["organization_id"] == two.fabrikam
    only_contoso = client.post(
        f"{API}/contacts",
        json={"last_name": "Contoso only", "organization_ids": [two.contoso]},
        headers=world.admin.headers,
    ).json()
    body = {"description": "Not ours", "entityExtension": {"eeexId": only_contoso["id"]}}
    r = client.post(itx, json=body, headers=bearer(two.fabrikam_token))
    assert r.status_code == 400 and r.json()["field"] == "entityExtension.eeexId"
