"""An admin sets up a webhook in a real browser at a phone-sized screen: the secret is
shown once, the list and the edit page lead back to it, and it can be switched off."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, World
from tests.web.conftest import LiveServer, sign_in_agent
from tests.web.test_admin_browser import fits_the_screen


def test_an_admin_creates_a_webhook_and_switches_it_off(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    page.goto(live_server.url + "/console/admin")
    page.get_by_role("link", name="Webhooks").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")

    form = page.get_by_role("form", name="New webhook")
    form.get_by_label("URL").fill("https://crm.example.org/hooks/casedesk")
    form.get_by_label("Description").fill("CRM")
    form.get_by_role("checkbox", name="case.created", exact=False).first.check()
    form.get_by_role("checkbox", name="B", exact=True).check()
    form.get_by_role("button", name="Create webhook").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook created")
    secret = page.locator("#webhook-secret-value").inner_text()
    assert secret.startswith("whsec_")
    assert fits_the_screen(page)
    page.get_by_role("link", name="Back to the webhook").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("crm.example.org")
    expect(page.get_by_text("Nothing delivered yet.")).to_be_visible()
    assert secret not in page.content()
    edit = page.get_by_role("form", name="Edit webhook")
    expect(edit.get_by_role("checkbox", name="B", exact=True)).to_be_checked()
    edit.get_by_label("Send events to this webhook").uncheck()
    edit.get_by_role("button", name="Save webhook").click()
    expect(page.locator("#notice")).to_have_text("Saved.")
    assert fits_the_screen(page)

    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Webhooks"
    ).click()
    row = page.get_by_role("row").filter(has_text="crm.example.org")
    expect(row).to_contain_text("case.created")
    expect(row.get_by_role("cell").last).to_have_text("no")
