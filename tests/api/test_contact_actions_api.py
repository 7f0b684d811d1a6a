"""/contacts/{id}/merge and /contacts/{id}/portal-link over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.services.cases.core import get_case
from casedesk.store.db import Database
from tests.services.portal.world import add_contact, make_portal_world

API = "/api/v1"


def test_a_duplicate_contact_is_merged_through_the_api(client: TestClient, db: Database) -> None:
    pw = make_portal_world(db)
    admin = pw.base.admin
    dup = add_contact(db, pw.base.corporation_id, "Carol", "carol@home.example", None)
    case = pw.case_for(dup)
    url = f"{API}/contacts/{dup.contact_id}/merge"

    refused = client.post(
        url, json={"into_id": pw.carol.contact_id}, headers=pw.base.agent_a.headers
    )
    assert refused.status_code == 403
    itself = client.post(url, json={"into_id": dup.contact_id}, headers=admin.headers)
    assert itself.status_code == 422
    assert itself.headers["content-type"].startswith("application/problem+json")
    unknown = client.post(url, json={"into_id": 999_999}, headers=admin.headers)
    assert unknown.status_code == 404
    extra = client.post(url, json={"into_id": 1, "x": 1}, headers=admin.headers)
    assert extra.status_code in (400, 422)

    merged = client.post(url, json={"into_id": pw.carol.contact_id}, headers=admin.headers)
    assert merged.status_code == 200, merged.text
    assert merged.json()["case_ids"] == [case.id]
    assert merged.json()["emails"] == ["carol@home.example"]
    assert get_case(db, admin.principal, case.id).contact_id == pw.carol.contact_id
    gone = client.get(f"{API}/contacts/{dup.contact_id}", headers=admin.headers)
    assert gone.status_code == 404
    carol = client.get(f"{API}/contacts/{pw.carol.contact_id}", headers=admin.headers).json()
    assert "carol@home.example" in carol["emails"]


def test_a_portal_link_is_mailed_through_the_api(client: TestClient, db: Database) -> None:
    pw = make_portal_world(db)
    admin = pw.base.admin
    url = f"{API}/contacts/{pw.carol.contact_id}/portal-link"
    sent = client.post(url, json={"action": "reset"}, headers=admin.headers)
    assert sent.status_code == 200 and sent.json() == {"email": "carol@customer.example"}
    carol = client.get(f"{API}/contacts/{pw.carol.contact_id}", headers=admin.headers).json()
    assert carol["has_portal_password"] is False
    bad = client.post(url, json={"action": "wipe"}, headers=admin.headers)
    assert bad.status_code in (400, 422)
    agent = client.post(url, json={}, headers=pw.base.agent_a.headers)
    assert agent.status_code == 403
