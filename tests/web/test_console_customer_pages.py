"""The console's customer pages over HTTP: a new case from a call, the customer panel
beside a case, the contact and organization pages. An agent of group A never sees a
case of group B on any of them, and bad input gets a 4xx page that says why."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.config import Settings
from casedesk.services.attachments.attaching import list_attachments
from casedesk.services.cases import messages
from casedesk.services.cases.core import get_case
from casedesk.services.reference.contacts import (
    ContactPatch,
    get_contact,
    list_contacts,
    update_contact,
)
from casedesk.services.reference.organizations import get_organization
from casedesk.store.db import Database
from casedesk.store.models import Contact, OutboxEvent
from tests.factories import make_case
from tests.services.portal.world import PortalWorld, add_contact, make_portal_world
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


@pytest.fixture
def agent_a(settings: Settings, db: Database, pw: PortalWorld) -> TestClient:
    return agent_client(settings, db, pw.base.agent_a.email)


@pytest.fixture
def admin(settings: Settings, db: Database, pw: PortalWorld) -> TestClient:
    return agent_client(settings, db, pw.base.admin.email)


def _hidden_case(db: Database, pw: PortalWorld) -> int:
    """A case of group B for Carol and her organization: agent A may not see it."""
    return make_case(
        db,
        pw.base.admin,
        title="Group B secret",
        contact_id=pw.carol.contact_id,
        organization_id=pw.organization,
        group_id=pw.base.group_b,
    ).id


def _contact_count(db: Database) -> int:
    with db.read() as s:
        return len(s.scalars(select(Contact.id)).all())


def test_a_call_from_a_new_contact_becomes_a_case_with_a_reply_and_a_file(
    agent_a: TestClient, db: Database, pw: PortalWorld
) -> None:
    assert agent_a.get("/console/cases/new").status_code == 200
    answer = agent_a.post(
        "/console/cases/new",
        data={
            "csrf_token": csrf(agent_a),
            "new_first_name": "Nora",
            "new_last_name": "New",
            "new_email": "nora@customer.example",
            "new_phone": "+44 20 7946 0001",
            "new_organization_id": str(pw.organization),
            "title": "Cannot print invoices",
            "description": "Since the update",
            "origin": "phone",
            "first_reply": "We are on it",
        },
        files=[("files", ("notes.txt", b"call notes", "text/plain"))],
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    case_id = int(answer.headers["location"].rsplit("/", 1)[1])
    agent = pw.base.agent_a.principal
    case = get_case(db, agent, case_id)
    assert (case.origin, case.organization_id, case.group_id) == (
        "phone",
        pw.organization,
        pw.base.group_a,
    )
    contact = get_contact(db, agent, case.contact_id or 0)
    assert contact.emails == ["nora@customer.example"]
    (reply,) = messages.list_messages(db, agent, case_id)
    assert reply.body_text == "We are on it"
    (file,) = list_attachments(db, agent, case_id)
    assert (file.filename, file.message_id) == ("notes.txt", reply.id)


def test_a_refused_new_case_shows_the_form_again_and_writes_nothing(
    agent_a: TestClient, db: Database
) -> None:
    before = _contact_count(db)
    token = csrf(agent_a)
    missing_title = agent_a.post(
        "/console/cases/new",
        data={"csrf_token": token, "new_first_name": "Ghost", "title": "  "},
    )
    assert missing_title.status_code == 422
    assert "give the case a title" in missing_title.text
    assert 'value="Ghost"' in missing_title.text  # what was typed is kept
    bad_email = agent_a.post(
        "/console/cases/new",
        data={"csrf_token": token, "new_email": "not-an-address", "title": "Hello"},
    )
    assert bad_email.status_code == 422 and "not an email address" in bad_email.text
    bad_priority = agent_a.post(
        "/console/cases/new",
        data={"csrf_token": token, "title": "Hello", "priority_id": "99999"},
    )
    assert 400 <= bad_priority.status_code < 500 and "priority" in bad_priority.text
    assert _contact_count(db) == before


def test_the_caller_search_finds_by_phone_and_organization(
    agent_a: TestClient, db: Database, pw: PortalWorld
) -> None:
    update_contact(
        db,
        pw.base.admin.principal,
        pw.carol.contact_id,
        ContactPatch.model_validate({"phones": [{"number": "+1 555 0100"}]}),
    )
    by_phone = agent_a.get("/console/contacts/pick", params={"q": "555 01"})
    assert "Carol Customer" in by_phone.text and "Dave" not in by_phone.text
    by_org = agent_a.get("/console/contacts/pick", params={"q": "customer ltd"})
    assert "Carol Customer" in by_org.text and "Dave Customer" in by_org.text
    assert "Erin" not in by_org.text
    picked = agent_a.get(f"/console/contacts/pick/{pw.carol.contact_id}")
    assert f'name="contact_id" value="{pw.carol.contact_id}"' in picked.text
    assert agent_a.get("/console/contacts/pick/999999").status_code == 404


def test_the_customer_panel_leaves_out_another_groups_cases(
    settings: Settings, agent_a: TestClient, db: Database, pw: PortalWorld
) -> None:
    here = pw.case_for(pw.carol, "Printer jammed")
    pw.case_for(pw.carol, "Scanner broken")
    pw.case_for(pw.dave, "Dave's laptop")
    _hidden_case(db, pw)
    page = agent_a.get(f"/console/cases/{here.id}")
    assert f'hx-get="/console/cases/{here.id}/customer"' in page.text
    panel = agent_a.get(f"/console/cases/{here.id}/customer")
    assert panel.status_code == 200
    assert "Carol Customer" in panel.text and "carol@customer.example" in panel.text
    assert "Scanner broken" in panel.text and "Dave&#39;s laptop" in panel.text
    assert "Group B secret" not in panel.text
    agent_b = agent_client(settings, db, pw.base.agent_b.email)
    assert agent_b.get(f"/console/cases/{here.id}/customer").status_code == 404


def test_contact_and_organization_pages_show_only_the_agents_cases(
    agent_a: TestClient, db: Database, pw: PortalWorld
) -> None:
    pw.case_for(pw.carol, "Printer jammed")
    _hidden_case(db, pw)
    listing = agent_a.get("/console/contacts", params={"q": "carol"})
    assert f'href="/console/contacts/{pw.carol.contact_id}"' in listing.text
    assert "Dave" not in listing.text
    contact = agent_a.get(f"/console/contacts/{pw.carol.contact_id}")
    assert "Printer jammed" in contact.text and "Group B secret" not in contact.text
    assert "Merge a duplicate" not in contact.text  # agents do not manage contacts
    orgs = agent_a.get("/console/organizations", params={"q": "customer"})
    assert "Customer Ltd" in orgs.text
    org = agent_a.get(f"/console/organizations/{pw.organization}")
    assert "Printer jammed" in org.text and "Group B secret" not in org.text
    assert "Carol Customer" in org.text
    assert agent_a.get("/console/contacts/999999").status_code == 404
    assert agent_a.get("/console/organizations/999999").status_code == 404


def test_an_agent_cannot_edit_merge_or_invite(
    agent_a: TestClient, db: Database, pw: PortalWorld
) -> None:
    token = csrf(agent_a)
    url = f"/console/contacts/{pw.carol.contact_id}"
    edit = agent_a.post(url, data={"csrf_token": token, "first_name": "Mallory"})
    assert edit.status_code == 403
    merge = agent_a.post(
        f"{url}/merge",
        data={"csrf_token": token, "into": str(pw.dave.contact_id), "confirm": "yes"},
    )
    assert merge.status_code == 403
    invite = agent_a.post(f"{url}/portal", data={"csrf_token": token, "action": "invite"})
    assert invite.status_code == 403
    assert get_contact(db, pw.base.admin.principal, pw.carol.contact_id).first_name == "Carol"


def test_an_admin_edits_a_contact_and_bad_input_is_a_4xx_page(
    admin: TestClient, db: Database, pw: PortalWorld
) -> None:
    token = csrf(admin)
    url = f"/console/contacts/{pw.carol.contact_id}"
    fields = {
        "csrf_token": token,
        "first_name": "Carol",
        "last_name": "Customer",
        "title": "Office manager",
        "organization_id": str(pw.organization),
        "emails": "carol@customer.example\ncarol@home.example",
        "phones": "+1 555 0100",
    }
    saved = admin.post(url, data=fields, follow_redirects=False)
    assert saved.status_code == 303
    carol = get_contact(db, pw.base.admin.principal, pw.carol.contact_id)
    assert carol.title == "Office manager" and carol.emails[1] == "carol@home.example"
    bad = admin.post(url, data=fields | {"emails": "no address"})
    assert bad.status_code == 422 and "not an email address" in bad.text
    assert "no address" in bad.text  # the form shows what was typed
    taken = admin.post(url, data=fields | {"emails": "dave@customer.example"})
    assert taken.status_code == 409 and "belongs to contact" in taken.text
    unknown_org = admin.post(url, data=fields | {"organization_id": "x"})
    assert unknown_org.status_code == 422
    org_url = f"/console/organizations/{pw.organization}"
    bad_domain = admin.post(
        org_url, data={"csrf_token": token, "name": "Customer Ltd", "domains": "not a domain"}
    )
    assert bad_domain.status_code == 422 and "domain" in bad_domain.text
    renamed = admin.post(
        org_url,
        data={"csrf_token": token, "name": "Customer Group", "domains": "customer.example"},
        follow_redirects=False,
    )
    assert renamed.status_code == 303
    org = get_organization(db, pw.base.admin.principal, pw.organization)
    assert (org.name, org.domains) == ("Customer Group", ["customer.example"])


def test_an_admin_merges_a_duplicate_from_its_page(
    admin: TestClient, db: Database, pw: PortalWorld
) -> None:
    dup = add_contact(db, pw.base.corporation_id, "Carol", "carol@home.example", None)
    case = pw.case_for(dup, "Logged under the duplicate")
    token = csrf(admin)
    url = f"/console/contacts/{dup.contact_id}/merge"
    unconfirmed = admin.post(url, data={"csrf_token": token, "into": "carol@customer.example"})
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.text
    nobody = admin.post(url, data={"csrf_token": token, "into": "x@y.example", "confirm": "yes"})
    assert nobody.status_code == 422 and "no contact" in nobody.text
    itself = admin.post(
        url, data={"csrf_token": token, "into": str(dup.contact_id), "confirm": "yes"}
    )
    assert itself.status_code == 422
    merged = admin.post(
        url,
        data={"csrf_token": token, "into": "carol@customer.example", "confirm": "yes"},
        follow_redirects=False,
    )
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/console/contacts/{pw.carol.contact_id}?done=merged"
    assert get_case(db, pw.base.admin.principal, case.id).contact_id == pw.carol.contact_id
    page = admin.get(merged.headers["location"])
    assert "Logged under the duplicate" in page.text and "merged into this contact" in page.text
    assert [c.id for c in list_contacts(db, pw.base.admin.principal, q="carol")] == [
        pw.carol.contact_id
    ]


def test_an_admin_invites_and_resets_portal_access(
    admin: TestClient, db: Database, pw: PortalWorld
) -> None:
    token = csrf(admin)
    url = f"/console/contacts/{pw.carol.contact_id}/portal"
    for action in ("invite", "reset"):
        answer = admin.post(url, data={"csrf_token": token, "action": action})
        assert answer.status_code == 200 and "sign-in link" in answer.text
    assert not get_contact(db, pw.base.admin.principal, pw.carol.contact_id).has_portal_password
    with db.read() as s:
        sent = s.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.topic == "contact.sign_in_link")
        ).all()
    assert [p["email"] for p in sent] == ["carol@customer.example"] * 2
    wrong = admin.post(url, data={"csrf_token": token, "action": "delete"})
    assert wrong.status_code == 422


def test_the_new_pages_pass_the_markup_checks(
    admin: TestClient, agent_a: TestClient, db: Database, pw: PortalWorld
) -> None:
    case = pw.case_for(pw.carol)
    pages = [
        (agent_a, "/console/cases/new"),
        (agent_a, f"/console/cases/new?contact_id={pw.carol.contact_id}"),
        (agent_a, "/console/contacts"),
        (agent_a, "/console/contacts?q=carol"),
        (admin, f"/console/contacts/{pw.carol.contact_id}"),
        (agent_a, f"/console/contacts/{pw.carol.contact_id}"),
        (agent_a, "/console/organizations"),
        (admin, f"/console/organizations/{pw.organization}"),
        (agent_a, f"/console/cases/{case.id}"),
    ]
    for client, url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert markup_problems(answer.text) == [], url
    token = csrf(agent_a)
    refused = agent_a.post("/console/cases/new", data={"csrf_token": token, "title": ""})
    assert refused.status_code == 422
    assert markup_problems(refused.text) == []
