"""The customer in a real browser: a phone call from someone new is logged as a new
case without the mouse, a second call from them is picked by search and Enter, and
the case page shows who they are with their other cases, never another group's."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, Route, expect

from casedesk.services.reference.contacts import list_contacts
from tests.factories import PASSWORD, make_case
from tests.services.portal.world import make_portal_world
from tests.web.conftest import LiveServer, sign_in_agent


def test_a_phone_call_is_logged_as_a_new_case_for_a_new_contact(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    pw = make_portal_world(live_server.db)
    base = live_server.url
    sign_in_agent(page, base, pw.base.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # First call: Nora is nobody we know yet.
    page.get_by_role("link", name="New case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New case")
    search = page.get_by_label("Find the contact")
    expect(search).to_be_focused()
    page.keyboard.type("Nora")
    expect(page.locator("#contact-results")).to_contain_text("Nobody matches")
    page.get_by_text("New contact", exact=True).click()
    page.get_by_label("First name").fill("Nora")
    page.keyboard.press("Tab")
    page.keyboard.type("Newman")
    page.get_by_label("Email", exact=True).fill("nora@customer.example")
    page.get_by_label("Phone", exact=True).fill("+44 20 7946 0001")
    page.get_by_label("Organization", exact=True).select_option(label="Customer Ltd")
    page.get_by_label("Title", exact=True).fill("Invoices do not print")
    page.get_by_label("Description").fill("Called at 9:05; since the update last night.")
    page.get_by_label("First reply to the customer").fill("Thanks for calling, we are on it.")
    page.get_by_label("Title", exact=True).press("Enter")  # Enter in a field sends the form

    expect(page.get_by_role("heading", level=1)).to_contain_text("Invoices do not print")
    panel = page.locator("#customer")
    expect(panel).to_contain_text("Nora Newman")
    expect(panel).to_contain_text("nora@customer.example")
    expect(panel).to_contain_text("+44 20 7946 0001")
    expect(panel).to_contain_text("Customer Ltd")
    expect(page.locator(".thread")).to_contain_text("Thanks for calling, we are on it.")
    (nora,) = list_contacts(live_server.db, pw.base.agent_a.principal, q="nora")
    make_case(  # a case of group B for Nora: agent A must not learn of it
        live_server.db,
        pw.base.admin,
        title="Group B secret",
        contact_id=nora.id,
        organization_id=pw.organization,
        group_id=pw.base.group_b,
    )

    # Second call: she is found by her phone number and picked with the keyboard.
    page.get_by_role("link", name="New case").click()
    expect(page.get_by_label("Find the contact")).to_be_focused()
    page.keyboard.type("7946")
    # The results that answer the whole number (a search for part of it may answer first).
    pick = page.locator("#contact-results [data-q='7946'] button.pick")
    expect(pick).to_have_count(1)
    expect(pick).to_contain_text("Nora Newman")
    # htmx wires new content up when the swap settles: a key pressed before that (a
    # busy machine delays the timer) would reach a button that does nothing yet.
    expect(page.locator("#contact-results")).not_to_have_class(re.compile(r"\bhtmx-settling\b"))
    page.keyboard.press("ArrowDown")
    expect(pick).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#contact-picked")).to_contain_text("Nora Newman")
    expect(page.get_by_label("Title", exact=True)).to_be_focused()
    page.keyboard.type("Printer offline")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer offline")
    page_of_second_case = page.url.removeprefix(base)
    panel = page.locator("#customer")
    expect(panel).to_contain_text("Nora Newman")
    others = panel.get_by_role("list", name="Their other open cases")
    expect(others.get_by_role("link")).to_have_count(1)
    expect(others).to_contain_text("Invoices do not print")
    expect(panel).not_to_contain_text("Group B secret")

    # Her contact page lists both cases and nothing of group B.
    panel.get_by_role("link", name="Nora Newman").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nora Newman")
    cases = page.get_by_role("list", name="Open cases")
    expect(cases).to_contain_text("Invoices do not print")
    expect(cases).to_contain_text("Printer offline")
    expect(page.locator("main")).not_to_contain_text("Group B secret")

    # The new pages fit a phone's screen.
    page.set_viewport_size({"width": 375, "height": 800})
    pages = (
        "/console/cases/new",
        f"/console/contacts/{nora.id}",
        "/console/contacts",
        f"/console/organizations/{pw.organization}",
        page_of_second_case,
    )
    for url in pages:
        page.goto(base + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url


def test_a_name_typed_before_the_page_is_ready_is_searched_for(
    page: Page, live_server: LiveServer
) -> None:
    pw = make_portal_world(live_server.db)
    sign_in_agent(page, live_server.url, pw.base.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    held: list[Route] = []

    def hold(route: Route) -> None:  # htmx arrives only once let go
        held.append(route)

    page.route("**/static/htmx-*.js", hold)

    with page.expect_request("**/static/htmx-*.js"):
        page.goto(f"{live_server.url}/console/cases/new", wait_until="commit")
    expect(page.get_by_label("Find the contact")).to_be_focused()
    page.keyboard.type("Nora")
    assert len(held) == 1, "the page asked for htmx once and waits for it"
    expect(page.locator("#contact-results")).to_be_empty()
    held[0].continue_()

    expect(page.locator("#contact-results")).to_contain_text("Nobody matches")
