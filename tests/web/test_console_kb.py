"""The console's knowledge-base pages over HTTP: an editor writes, previews, translates,
publishes and archives; versions show who changed what; agents without the permission
read but cannot write; the composer's picker and a case's answer made into a draft."""

from __future__ import annotations

import io

from casedesk.config import Settings
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.knowledge import articles, categories, desk, feedback, public
from casedesk.services.knowledge.schemas import FeedbackIn
from casedesk.store.db import Database
from tests.factories import make_case, make_world
from tests.services.knowledge.helpers import make_article, make_category
from tests.web.console_support import agent_client, csrf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_an_editor_writes_previews_translates_publishes_and_sees_versions(
    settings: Settings, db: Database
) -> None:
    world = make_world(db)
    client = agent_client(settings, db, world.admin.email)
    token = csrf(client)
    made = client.post("/console/kb/categories", data={"name": "Printing", "csrf_token": token})
    assert made.status_code == 200 and "Printing" in made.text
    category_id = categories.list_categories(db, world.admin.principal)[0].id
    created = client.post(
        "/console/kb/new",
        data={
            "category_id": str(category_id),
            "language": "en",
            "visibility": "public",
            "title": "Paper jam",
            "body": "Open **tray 2**. <script>alert(1)</script>",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    edit_url = created.headers["location"]
    page = client.get(edit_url)
    assert "<strong>tray 2</strong>" in page.text and "<script>alert" not in page.text
    preview = client.post(
        "/console/kb/preview",
        data={"body": "# Hello <img src=x onerror=alert(1)>"},
        headers={"X-CSRF-Token": token},
    )
    assert "<h1>Hello" in preview.text and "onerror" not in preview.text
    tid = int(edit_url.rsplit("/", 1)[1])
    client.post(f"{edit_url}/status", data={"status": "published", "csrf_token": token})
    article_id = articles.get_translation(db, world.admin.principal, tid).article_id
    added = client.post(
        f"/console/kb/articles/{article_id}/translations",
        data={
            "language": "de",
            "title": "Papierstau",
            "body": "Fach 2 öffnen.",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    german_url = added.headers["location"]
    client.post(f"{german_url}/status", data={"status": "published", "csrf_token": token})
    versions = client.get(f"{edit_url}/versions")
    assert versions.status_code == 200
    assert versions.text.count("<td>admin</td>") == 2  # created, published: by whom
    assert "Papierstau" in client.get("/console/kb", params={"q": "papier"}).text
    client.post(f"{edit_url}/status", data={"status": "archived", "csrf_token": token})
    assert articles.get_translation(db, world.admin.principal, tid).status == "archived"


def test_files_are_shown_to_agents_and_agents_without_the_permission_only_read(
    settings: Settings, db: Database
) -> None:
    world = make_world(db)
    admin = world.admin.principal
    article = make_article(db, admin, make_category(db, admin), visibility="internal")
    tid = article.translations[0].id
    editor = agent_client(settings, db, world.admin.email)
    uploaded = editor.post(
        f"/console/kb/articles/{article.id}/files",
        data={"back": str(tid), "csrf_token": csrf(editor)},
        files={"files": ("plan.png", io.BytesIO(PNG), "image/png")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    page = editor.get(f"/console/kb/translations/{tid}")
    assert "kbfile:" in page.text
    agent = agent_client(settings, db, world.agent_a.email)
    read = agent.get(f"/console/kb/translations/{tid}")
    assert read.status_code == 200 and "Turn the printer off" in read.text
    assert 'action="/console/kb/translations' not in read.text  # no editing form
    refused = agent.post(
        f"/console/kb/translations/{tid}/status",
        data={"status": "archived", "csrf_token": csrf(agent)},
    )
    assert refused.status_code == 403
    assert articles.get_translation(db, admin, tid).status == "published"
    files = desk.list_files(db, admin, article.id)
    assert agent.get(f"/console/kb/files/{files[0].id}/plan.png").content == PNG


def test_insights_list_what_deflects_and_what_disappoints(settings: Settings, db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    good = make_article(db, admin, category).translations[0]
    bad = make_article(db, admin, category, title="Reset your password").translations[0]
    reader = public.visitor(db)
    feedback.record_deflection(db, reader, good.id)
    feedback.give_feedback(db, reader, bad.id, FeedbackIn(helpful=False, comment="Link is dead"))
    page = agent_client(settings, db, world.admin.email).get("/console/kb/insights")
    assert page.status_code == 200
    spared, unhelpful = page.text.split("Articles readers found unhelpful")
    assert "Printer does not print" in spared and "Reset your password" not in spared
    assert "Reset your password" in unhelpful and "Link is dead" in unhelpful


def test_the_picker_offers_links_to_public_articles_and_a_case_answer_becomes_a_draft(
    settings: Settings, db: Database
) -> None:
    world = make_world(db)
    admin = world.admin.principal
    category = make_category(db, admin)
    make_article(db, admin, category)
    make_article(db, admin, category, title="Printer runbook", visibility="internal")
    client = agent_client(settings, db, world.admin.email)
    found = client.get("/console/kb/picker", params={"kb_q": "printer", "kind": "reply"})
    assert (
        f"{settings.link_base_url.rstrip('/')}/portal/kb/en/printing/printer-does-not-print"
        in found.text
    )
    assert found.text.count("Insert link") == 1 and found.text.count("Insert text") == 2

    case = make_case(db, world.admin, group_id=world.group_a)
    answer = messages.add_message(
        db,
        admin,
        case.id,
        MessageCreate(
            body_text="Reinstall the driver from the vendor site.",
            visibility="external",
            direction="outbound",
        ),
    )
    page = client.get(f"/console/cases/{case.id}")
    assert f"/messages/{answer.id}/to-article" in page.text
    made = client.post(
        f"/console/cases/{case.id}/messages/{answer.id}/to-article",
        data={"csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert made.status_code == 303
    draft = client.get(made.headers["location"]).text
    assert "Reinstall the driver" in draft and "Printer does not print" in draft
