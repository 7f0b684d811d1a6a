"""An admin at a phone-sized screen sets up a status and a colleague in a real browser:
the htmx forms, their notices and the lists they lead back to."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from casedesk.web.routes.admin_forms import SECTIONS
from tests.factories import PASSWORD, World
from tests.web.conftest import LiveServer, sign_in_agent


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_admin_creates_a_status_and_an_agent_in_a_group(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_role("link", name="Statuses").first.click()

    form = page.get_by_role("form", name="New status")
    form.get_by_label("Name", exact=True).fill("Waiting for the customer's reply")
    form.get_by_label("Internal status", exact=True).select_option(label="Awaiting external")
    clock = form.get_by_label("Clock class", exact=True)
    clock.select_option(label="external (waiting on the customer)")
    form.get_by_role("button", name="Create status").click()

    expect(page.locator("#notice")).to_have_text("Created.")
    row = page.get_by_role("row").filter(has_text="Waiting for the customer's reply")
    expect(row).to_contain_text("Awaiting external")
    expect(row).to_contain_text("external")
    assert fits_the_screen(page)

    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    form = page.get_by_role("form", name="New user")
    form.get_by_label("Email").fill(world.agent_a.email)  # taken: the page says so
    form.get_by_label("Name", exact=True).fill("Dana Scully")
    form.get_by_label("Role").select_option("agent")
    form.get_by_label("Password").fill("trust no one, ever")
    form.get_by_role("checkbox", name="A", exact=True).check()
    form.get_by_role("button", name="Create user").click()
    expect(page.locator("#notice")).to_contain_text("exists already")

    form.get_by_label("Email").fill("dana@acme.test")
    form.get_by_role("button", name="Create user").click()
    expect(page.locator("#notice")).to_have_text("Created.")
    row = page.get_by_role("row").filter(has_text="dana@acme.test")
    expect(row).to_contain_text("Dana Scully")
    expect(row).to_contain_text("agent")
    expect(row.get_by_role("cell").nth(3)).to_have_text("A")
    assert fits_the_screen(page)


def test_every_admin_page_fits_a_phone_screen(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    for href, label, _ in SECTIONS:
        page.goto(live_server.url + href)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert fits_the_screen(page), f"{label} is wider than the screen"
