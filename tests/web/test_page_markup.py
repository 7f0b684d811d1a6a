"""The console's and the portal's pages keep the markup rules of ``tests/web/markup.py``
(labels, unique ids, heading order, nothing inline), on a case with a thread."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CasePatch, MessageCreate
from casedesk.store.db import Database
from tests.services.portal.world import make_portal_world
from tests.web.console_support import agent_client
from tests.web.markup import markup_problems
from tests.web.portal_client import sign_in


def test_console_and_portal_pages_are_labelled_ordered_and_have_nothing_inline(
    settings: Settings, db: Database
) -> None:
    world = make_portal_world(db)
    case = world.case_for(world.carol, title="Printer <b>jammed</b>")
    agent = world.base.agent_a.principal
    messages.add_message(db, agent, case.id, MessageCreate(body_text="We are on it"))
    messages.add_message(
        db, agent, case.id, MessageCreate(visibility="internal", body_text="Old model")
    )
    messages.add_message(  # a notification for the list: the customer replied
        db, agent, case.id, MessageCreate(direction="inbound", body_text="Still jammed")
    )
    cases.update_case(
        db, world.base.admin.principal, case.id, CasePatch(assignee_id=world.base.agent_a.user_id)
    )
    anonymous = TestClient(create_app(settings, db))
    console = agent_client(settings, db, world.base.agent_a.email)
    portal = TestClient(create_app(settings, db))
    sign_in(portal, "carol@customer.example")

    pages = [
        (anonymous, "/console/sign-in"),
        (anonymous, "/portal/sign-in"),
        (anonymous, "/portal/sign-in/link"),
        (console, "/console"),
        (console, "/console/cases"),
        (console, "/console/cases?q=printer"),
        (console, f"/console/cases/{case.id}"),
        (console, "/console/canned-responses"),
        (console, "/console/search"),
        (console, "/console/search?q=printer"),
        (console, f"/console/search?q={case.number}"),
        (console, "/console/search?q=carol"),
        (console, "/console/search?q=nothing-like-it"),
        (console, "/console/profile"),
        (console, "/console/security"),
        (console, "/console/reports"),
        (console, "/console/notifications"),
        (portal, "/portal"),
        (portal, "/portal/cases/new"),
        (portal, f"/portal/cases/{case.id}"),
    ]
    for client, url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert markup_problems(answer.text) == [], url
