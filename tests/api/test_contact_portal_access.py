"""A contact's portal access over the native API: a write-only portal password and
whether they see their organization's cases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.factories import World
from tests.web.portal_client import sign_in


def test_a_portal_password_is_write_only_and_lets_the_contact_sign_in(
    client: TestClient, db: Database, world: World
) -> None:
    created = client.post(
        "/api/v1/contacts",
        json={
            "first_name": "Ann",
            "emails": ["ann@northwind.example"],
            "portal_password": "ann's portal pw",
            "sees_organization_cases": True,
        },
        headers=world.admin.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["sees_organization_cases"] is True
    assert body["has_portal_password"] is True
    assert "portal_password" not in body and "password_hash" not in body

    browser = TestClient(client.app)
    assert sign_in(browser, "ann@northwind.example", "ann's portal pw").status_code == 303

    cleared = client.patch(
        f"/api/v1/contacts/{body['id']}",
        json={"portal_password": None, "sees_organization_cases": False},
        headers=world.admin.headers,
    )
    assert cleared.json()["has_portal_password"] is False
    assert cleared.json()["sees_organization_cases"] is False
    assert (
        sign_in(TestClient(client.app), "ann@northwind.example", "ann's portal pw").status_code
        == 401
    )
    with db.read() as s:
        changes = s.scalars(
            select(AuditEntry.changes).where(
                AuditEntry.entity_type == "contact", AuditEntry.entity_id == body["id"]
            )
        ).all()
    assert "ann's portal pw" not in str(changes) and "argon2" not in str(changes)
    assert changes[-1]["portal_password"] == {"from": True, "to": False}


def test_a_short_portal_password_is_refused(client: TestClient, world: World) -> None:
    answer = client.post(
        "/api/v1/contacts",
        json={"first_name": "Ann", "portal_password": "short"},
        headers=world.admin.headers,
    )
    assert answer.status_code in (400, 422)
    assert "portal_password" in answer.text
