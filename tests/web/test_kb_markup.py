"""The knowledge base's pages keep the markup rules of ``tests/web/markup.py`` (labels,
unique ids, heading order, nothing inline), in the portal and in the console."""

from __future__ import annotations

from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.knowledge import feedback, public
from casedesk.services.knowledge.schemas import FeedbackIn
from casedesk.store.db import Database
from tests.services.knowledge.helpers import make_article, make_category, translate
from tests.services.portal.world import make_portal_world
from tests.web.console_support import agent_client
from tests.web.markup import markup_problems
from tests.web.portal_client import sign_in


def test_knowledge_base_pages_are_labelled_ordered_and_have_nothing_inline(
    settings: Settings, db: Database
) -> None:
    world = make_portal_world(db)
    admin = world.base.admin.principal
    category = make_category(db, admin)
    article = make_article(db, admin, category, body="# Steps\n\n1. Open the *tray*")
    translate(db, admin, article.id, "de", "Drucker druckt nicht", "Fach öffnen.")
    tid = article.translations[0].id
    reader = public.visitor(db)
    feedback.record_deflection(db, reader, tid)
    feedback.give_feedback(db, reader, tid, FeedbackIn(helpful=False, comment="Meh"))
    anonymous = TestClient(create_app(settings, db))
    editor = agent_client(settings, db, world.base.admin.email)
    agent = agent_client(settings, db, world.base.agent_a.email)
    portal = TestClient(create_app(settings, db))
    sign_in(portal, "carol@customer.example")
    pages = [
        (anonymous, "/portal/kb/en"),
        (anonymous, "/portal/kb/en/printing"),
        (anonymous, "/portal/kb/en/printing/printer-does-not-print"),
        (anonymous, "/portal/kb/en/search?q=printer"),
        (anonymous, "/portal/kb/en/search?q=nothing"),
        (portal, "/portal/kb/de/printing/drucker-druckt-nicht"),
        (portal, "/portal/cases/new/solved"),
        (agent, "/console/kb"),
        (agent, "/console/kb?q=printer"),
        (agent, f"/console/kb/translations/{tid}"),
        (agent, f"/console/kb/translations/{tid}/versions"),
        (editor, f"/console/kb/translations/{tid}"),
        (editor, "/console/kb/new"),
        (editor, "/console/kb/categories"),
        (editor, "/console/kb/insights"),
    ]
    for client, url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert markup_problems(answer.text) == [], url
