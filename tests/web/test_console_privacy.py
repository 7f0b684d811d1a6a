"""The data-subject requests on the console's contact page: admins only, with a
confirmation for anonymising and erasing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from casedesk.config import Settings
from casedesk.services.reference.contacts import get_contact
from casedesk.store.db import Database
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def test_an_admin_exports_anonymises_and_erases_from_the_contact_page(
    settings: Settings, db: Database, pw: PortalWorld
) -> None:
    admin = agent_client(settings, db, pw.base.admin.email)
    case = pw.case_for(pw.carol)
    url = f"/console/contacts/{pw.carol.contact_id}"
    page = admin.get(url)
    assert page.status_code == 200 and "Personal data" in page.text
    assert markup_problems(page.text) == []
    token = csrf(admin)

    exported = admin.post(f"{url}/privacy/export", data={"csrf_token": token})
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.content)) as z:
        assert json.loads(z.read("contact.json"))["emails"] == ["carol@customer.example"]

    unconfirmed = admin.post(f"{url}/privacy/anonymise", data={"csrf_token": token})
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.text
    assert get_contact(db, pw.base.admin.principal, pw.carol.contact_id).first_name == "Carol"
    done = admin.post(
        f"{url}/privacy/anonymise",
        data={"csrf_token": token, "confirm": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = admin.get(done.headers["location"])
    assert "personal data was replaced" in after.text and "carol@" not in after.text

    erased = admin.post(
        f"{url}/privacy/erase", data={"csrf_token": token, "confirm": "yes"}, follow_redirects=False
    )
    assert erased.status_code == 303
    assert admin.get(url).status_code == 404
    assert admin.get(f"/console/cases/{case.id}").status_code == 404


def test_an_agent_sees_no_buttons_and_is_refused(
    settings: Settings, db: Database, pw: PortalWorld
) -> None:
    agent = agent_client(settings, db, pw.base.agent_a.email)
    url = f"/console/contacts/{pw.carol.contact_id}"
    assert "Personal data" not in agent.get(url).text
    token = csrf(agent)
    for kind in ("export", "anonymise", "erase"):
        r = agent.post(f"{url}/privacy/{kind}", data={"csrf_token": token, "confirm": "yes"})
        assert r.status_code == 403, kind
    assert get_contact(db, pw.base.admin.principal, pw.carol.contact_id).first_name == "Carol"
    no_token = agent.post(f"{url}/privacy/erase", data={"confirm": "yes"})
    assert no_token.status_code in (400, 403)
