"""An agent signs in with a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, World
from tests.web.conftest import LiveServer, sign_in_agent


def test_an_agent_signs_in_and_lands_in_the_console(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.goto(f"{live_server.url}/console")
    expect(page).to_have_url(f"{live_server.url}/console/sign-in?next=%2Fconsole")
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/console/sign-in")
