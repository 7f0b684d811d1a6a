"""Live updates and collision detection with two signed-in agents of one group, each in
their own browser context: a change by one shows in the other's list and case page
without a reload, presence shows who views and who types, and a reply racing a
customer's mail asks for confirmation first."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, Actor, World, make_actor, make_case
from tests.services.portal.world import make_portal_world
from tests.web.conftest import REQUEST_TIMEOUT_S, LiveServer, fresh_context, sign_in_agent
from tests.web.markup import markup_problems


@pytest.fixture
def carl(world: World, live_server: LiveServer) -> Actor:
    """A second agent of group A (alice's group)."""
    return make_actor(live_server.db, "carl@acme.test", "agent", ["A"], world.corporation_id)


@pytest.fixture
def other(live_server: LiveServer, browser: Browser) -> Iterator[Page]:
    """The second agent's page, in a browser context of its own."""
    context = fresh_context(browser)
    yield context.new_page()
    context.close()


def _connected(page: Page) -> None:
    """Wait until the page's event stream is open (changes before it are not news)."""
    expect(page.locator("body")).to_have_attribute("data-live", "connected")


def test_a_case_opened_through_the_api_appears_in_the_open_list(
    live_server: LiveServer, page: Page, world: World
) -> None:
    base = live_server.url
    sign_in_agent(page, base, world.agent_a.email, PASSWORD)
    page.goto(f"{base}/console/cases")
    _connected(page)
    made = httpx.post(
        f"{base}/api/v1/cases",
        timeout=REQUEST_TIMEOUT_S,
        json={"title": "Scanner shows a blank page", "group_id": world.group_a},
        headers=world.admin.headers,
    )
    assert made.status_code in (200, 201), made.text
    expect(page.get_by_role("row").filter(has_text="Scanner shows a blank page")).to_be_visible(
        timeout=1_000
    )


def test_a_note_by_one_agent_shows_on_the_others_case_page_and_list(
    live_server: LiveServer, page: Page, other: Page, world: World, carl: Actor
) -> None:
    base = live_server.url
    case = make_case(live_server.db, world.agent_a, group_id=world.group_a, title="Fax line dead")
    sign_in_agent(page, base, world.agent_a.email, PASSWORD)
    sign_in_agent(other, base, carl.email, PASSWORD)
    other.goto(f"{base}/console/cases/{case.id}")
    _connected(other)

    page.goto(f"{base}/console/cases/{case.id}")
    page.get_by_role("tab", name="Internal note").click()
    page.locator("#note-body").fill("Called the carrier, line is back")
    page.get_by_role("button", name="Add note", exact=True).click()
    expect(page.locator("#thread")).to_contain_text("Called the carrier, line is back")

    expect(other.locator("#thread")).to_contain_text(
        "Called the carrier, line is back", timeout=1_000
    )

    other.goto(f"{base}/console/cases")
    _connected(other)
    renamed = httpx.patch(
        f"{base}/api/v1/cases/{case.id}",
        json={"title": "Fax line dead on floor 2"},
        headers=world.agent_a.headers,
    )
    assert renamed.status_code == 200, renamed.text
    expect(other.get_by_role("row").filter(has_text="Fax line dead on floor 2")).to_be_visible(
        timeout=1_000
    )


def test_presence_shows_who_views_and_who_types(
    live_server: LiveServer, page: Page, other: Page, world: World, carl: Actor
) -> None:
    base = live_server.url
    case = make_case(live_server.db, world.agent_a, group_id=world.group_a, title="Badge reader")
    sign_in_agent(page, base, world.agent_a.email, PASSWORD)
    sign_in_agent(other, base, carl.email, PASSWORD)
    page.goto(f"{base}/console/cases/{case.id}")
    _connected(page)
    other.goto(f"{base}/console/cases/{case.id}")

    expect(page.locator("#presence")).to_contain_text("carl")
    expect(page.locator("#presence")).to_contain_text("is viewing")
    expect(other.locator("#presence")).to_contain_text("alice")

    other.locator("#reply-body").press_sequentially("Hello")
    expect(page.locator("#presence")).to_contain_text("is typing a reply")
    assert markup_problems(page.content()) == []


def _mail(subject: str, body: str, message_id: str) -> bytes:
    return (
        "From: Carol Client <carol@customer.example>\r\n"
        "To: Acme Support <support@acme.example>\r\n"
        f"Subject: {subject}\r\n"
        "Date: Tue, 10 Mar 2026 09:12:00 +0100\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"{body}\r\n"
    ).encode()


def test_a_reply_racing_a_customer_mail_asks_for_confirmation_first(
    live_server: LiveServer, page: Page
) -> None:
    pw = make_portal_world(live_server.db)
    case = pw.case_for(pw.carol, "Printer jammed on floor 3")
    base = live_server.url
    sign_in_agent(page, base, pw.base.agent_a.email, PASSWORD)
    page.goto(f"{base}/console/cases/{case.id}")
    page.locator("#reply-body").fill("Please restart the printer.")

    raw = _mail(
        f"Re: Printer jammed [{case.reference}]", "Never mind, it works now.", "r1@c.example"
    )
    taken = httpx.post(
        f"{base}/api/v1/mail/inbound",
        timeout=REQUEST_TIMEOUT_S,
        content=raw,
        headers=pw.base.admin.headers | {"Content-Type": "message/rfc822"},
    )
    assert taken.status_code == 200 and taken.json()["case_id"] == case.id, taken.text

    page.get_by_role("button", name="Send reply", exact=True).click()
    expect(page.get_by_role("heading", name="A newer message arrived")).to_be_visible()
    expect(page.locator("ol.newer")).to_contain_text("Never mind, it works now.")
    expect(page.get_by_role("textbox", name="Reply")).to_have_value("Please restart the printer.")
    assert markup_problems(page.content()) == []
    page.get_by_role("button", name="Send anyway").click()
    expect(page.locator("#thread")).to_contain_text("Please restart the printer.")
