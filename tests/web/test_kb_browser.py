"""The knowledge base in a real browser: an editor writes and publishes an article in
two languages; a signed-out visitor finds it by search in the portal; a customer typing
a new case is offered it and marks it as solving, and no case is opened."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from casedesk.services.knowledge import feedback
from casedesk.services.portal import reads as portal
from tests.factories import PASSWORD
from tests.services.knowledge.helpers import make_article, make_category
from tests.services.portal.world import PORTAL_PASSWORD, make_portal_world
from tests.web.conftest import LiveServer, fresh_context, sign_in_agent


def test_written_in_two_languages_found_by_a_visitor_and_deflecting_a_case(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    pw = make_portal_world(live_server.db)
    url = live_server.url

    # An editor writes the article in English, previews, publishes, and adds German.
    sign_in_agent(page, url, pw.base.admin.email, PASSWORD)
    page.wait_for_url(f"{url}/console")
    page.get_by_role("link", name="Knowledge base").click()
    page.get_by_role("link", name="Categories").click()
    page.get_by_label("Name", exact=True).fill("Printing")
    page.get_by_role("button", name="Create").click()
    page.goto(f"{url}/console/kb/new")
    page.get_by_label("Who may read it").select_option("public")
    page.get_by_label("Title").fill("Printer prints blank pages")
    page.get_by_label("Text (Markdown)").fill("Replace the **toner** cartridge.")
    expect(page.locator("#kb-preview strong")).to_have_text("toner")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Printer prints blank pages")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#kb-status")).to_have_text("published")
    page.get_by_label("Language", exact=True).select_option("de")
    page.locator("#kb-new-title").fill("Drucker druckt leere Seiten")
    page.locator("#kb-new-body").fill("Ersetzen Sie die Tonerkartusche.")
    page.get_by_role("button", name="Add translation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drucker druckt leere Seiten")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#kb-status")).to_have_text("published")

    # A signed-out visitor finds it by search, in German and in English (the portal's own
    # words are in the language the browser asks for: German).
    visitor = fresh_context(browser, extra_http_headers={"Accept-Language": "de"})
    anonymous = visitor.new_page()
    anonymous.goto(f"{url}/portal/kb")
    expect(anonymous).to_have_url(f"{url}/portal/kb/de")
    anonymous.get_by_label("Hilfeartikel durchsuchen").fill("drucker")
    anonymous.get_by_role("button", name="Suchen").click()
    anonymous.get_by_role("link", name="Drucker druckt leere Seiten").click()
    expect(anonymous).to_have_title("Drucker druckt leere Seiten · casedesk")
    expect(anonymous.get_by_text("Ersetzen Sie die Tonerkartusche.")).to_be_visible()
    anonymous.get_by_role("link", name="English").click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Printer prints blank pages")
    anonymous.get_by_role("button", name="Ja").click()
    expect(anonymous.get_by_text("Vielen Dank für Ihre Antwort.")).to_be_visible()
    visitor.close()

    # A customer typing a new case is offered the article and says it solved it.
    customer = fresh_context(browser)
    carol = customer.new_page()
    carol.goto(f"{url}/portal/sign-in")
    carol.get_by_label("Email").fill("carol@customer.example")
    carol.get_by_label("Password").fill(PORTAL_PASSWORD)
    carol.get_by_role("button", name="Sign in").click()
    expect(carol.get_by_role("heading", level=1)).to_have_text("My cases")
    carol.goto(f"{url}/portal/cases/new")
    carol.get_by_label("Title").fill("Blank pages")
    carol.get_by_label("Description").fill("Our printer only prints blank pages since today")
    offered = carol.locator("#kb-suggestions")
    expect(offered.get_by_role("link", name="Printer prints blank pages")).to_be_visible()
    offered.get_by_role("button", name="This solved it").click()
    expect(carol.get_by_role("heading", level=1)).to_have_text("Glad it helped")
    customer.close()

    assert portal.list_cases(live_server.db, pw.carol) == []
    figures = feedback.figures(live_server.db, pw.base.admin.principal)
    assert {(f.language, f.deflections, f.helpful) for f in figures} == {
        ("en", 1, 1),
        ("de", 0, 0),
    }


def test_an_agent_inserts_an_articles_link_and_text_into_a_reply(
    page: Page, live_server: LiveServer
) -> None:
    pw = make_portal_world(live_server.db)
    admin = pw.base.admin.principal
    category = make_category(live_server.db, admin)
    make_article(live_server.db, admin, category, title="Printer prints blank pages")
    case = pw.case_for(pw.carol)
    url = live_server.url
    sign_in_agent(page, url, pw.base.agent_a.email, PASSWORD)
    page.wait_for_url(f"{url}/console")
    page.goto(f"{url}/console/cases/{case.id}")
    reply = page.locator("#panel-reply")
    reply.get_by_text("Insert a help article").click()
    reply.get_by_label("Search articles").fill("blank")
    reply.get_by_role("button", name="Insert link").click()
    link = f"{live_server.settings.link_base_url.rstrip('/')}/portal/kb/en/printing/"
    expect(page.locator("#reply-body")).to_have_value(
        f"Printer prints blank pages: {link}printer-prints-blank-pages"
    )
    # What is inserted counts as typed: the composer keeps it as the draft.
    with page.expect_response(
        lambda r: r.url.endswith("/draft") and "Turn" in (r.request.post_data or "")
    ):
        reply.get_by_role("button", name="Insert text").click()
    expect(page.locator("#reply-body")).to_have_value(
        re.compile(r"printer-prints-blank-pages Turn the printer off and on again")
    )
    page.reload()
    expect(page.locator("#reply-body")).to_have_value(re.compile("Turn the printer off"))
