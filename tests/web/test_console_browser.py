"""The console in a real browser: an agent finds a case by full-text search, replies,
changes status and assignee in place, adds an internal note; an agent of another
group gets the not-found page for the same case."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, World, make_case
from tests.web.conftest import LiveServer, sign_in_agent


def test_an_agent_works_a_case_and_another_group_cannot_see_it(
    page: Page, browser: Browser, live_server: LiveServer, world: World
) -> None:
    case = make_case(live_server.db, world.agent_a, title="Projector flickers in room 4")
    make_case(live_server.db, world.agent_a, title="Keyboard missing keys")
    base = live_server.url

    sign_in_agent(page, base, world.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    search = page.get_by_role("searchbox", name="Search cases")
    search.fill("projector")
    search.press("Enter")
    results = page.get_by_role("region", name="Cases mentioning it")
    expect(results).to_contain_text("Projector flickers in room 4")
    expect(results).not_to_contain_text("Keyboard missing keys")
    results.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Projector flickers in room 4")

    page.get_by_label("Reply", exact=True).fill("We are sending a technician.")
    page.get_by_role("button", name="Send reply").click()
    reply = page.locator(".thread > li.message").filter(has_text="We are sending a technician.")
    expect(reply).to_contain_text("Reply to the customer")
    expect(reply).not_to_have_class("message internal")

    page.get_by_label("Status", exact=True).select_option(label="Awaiting customer")
    page.get_by_label("Assignee", exact=True).select_option(label=f"alice ({world.agent_a.email})")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#notice")).to_contain_text("Saved.")
    expect(page.locator("#summary-status")).to_contain_text("Awaiting customer")
    expect(page.locator("#summary-assignee")).to_contain_text("alice")
    expect(page.locator("#case-status")).to_have_text("Awaiting customer")
    expect(page.get_by_role("heading", name="Details")).to_be_focused()

    page.get_by_role("textbox", name="Note").fill("Customer prefers mornings.")
    page.get_by_role("button", name="Add note").click()
    note = page.locator(".thread > li.message").filter(has_text="Customer prefers mornings.")
    expect(note).to_have_class("message internal")
    expect(note).to_contain_text("Internal note")
    expect(page.locator("#summary-status")).to_contain_text("Awaiting customer")

    context = browser.new_context()
    other = context.new_page()
    try:
        sign_in_agent(other, base, world.agent_b.email, PASSWORD)
        expect(other.get_by_role("heading", level=1)).to_contain_text("Welcome")
        answer = other.goto(f"{base}/console/cases/{case.id}")
        assert answer is not None and answer.status == 404
        expect(other.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(other.locator("main")).not_to_contain_text("Projector")
    finally:
        context.close()
