"""The console's contact page sets a contact's language, and the contact's portal then
speaks it whatever their browser asks for."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database
from tests.services.portal.world import PORTAL_PASSWORD, make_portal_world
from tests.web.console_support import agent_client, csrf, form_token


def test_an_admin_sets_a_contacts_language_and_their_portal_speaks_it(
    settings: Settings, db: Database
) -> None:
    pw = make_portal_world(db)
    admin = agent_client(settings, db, pw.base.admin.email)
    url = f"/console/contacts/{pw.carol.contact_id}"
    page = admin.get(url).text
    assert '<select id="c-language" name="language">' in page

    fields = {"csrf_token": csrf(admin), "first_name": "Carol", "last_name": "Customer"}
    fields |= {"emails": "carol@customer.example", "language": "de"}
    saved = admin.post(url, data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = admin.get(url).text
    assert '<option value="de" selected>Deutsch</option>' in page

    refused = admin.post(url, data=fields | {"language": "xx"}, follow_redirects=False)
    assert refused.status_code == 422
    assert "unknown language" in refused.text

    portal = TestClient(create_app(settings, db), base_url="http://testserver")
    token = form_token(portal.get("/portal/sign-in").text)
    signed_in = portal.post(
        "/portal/sign-in",
        data={"email": "carol@customer.example", "password": PORTAL_PASSWORD, "csrf_token": token},
        headers={"Accept-Language": "en-US"},
    )
    assert signed_in.status_code == 200
    assert "Meine Tickets" in signed_in.text
    assert '<html lang="de">' in signed_in.text
