"""The agent workspace in a real browser: the unread mark a customer's mail sets (taken
in through the mail intake an MTA pipes to) and opening the case clears; local times
for an agent whose browser is in America/New_York; the search box finding a case by
number, a contact and an organization, never another group's case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from tests.factories import PASSWORD, make_case
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.conftest import REQUEST_TIMEOUT_S, LiveServer, fresh_context, sign_in_agent


@pytest.fixture
def pw(live_server: LiveServer) -> PortalWorld:
    return make_portal_world(live_server.db)


@pytest.fixture
def new_york(browser: Browser) -> Iterator[Page]:
    """A page in a browser whose clock lives in New York."""
    context = fresh_context(browser, timezone_id="America/New_York")
    yield context.new_page()
    context.close()


def _mail(sender: str, subject: str, body: str, message_id: str) -> bytes:
    return (
        f"From: Carol Client <{sender}>\r\n"
        "To: Acme Support <support@acme.example>\r\n"
        f"Subject: {subject}\r\n"
        "Date: Tue, 10 Mar 2026 09:12:00 +0100\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}\r\n"
    ).encode()


def test_a_customer_mail_marks_the_case_unread_until_the_agent_opens_it(
    page: Page, live_server: LiveServer, pw: PortalWorld
) -> None:
    case = pw.case_for(pw.carol, "Printer jammed on floor 3")
    base = live_server.url
    sign_in_agent(page, base, pw.base.agent_a.email, PASSWORD)
    page.goto(f"{base}/console/cases")
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("activity you have not seen")

    raw = _mail(
        "carol@customer.example",
        f"Re: Printer jammed on floor 3 [{case.reference}]",
        "It jammed again this morning.",
        "reply.1@mail.customer.example",
    )
    taken = httpx.post(
        f"{base}/api/v1/mail/inbound",
        timeout=REQUEST_TIMEOUT_S,
        content=raw,
        headers=pw.base.admin.headers | {"Content-Type": "message/rfc822"},
    )
    assert taken.status_code == 200 and taken.json()["case_id"] == case.id, taken.text

    page.reload()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("New activity you have not seen")
    expect(row).to_have_class("unread")
    # Lists follow activity: the case with the fresh mail comes first.
    expect(page.get_by_role("row").nth(1)).to_contain_text(case.reference)

    row.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer jammed on floor 3")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Mail from carol@customer.example added a message")
    expect(history).to_contain_text("alice opened the case")

    page.goto(f"{base}/console/cases")
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("activity you have not seen")


def test_an_agent_in_new_york_reads_local_times(
    new_york: Page, live_server: LiveServer, pw: PortalWorld
) -> None:
    case = pw.case_for(pw.carol, "Clock on the wall")
    noon_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    messages.add_message(
        live_server.db,
        pw.base.agent_a.principal,
        case.id,
        MessageCreate(body_text="Checked at noon UTC"),
        now=noon_utc,
    )
    base = live_server.url
    # The first sign-in takes the browser's zone: nothing was chosen yet.
    sign_in_agent(new_york, base, pw.base.agent_a.email, PASSWORD)
    expect(new_york.get_by_role("heading", level=1)).to_contain_text("Welcome")
    new_york.goto(f"{base}/console/cases/{case.id}")
    reply = new_york.locator(".thread > li.message").filter(has_text="Checked at noon UTC")
    expect(reply.locator("time")).to_have_text("2026-07-01 08:00 EDT")

    new_york.get_by_role("link", name="Profile").click()
    expect(new_york.get_by_role("combobox", name="Time zone")).to_have_value("America/New_York")
    new_york.get_by_role("combobox", name="Time zone").select_option("Europe/Berlin")
    new_york.get_by_role("button", name="Save").click()
    expect(new_york.get_by_role("status").filter(has_text="Saved")).to_contain_text("Europe/Berlin")
    new_york.goto(f"{base}/console/cases/{case.id}")
    expect(reply.locator("time")).to_have_text("2026-07-01 14:00 CEST")


def test_the_search_box_finds_a_number_a_contact_and_an_organization(
    page: Page, live_server: LiveServer, pw: PortalWorld
) -> None:
    case = pw.case_for(pw.carol, "Badge reader broken")
    hidden = make_case(live_server.db, pw.base.agent_b, title="Badge audit of group B")
    base = live_server.url
    sign_in_agent(page, base, pw.base.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    box = page.get_by_role("searchbox", name="Search cases, contacts and organizations")

    box.fill(case.reference)
    box.press("Enter")
    found = page.get_by_role("region", name=f"Case {case.reference}")
    expect(found).to_contain_text("Badge reader broken")

    page.keyboard.press("/")
    expect(box).to_be_focused()
    box.fill("carol")
    box.press("Enter")
    contacts = page.get_by_role("region", name="Contacts")
    expect(contacts).to_contain_text("carol@customer.example")

    box.fill("customer ltd")
    box.press("Enter")
    organizations = page.get_by_role("region", name="Organizations")
    organizations.get_by_role("link", name="Customer Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Customer Ltd")
    expect(page.locator("main")).to_contain_text("Badge reader broken")

    box.fill("badge")
    box.press("Enter")
    cases = page.get_by_role("region", name="Cases mentioning it")
    expect(cases).to_contain_text("Badge reader broken")
    expect(page.locator("main")).not_to_contain_text("group B")

    box.fill(hidden.reference)
    box.press("Enter")
    expect(page.locator("main")).to_contain_text("Nothing matches")


def test_the_new_pages_fit_a_phone(page: Page, live_server: LiveServer, pw: PortalWorld) -> None:
    case = pw.case_for(pw.carol, "A rather long title for a case about the printer")
    messages.add_message(
        live_server.db,
        pw.base.agent_a.principal,
        case.id,
        MessageCreate(visibility="internal", body_text="x" * 300),
    )
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, base, pw.base.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    for url in (
        f"/console/search?q={case.reference}",
        "/console/search?q=customer",
        "/console/profile",
        f"/console/cases/{case.id}",
    ):
        page.goto(base + url)
        for details in page.locator("details").all():
            summary = details.locator("summary")
            if summary.is_visible():  # not those in a hidden tab of the composer
                summary.click()  # the raw records open too
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
