"""Notifications in a real browser: an assignment made through the API lights the
assignee's bell without a reload (the event stream announces it); the list names the
case, and following its link opens the case and marks the notification read."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, World, make_case
from tests.web.conftest import LiveServer, sign_in_agent


def test_the_bell_counts_an_assignment_and_following_it_marks_it_read(
    page: Page, live_server: LiveServer, world: World
) -> None:
    case = make_case(
        live_server.db, world.admin, title="Projector flickers", group_id=world.group_a
    )
    base = live_server.url
    sign_in_agent(page, base, world.agent_a.email, PASSWORD)
    bell = page.get_by_role("link", name="Notifications")
    expect(bell).to_be_visible()
    expect(page.locator("#notification-count")).to_have_count(0)
    expect(page.locator("body")).to_have_attribute("data-live", "connected")

    answer = httpx.patch(
        f"{base}/api/v1/cases/{case.id}",
        json={"assignee_id": world.agent_a.user_id},
        headers=world.admin.headers | {"If-Match": f'"{case.id}-{case.version}"'},
    )
    assert answer.status_code == 200, answer.text
    expect(page.locator("#notification-count")).to_have_text("1")

    page.locator("#notification-bell").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    link = page.get_by_role("link", name=f"Assigned to you: #{case.number} Projector flickers")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Projector flickers")
    expect(page.locator("#notification-bell")).to_have_attribute("hx-trigger", "live, every 60s")
    expect(page.locator("#notification-count")).to_have_count(0)

    page.goto(f"{base}/console/notifications")
    expect(page.locator("main")).to_contain_text("0 unread")
    expect(page.get_by_role("button", name=f"Mark read: #{case.number}")).to_have_count(0)
