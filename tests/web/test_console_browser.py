"""The console in a real browser: an agent finds a case by full-text search, replies,
changes status and assignee in place, adds an internal note; an agent of another
group gets the not-found page for the same case. The composer: a reply with CC and a
new status that leaves by SMTP, a canned response, a mention that mails the agent, a
draft kept across a reload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.services.billing.time_entries import TimeEntryCreate, add_time_entry
from casedesk.services.canned.responses import CannedCreate, create_canned
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.reference.contacts import ContactCreate, create_contact
from tests.channels.email.conftest import SmtpServer, run_smtp
from tests.factories import PASSWORD, World, make_actor, make_case
from tests.web.conftest import REQUEST_TIMEOUT_S, LiveServer, fresh_context, sign_in_agent


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

    page.get_by_role("tab", name="Internal note").click()
    page.get_by_role("textbox", name="Note").fill("Customer prefers mornings.")
    page.get_by_role("button", name="Add note", exact=True).click()
    note = page.locator(".thread > li.message").filter(has_text="Customer prefers mornings.")
    expect(note).to_have_class("message internal")
    expect(note).to_contain_text("Internal note")
    expect(page.locator("#summary-status")).to_contain_text("Awaiting customer")

    context = fresh_context(browser)
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


# The composer, canned responses and mentions, told end to end in the browser; mail
# leaves through the outbox to a real SMTP server, as the mail delivery job sends it.


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with run_smtp("smtp") as server:
        yield server


def _deliver(live_server: LiveServer, smtp: SmtpServer) -> None:
    deliver_outbox(live_server.db, smtp.url, datetime.now(UTC), default_from="help@acme.test")


def _case_for_julia(live_server: LiveServer, world: World) -> CaseOut:
    julia = create_contact(
        live_server.db,
        world.admin.principal,
        ContactCreate(first_name="Julia", last_name="Berg", emails=["julia@customer.test"]),
    )
    return make_case(
        live_server.db,
        world.agent_a,
        title="VPN drops",
        group_id=world.group_a,
        contact_id=julia.id,
    )


def test_a_reply_with_cc_and_awaiting_customer_arrives_by_smtp_with_the_cc(
    page: Page, live_server: LiveServer, world: World, smtp_server: SmtpServer
) -> None:
    create_contact(
        live_server.db,
        world.admin.principal,
        ContactCreate(first_name="Julia", last_name="Berg", emails=["julia@customer.test"]),
    )
    raw = (
        "From: Julia Berg <julia@customer.test>\r\n"
        "To: help@acme.test\r\n"
        "Cc: Boss <boss@customer.test>\r\n"
        "Subject: VPN drops every hour\r\n"
        "Message-ID: <vpn-1@customer.test>\r\n"
        "\r\n"
        "Since Monday the VPN drops every hour.\r\n"
    )
    taken = httpx.post(
        f"{live_server.url}/api/v1/mail/inbound",
        timeout=REQUEST_TIMEOUT_S,
        content=raw.encode(),
        headers=world.admin.headers | {"Content-Type": "message/rfc822"},
    )
    assert taken.status_code == 200 and taken.json()["outcome"] == "created", taken.text
    case_id = taken.json()["case_id"]

    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases/{case_id}")
    expect(page.get_by_label("To", exact=True)).to_have_value("julia@customer.test")
    cc = page.get_by_label("CC")
    expect(cc).to_have_value("boss@customer.test")
    cc.fill("boss@customer.test, it@customer.test")
    page.get_by_label("Reply", exact=True).fill("Please restart the VPN client and tell us.")
    page.get_by_label("Time spent").first.fill("10")
    page.get_by_role("button", name="Send + Awaiting customer").click()

    reply = page.locator(".thread > li.message").filter(has_text="Please restart the VPN")
    expect(reply).to_contain_text("Reply to the customer")
    expect(page.locator("#case-status")).to_have_text("Awaiting customer")
    expect(page.locator("#time-total")).to_have_text("10m")

    _deliver(live_server, smtp_server)
    [mail] = [
        m
        for m in smtp_server.inbox.wait_for(1)
        if "restart the VPN" in m.message.get_body().get_content()
    ]
    assert sorted(mail.recipients) == [
        "boss@customer.test",
        "it@customer.test",
        "julia@customer.test",
    ]
    assert "julia@customer.test" in mail.message["To"]
    assert mail.message["Cc"] == "boss@customer.test, it@customer.test"


def test_a_canned_response_fills_in_its_placeholders(
    page: Page, live_server: LiveServer, world: World
) -> None:
    case = _case_for_julia(live_server, world)
    create_canned(
        live_server.db,
        world.agent_a.principal,
        CannedCreate(
            name="vpn-restart",
            body="Hello {{ contact.first_name }}, about {{ case.number }}: restart it."
            " {{ agent.name }}",
        ),
    )
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases/{case.id}")
    body = page.get_by_label("Reply", exact=True)
    body.press_sequentially("Hi. ::vpn")
    page.get_by_role("button", name="vpn-restart").click()
    expect(body).to_have_value(f"Hi. Hello Julia, about {case.reference}: restart it. alice")
    expect(body).to_be_focused()


def test_a_mention_in_a_note_notifies_the_agent_by_mail(
    page: Page, live_server: LiveServer, world: World, smtp_server: SmtpServer
) -> None:
    make_actor(live_server.db, "priya@acme.test", "agent", ["A"], world.corporation_id)
    case = _case_for_julia(live_server, world)
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases/{case.id}")
    page.get_by_role("tab", name="Internal note").click()
    note = page.get_by_role("textbox", name="Note")
    expect(note).to_be_visible()
    expect(page.get_by_label("Reply", exact=True)).to_be_hidden()
    note.press_sequentially("Could @pri")
    suggestions = page.get_by_role("list", name="Agents to mention")
    expect(suggestions).not_to_contain_text("bob")
    suggestions.get_by_role("button", name="@priya").click()
    expect(note).to_have_value("Could @priya ")
    note.press_sequentially("call her back?")
    page.get_by_role("button", name="Add note", exact=True).click()
    mentioned = page.locator(".thread > li.message").filter(has_text="Could @priya call her")
    expect(mentioned).to_have_class("message internal")
    expect(page.get_by_label("Followers")).to_contain_text("priya")

    _deliver(live_server, smtp_server)
    mails = smtp_server.inbox.wait_for(1)
    [mail] = [m for m in mails if m.recipients == ["priya@acme.test"]]
    assert "alice mentioned you" in mail.message["Subject"]
    assert "Could @priya call her back?" in mail.message.get_body().get_content()


def test_a_draft_is_kept_across_a_reload(page: Page, live_server: LiveServer, world: World) -> None:
    case = _case_for_julia(live_server, world)
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases/{case.id}")
    page.get_by_label("Reply", exact=True).press_sequentially("Half a thought")
    expect(page.locator("#reply-draft")).to_have_text("Draft saved.")
    page.reload()
    expect(page.get_by_label("Reply", exact=True)).to_have_value("Half a thought")
    expect(page.locator("#reply-draft")).to_have_text("Draft kept.")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_case_page_and_canned_responses_fit_the_screen(
    browser: Browser, live_server: LiveServer, world: World, width: int
) -> None:
    case = _case_for_julia(live_server, world)
    long_named = make_actor(
        live_server.db,
        "maximilian.oberhuber-schwarzenberg@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
    )
    add_time_entry(
        live_server.db,
        long_named.principal,
        case.id,
        TimeEntryCreate(duration_seconds=5400, activity="Remote session with the customer"),
    )
    create_canned(
        live_server.db,
        world.agent_a.principal,
        CannedCreate(name="a-rather-long-snippet-name", body="Hello {{ contact.first_name }}"),
    )
    context = fresh_context(browser, viewport={"width": width, "height": 800})
    screen = context.new_page()
    try:
        sign_in_agent(screen, live_server.url, world.agent_a.email, PASSWORD)
        expect(screen.get_by_role("heading", level=1)).to_contain_text("Welcome")
        for path in (f"/console/cases/{case.id}", "/console/canned-responses"):
            screen.goto(f"{live_server.url}{path}")
            expect(screen.get_by_role("heading", level=1)).to_be_visible()
            wide = screen.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide"
        screen.goto(f"{live_server.url}/console/cases/{case.id}")
        expect(screen.locator("#time-total")).to_have_text("1h 30m")
    finally:
        context.close()


def test_files_dropped_on_the_composer_are_sent_with_the_reply(
    page: Page, live_server: LiveServer, world: World
) -> None:
    case = _case_for_julia(live_server, world)
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases/{case.id}")
    page.get_by_label("Reply", exact=True).fill("The log you asked for.")
    dropped = page.evaluate_handle(
        """() => {
            const files = new DataTransfer();
            files.items.add(new File(["line one\\n"], "vpn.log", {type: "text/plain"}));
            return files;
        }"""
    )
    page.locator("#panel-reply .dropzone").dispatch_event("drop", {"dataTransfer": dropped})
    expect(page.locator("#reply-files")).to_have_js_property("files.length", 1)
    page.get_by_role("button", name="Send reply").click()
    reply = page.locator(".thread > li.message").filter(has_text="The log you asked for.")
    expect(reply.get_by_role("link", name="vpn.log")).to_be_visible()
