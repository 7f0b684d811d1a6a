"""One case from both sides, in real browsers: a customer opens it in the portal with
a file; an agent finds it by search in the console, replies, changes its status and
assignee and adds an internal note; the customer sees the reply but never the note;
an agent of another group cannot open the case or its file by URL."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.services.portal.world import PORTAL_PASSWORD, make_portal_world
from tests.web.conftest import LiveServer, fresh_context, sign_in_agent


def test_a_case_from_the_portal_worked_in_the_console(
    page: Page, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    world = make_portal_world(live_server.db)
    base = live_server.url
    screenshot = tmp_path / "screen.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

    # The customer opens the case with a file.
    page.goto(f"{base}/portal/sign-in")
    page.get_by_label("Email").fill("carol@customer.example")
    page.get_by_label("Password").fill(PORTAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Open a new case").click()
    page.get_by_label("Title").fill("Scanner saves blank pages")
    page.get_by_label("Description").fill("Every scan since Tuesday is white.")
    page.get_by_label("Attachments").set_input_files(screenshot)
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scanner saves blank pages")
    found = re.search(r"/portal/cases/(\d+)$", page.url)
    assert found, page.url
    case_id = int(found.group(1))

    # An agent of the organization's group works it in the console.
    agent_context = fresh_context(browser)
    agent = agent_context.new_page()
    sign_in_agent(agent, base, world.base.agent_a.email, PASSWORD)
    search = agent.get_by_role("searchbox", name="Search cases")
    search.fill("scanner")
    search.press("Enter")
    agent.get_by_role("region", name="Cases mentioning it").get_by_role("link").first.click()
    expect(agent.get_by_role("heading", level=1)).to_contain_text("Scanner saves blank pages")
    expect(agent.get_by_role("link", name="screen.png")).to_be_visible()
    attachment_url = agent.get_by_role("link", name="screen.png").get_attribute("href")
    assert attachment_url

    agent.get_by_label("Reply", exact=True).fill("Please update the scanner driver.")
    agent.get_by_role("button", name="Send reply").click()
    expect(agent.locator(".thread")).to_contain_text("Please update the scanner driver.")
    agent.get_by_label("Status", exact=True).select_option(label="Awaiting customer")
    agent.get_by_label("Assignee", exact=True).select_option(
        label=f"alice ({world.base.agent_a.email})"
    )
    agent.get_by_role("button", name="Save changes").click()
    expect(agent.locator("#summary-status")).to_contain_text("Awaiting customer")
    expect(agent.locator("#summary-assignee")).to_contain_text("alice")
    agent.get_by_role("tab", name="Internal note").click()
    agent.get_by_role("textbox", name="Note").fill("Driver 4.2 is known to break this.")
    agent.get_by_role("button", name="Add note", exact=True).click()
    note = agent.locator(".thread > li.message").filter(has_text="Driver 4.2")
    expect(note).to_contain_text("Internal note")
    agent_context.close()

    # The customer sees the reply and not the note.
    page.reload()
    expect(page.get_by_text("Please update the scanner driver.")).to_be_visible()
    assert "Driver 4.2" not in page.content()

    # An agent of another group gets "not found" for the case and its file.
    other_context = fresh_context(browser)
    other = other_context.new_page()
    sign_in_agent(other, base, world.base.agent_b.email, PASSWORD)
    expect(other.get_by_role("heading", level=1)).to_contain_text("Welcome")
    answer = other.goto(f"{base}/console/cases/{case_id}")
    assert answer is not None and answer.status == 404
    expect(other.locator("main")).not_to_contain_text("Scanner")
    download = other.request.get(f"{base}{attachment_url}")
    assert download.status == 404
    other_context.close()
