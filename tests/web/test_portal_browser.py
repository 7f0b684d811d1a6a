"""A customer uses the portal in a real browser: signs in with their password, opens a
case with a file, and later sees the agent's reply but never the internal note."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.portal import reads as portal
from tests.services.portal.world import PORTAL_PASSWORD, make_portal_world
from tests.web.conftest import LiveServer


def test_a_customer_opens_a_case_and_sees_the_reply_but_not_the_note(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    pw = make_portal_world(live_server.db)
    url = live_server.url
    log = tmp_path / "error-log.txt"
    log.write_text("ERROR 809: the remote connection was not made\n")

    page.goto(f"{url}/portal")
    expect(page).to_have_url(f"{url}/portal/sign-in?next=%2Fportal")
    page.get_by_label("Email").fill("carol@customer.example")
    page.get_by_label("Password").fill(PORTAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")

    page.get_by_role("link", name="Open a new case").click()
    page.get_by_label("Title").fill("VPN <fails> every morning")
    page.get_by_label("Description").fill("Error 809 since Monday")
    page.get_by_label("Attachments").set_input_files(log)
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VPN <fails> every morning")
    expect(page.get_by_role("link", name="error-log.txt")).to_be_visible()

    page.get_by_role("link", name="My cases").first.click()
    expect(page.get_by_role("link", name="VPN <fails> every morning")).to_be_visible()
    expect(page.get_by_role("cell", name="Submitted")).to_be_visible()

    (case,) = portal.list_cases(live_server.db, pw.carol)
    agent = pw.base.agent_a.principal
    messages.add_message(
        live_server.db, agent, case.id, MessageCreate(body_text="Please restart the router")
    )
    messages.add_message(
        live_server.db,
        agent,
        case.id,
        MessageCreate(visibility="internal", body_text="Customer's router is ancient"),
    )

    page.get_by_role("link", name="VPN <fails> every morning").click()
    expect(page.get_by_text("Please restart the router")).to_be_visible()
    expect(page.get_by_text("Error 809 since Monday")).to_be_visible()
    assert "router is ancient" not in page.content()

    # The same page on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.get_by_role("button", name="Send reply")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reply_shows_at_once_and_empties_the_box(page: Page, live_server: LiveServer) -> None:
    pw = make_portal_world(live_server.db)
    case = pw.case_for(pw.carol)
    url = live_server.url
    page.goto(f"{url}/portal/sign-in")
    page.get_by_label("Email").fill("carol@customer.example")
    page.get_by_label("Password").fill(PORTAL_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My cases")

    for text in ("The router still blinks red", "And now it is off"):
        page.goto(f"{url}/portal/cases/{case.id}")
        box = page.get_by_label("Your message")
        box.fill(text)
        page.get_by_role("button", name="Send reply").click()
        # Without reloading ourselves: the page shows the message and an empty box.
        expect(page.locator(".thread").get_by_text(text)).to_be_visible()
        expect(page.get_by_text("Your reply was sent")).to_be_visible()
        expect(page.get_by_label("Your message")).to_have_value("")

    # A second reply sent from the page the first one led to also shows at once.
    page.get_by_label("Your message").fill("Third time lucky")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".thread").get_by_text("Third time lucky")).to_be_visible()
    expect(page.get_by_label("Your message")).to_have_value("")
    sent = messages.list_messages(live_server.db, pw.base.agent_a.principal, case.id)
    assert [m.body_text for m in sent] == [
        "The router still blinks red",
        "And now it is off",
        "Third time lucky",
    ]
