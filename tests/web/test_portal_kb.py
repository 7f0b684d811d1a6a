"""The knowledge base in the portal over HTTP: public articles for everyone, clean URLs
per language, sitemap, titles and descriptions, feedback with CSRF, suggestions while a
case is typed and "this solved it" — and internal, draft or archived articles (and
their files) unreachable on every route, signed in or not."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.attachments.files import Upload
from casedesk.services.knowledge import articles, desk, feedback
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.services.knowledge.helpers import make_article, make_category, translate
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.portal_client import form_token, session_token, sign_in

CAROL = "carol@customer.example"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver")


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def _blobs(client: TestClient) -> LocalBlobStore:
    store: LocalBlobStore = client.app.state.blob_store  # type: ignore[attr-defined]
    return store


def test_a_visitor_reads_searches_and_rates_a_public_article(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    admin = pw.base.admin.principal
    category = make_category(db, admin)
    article = make_article(db, admin, category, body="Turn it **off** and on. ![Tray](kbfile:1)")
    translate(db, admin, article.id, "de", "Drucker druckt nicht", "Aus- und einschalten.")

    assert client.get("/portal/kb", follow_redirects=False).headers["location"] == "/portal/kb/en"
    german = client.get(
        "/portal/kb", headers={"accept-language": "de-CH, en;q=0.5"}, follow_redirects=False
    )
    assert german.headers["location"] == "/portal/kb/de"
    home = client.get("/portal/kb/en")
    assert home.status_code == 200 and 'href="/portal/kb/en/printing"' in home.text
    found = client.get("/portal/kb/de/search", params={"q": "drucker"})
    assert 'href="/portal/kb/de/printing/drucker-druckt-nicht"' in found.text
    page = client.get("/portal/kb/en/printing/printer-does-not-print")
    assert page.status_code == 200
    assert "<title>Printer does not print · casedesk</title>" in page.text
    assert '<meta name="description" content="Turn it off and on.">' in page.text
    assert 'hreflang="de" href="/portal/kb/de/printing/drucker-druckt-nicht"' in page.text
    assert "<strong>off</strong>" in page.text

    thanks = client.post(
        "/portal/kb/en/printing/printer-does-not-print/feedback",
        data={"helpful": "no", "comment": "Still jammed", "csrf_token": form_token(page.text)},
    )
    assert thanks.status_code == 200 and "Thank you for your answer." in thanks.text
    said = feedback.list_feedback(db, admin, article.translations[0].id)
    assert [(f.helpful, f.comment) for f in said] == [(False, "Still jammed")]
    forged = client.post(
        "/portal/kb/en/printing/printer-does-not-print/feedback",
        data={"helpful": "yes", "csrf_token": "forged"},
    )
    assert forged.status_code == 403
    assert len(feedback.list_feedback(db, admin, article.translations[0].id)) == 1


def test_the_sitemap_lists_public_articles_with_absolute_links(
    client: TestClient, pw: PortalWorld, db: Database, settings: Settings
) -> None:
    admin = pw.base.admin.principal
    category = make_category(db, admin)
    make_article(db, admin, category)
    make_article(db, admin, category, title="Internal runbook", visibility="internal")
    answer = client.get("/portal/sitemap.xml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(
        "application/xml"
    )
    base = settings.link_base_url.rstrip("/")
    assert f"<loc>{base}/portal/kb/en/printing/printer-does-not-print</loc>" in answer.text
    assert "internal-runbook" not in answer.text


def test_internal_articles_are_unreachable_on_every_route(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    admin = pw.base.admin.principal
    category = make_category(db, admin)
    secret = make_article(
        db,
        admin,
        category,
        title="Printer service password",
        body="The code is 4711 ![x](kbfile:1)",
        visibility="internal",
    )
    image = desk.add_files(
        db, _blobs(client), admin, secret.id, [Upload("plan.png", io.BytesIO(PNG))], 10_000
    )[0]
    body = secret.translations[0]
    routes = [
        "/portal/kb/en",
        "/portal/kb/en/search?q=printer",
        "/portal/kb/en/search?q=service+password",
        "/portal/kb/en/search?q=4711",
        "/portal/kb/en/printing",
        f"/portal/kb/en/printing/{body.slug}",
        f"/portal/kb/files/{image.id}/plan.png",
        "/portal/sitemap.xml",
    ]

    def nothing_leaks() -> None:
        for route in routes:
            answer = client.get(route)
            assert answer.status_code in (200, 404), route
            assert "code is 4711" not in answer.text and body.slug not in answer.text, route
            assert answer.content != PNG, route
        assert client.get(f"/portal/kb/en/printing/{body.slug}").status_code == 404
        assert client.get(f"/portal/kb/files/{image.id}/plan.png").status_code == 404

    nothing_leaks()  # signed out
    assert sign_in(client, CAROL).status_code == 303
    nothing_leaks()  # a signed-in contact
    token = session_token(client)
    suggested = client.get(
        "/portal/cases/new/suggestions", params={"title": "printer password 4711"}
    )
    assert (
        suggested.status_code == 200
        and "4711" not in suggested.text
        and "service" not in suggested.text
    )
    refused = client.post(f"/portal/cases/new/solved/{body.id}", headers={"X-CSRF-Token": token})
    assert refused.status_code == 404
    posted = client.post(
        f"/portal/kb/en/printing/{body.slug}/feedback", data={"helpful": "yes", "csrf_token": token}
    )
    assert posted.status_code == 404
    assert feedback.figures(db, admin)[0].deflections == 0

    # Published and public, the same article and its file are readable.
    articles.update_article(db, admin, secret.id, articles.ArticlePatch(visibility="public"))  # type: ignore[arg-type]
    articles.change_status(db, admin, body.id, "published")
    assert client.get(f"/portal/kb/files/{image.id}/plan.png").content == PNG


def test_a_customer_typing_a_case_is_offered_an_article_and_ends_without_a_case(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    admin = pw.base.admin.principal
    translation = make_article(db, admin, make_category(db, admin)).translations[0]
    assert sign_in(client, CAROL).status_code == 303
    form = client.get("/portal/cases/new")
    assert 'hx-get="/portal/cases/new/suggestions"' in form.text
    offered = client.get(
        "/portal/cases/new/suggestions",
        params={"title": "My printer", "description": "It prints nothing since Monday"},
    )
    assert "Printer does not print" in offered.text
    assert f'hx-post="/portal/cases/new/solved/{translation.id}"' in offered.text
    solved = client.post(
        f"/portal/cases/new/solved/{translation.id}",
        headers={"X-CSRF-Token": session_token(client), "HX-Request": "true"},
    )
    assert solved.status_code == 204 and solved.headers["HX-Redirect"] == "/portal/cases/new/solved"
    assert [f.deflections for f in feedback.figures(db, admin)] == [1]
    assert "You have no cases yet." in client.get("/portal").text
