"""The pages in German, in a real browser: an agent whose profile says German reads the
console in German with German dates; a browser that asks for German reads the portal's
sign-in page in German and the portal after it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from casedesk.services.identity.preferences import set_preferences
from tests.factories import PASSWORD, World, make_case
from tests.services.portal.world import PORTAL_PASSWORD, make_portal_world
from tests.web.conftest import LiveServer, fresh_context, sign_in_agent

#: ``06.12.2026, 14:05 CET``: a German date and time with the zone.
GERMAN_TIME = re.compile(r"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} CES?T$")


def test_an_agent_whose_profile_is_german_reads_the_console_in_german(
    page: Page, live_server: LiveServer, world: World
) -> None:
    db = live_server.db
    set_preferences(db, world.agent_a.principal, time_zone="Europe/Berlin", language="de")
    case = make_case(db, world.agent_a, title="Beamer flackert in Raum 4")

    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")
    nav = page.get_by_role("navigation", name="Hauptmenü")
    expect(nav.get_by_role("link", name="Tickets", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Neues Ticket")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.goto(f"{live_server.url}/console/cases/{case.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beamer flackert in Raum 4")
    expect(page.get_by_role("heading", name="Verlauf", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="SLA und Termine")).to_be_visible()
    expect(page.get_by_role("button", name="Antwort senden")).to_be_visible()
    created = page.locator(".case-side time").first
    expect(created).to_have_text(GERMAN_TIME)
    assert "Reply to the customer" not in page.content()


def test_a_browser_asking_for_german_reads_the_portal_in_german(
    browser: Browser, live_server: LiveServer
) -> None:
    make_portal_world(live_server.db)
    context = fresh_context(browser, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/portal/sign-in")
        expect(page.get_by_role("heading", level=1)).to_have_text("Beim Support-Portal anmelden")
        expect(page.get_by_role("link", name="Kein Passwort?")).to_be_visible()
        page.get_by_label("E-Mail").fill("carol@customer.example")
        page.get_by_label("Passwort").fill(PORTAL_PASSWORD)
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Meine Tickets")
        expect(page.get_by_role("link", name="Neues Ticket eröffnen").first).to_be_visible()
    finally:
        context.close()


def test_an_english_browser_still_reads_the_portal_in_english(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/portal/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the support portal")
    expect(page.locator("html")).to_have_attribute("lang", "en")
