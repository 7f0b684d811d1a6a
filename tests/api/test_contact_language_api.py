"""A contact's language over the API: set, read back, cleared with null; an unknown
language is a 422 naming the field and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.store.db import Database
from tests.services.portal.world import make_portal_world

API = "/api/v1"


def test_a_contacts_language_is_set_read_and_cleared(client: TestClient, db: Database) -> None:
    pw = make_portal_world(db)
    admin = pw.base.admin
    url = f"{API}/contacts/{pw.carol.contact_id}"
    assert client.get(url, headers=admin.headers).json()["language"] is None

    set_de = client.patch(url, json={"language": "de"}, headers=admin.headers)
    assert set_de.status_code == 200, set_de.text
    assert client.get(url, headers=admin.headers).json()["language"] == "de"

    unknown = client.patch(url, json={"language": "klingon"}, headers=admin.headers)
    assert unknown.status_code == 422
    assert "language" in unknown.text
    assert client.get(url, headers=admin.headers).json()["language"] == "de"

    cleared = client.patch(url, json={"language": None}, headers=admin.headers)
    assert cleared.status_code == 200
    assert cleared.json()["language"] is None

    created = client.post(
        f"{API}/contacts",
        json={"first_name": "Dora", "emails": ["dora@customer.example"], "language": "de"},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["language"] == "de"
