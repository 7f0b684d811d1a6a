"""The console for a contact in several organizations: the contact page lists them and
lets an agent add, remove and choose the primary one; the new case page and the case's
customer panel let the agent choose which of them a case is for; an organization
outside the contact's is refused with a 4xx page and nothing changed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.config import Settings
from casedesk.services.cases.core import get_case
from casedesk.services.reference.contacts import ContactPatch, get_contact, update_contact
from casedesk.store.db import Database
from casedesk.store.models import Organization
from tests.factories import make_case
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


@pytest.fixture
def admin(settings: Settings, db: Database, pw: PortalWorld) -> TestClient:
    return agent_client(settings, db, pw.base.admin.email)


@pytest.fixture
def second(db: Database, pw: PortalWorld) -> int:
    with db.write() as s:
        org = Organization(corporation_id=pw.base.corporation_id, name="Second Ltd")
        s.add(org)
        s.flush()
        return org.id


def _organizations(db: Database, pw: PortalWorld) -> list[int]:
    return get_contact(db, pw.base.admin.principal, pw.carol.contact_id).organization_ids


def test_the_contact_page_adds_removes_and_chooses_the_primary(
    admin: TestClient, db: Database, pw: PortalWorld, second: int
) -> None:
    url = f"/console/contacts/{pw.carol.contact_id}"
    page = admin.get(url)
    assert page.status_code == 200 and "Customer Ltd" in page.text
    assert markup_problems(page.text) == []
    action = f"{url}/organizations"
    r = admin.post(
        action,
        data={"csrf_token": csrf(admin), "action": "add", "organization_id": str(second)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _organizations(db, pw) == [pw.organization, second]
    page = admin.get(url)
    assert "Second Ltd" in page.text and "Make primary" in page.text
    assert markup_problems(page.text) == []
    r = admin.post(
        action,
        data={"csrf_token": csrf(admin), "action": "primary", "organization_id": str(second)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _organizations(db, pw) == [second, pw.organization]
    r = admin.post(
        action,
        data={"csrf_token": csrf(admin), "action": "remove", "organization_id": str(second)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _organizations(db, pw) == [pw.organization]
    refused = admin.post(
        action, data={"csrf_token": csrf(admin), "action": "add", "organization_id": "999999"}
    )
    assert refused.status_code == 422 and "organization 999999 does not exist" in refused.text
    assert markup_problems(refused.text) == []
    refused = admin.post(
        action, data={"csrf_token": csrf(admin), "action": "remove", "organization_id": "x"}
    )
    assert refused.status_code == 422
    assert _organizations(db, pw) == [pw.organization]


def test_the_new_case_page_opens_the_case_for_the_chosen_organization(
    admin: TestClient, db: Database, pw: PortalWorld, second: int
) -> None:
    principal = pw.base.admin.principal
    update_contact(
        db, principal, pw.carol.contact_id, ContactPatch(organization_ids=[pw.organization, second])
    )
    picked = admin.get(f"/console/contacts/pick/{pw.carol.contact_id}")
    assert 'name="organization_id"' in picked.text and "Second Ltd" in picked.text
    page = admin.get(f"/console/cases/new?contact_id={pw.carol.contact_id}")
    assert "Second Ltd" in page.text and markup_problems(page.text) == []
    body = {
        "csrf_token": csrf(admin),
        "contact_id": str(pw.carol.contact_id),
        "title": "For the second one",
        "organization_id": str(second),
    }
    r = admin.post("/console/cases/new", data=body, follow_redirects=False)
    assert r.status_code == 303, r.text
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert get_case(db, principal, case_id).organization_id == second
    with db.write() as s:
        elsewhere = Organization(corporation_id=pw.base.corporation_id, name="Elsewhere")
        s.add(elsewhere)
        s.flush()
        elsewhere_id = elsewhere.id
    refused = admin.post(
        "/console/cases/new", data=body | {"organization_id": str(elsewhere_id), "title": "No"}
    )
    assert refused.status_code == 422 and "organization" in refused.text
    assert markup_problems(refused.text) == []


def test_the_case_panel_moves_the_case_to_another_of_the_contacts_organizations(
    admin: TestClient, db: Database, pw: PortalWorld, second: int
) -> None:
    principal = pw.base.admin.principal
    update_contact(
        db, principal, pw.carol.contact_id, ContactPatch(organization_ids=[pw.organization, second])
    )
    case = make_case(db, pw.base.admin, title="Moves", contact_id=pw.carol.contact_id)
    assert case.organization_id == pw.organization
    panel = admin.get(f"/console/cases/{case.id}/customer")
    assert 'id="case-organization"' in panel.text
    r = admin.post(
        f"/console/cases/{case.id}/organization",
        data={"csrf_token": csrf(admin), "organization_id": str(second), "version": case.version},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200, r.text
    assert get_case(db, principal, case.id).organization_id == second
    moved = get_case(db, principal, case.id)
    r = admin.post(
        f"/console/cases/{case.id}/organization",
        data={"csrf_token": csrf(admin), "organization_id": "999999", "version": moved.version},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422
    assert get_case(db, principal, case.id).organization_id == second
