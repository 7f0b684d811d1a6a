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
from tests.web.conftest import LiveServer, sign_in_agent


@pytest.fixture
def carl(world: World, live_server: LiveServer) -> Actor:
    """A second agent of group A (alice's group)."""
    return make_actor(live_server.db, "carl@acme.test", "agent", ["A"], world.corporation_id)


@pytest.fixture
def other(live_server: LiveServer, browser: Browser) -> Iterator[Page]:
    """The second agent's page, in a browser context of its own."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
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
