"""Bulk work and keys in a real browser: shift-click ticks a range of rows and one
status change applies to exactly them; j/k/x/Enter/?/r/n/a work and stay quiet while
typing in a field."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from casedesk.domain.statuses import InternalStatus as S
from casedesk.services.cases import core as cases
from tests.api.test_cases_api import status_id
from tests.factories import PASSWORD, make_case, make_world
from tests.web.conftest import LiveServer, sign_in_agent


def test_shift_click_ticks_a_range_and_a_status_change_applies_to_it(
    page: Page, live_server: LiveServer
) -> None:
    db = live_server.db
    world = make_world(db)
    made = [
        make_case(db, world.agent_a, group_id=world.group_a, title=f"Jam {n}") for n in range(5)
    ]
    pending = status_id(db, world.corporation_id, S.AWAITING_EXTERNAL)
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases?sort=number")
    ref = {c.id: c.reference for c in made}
    page.get_by_label(f"Tick case {ref[made[1].id]}").click()
    page.get_by_label(f"Tick case {ref[made[3].id]}").click(modifiers=["Shift"])
    expect(page.locator("#bulk-count")).to_have_text("3 cases ticked")
    page.get_by_label("Status", exact=True).last.select_option(str(pending))
    page.get_by_role("button", name="Change ticked cases").click()
    expect(page.locator("#bulk-summary")).to_have_text("3 of 3 cases changed.")
    changed = {
        c.id for c in made if cases.get_case(db, world.admin.principal, c.id).status_id == pending
    }
    assert changed == {made[1].id, made[2].id, made[3].id}


def test_keys_move_tick_open_answer_and_assign(page: Page, live_server: LiveServer) -> None:
    db = live_server.db
    world = make_world(db)
    made = [
        make_case(db, world.agent_a, group_id=world.group_a, title=f"Fan {n}") for n in range(3)
    ]
    sign_in_agent(page, live_server.url, world.agent_a.email, PASSWORD)
    page.goto(f"{live_server.url}/console/cases?sort=number")
    # Typing in a field is left alone.
    page.get_by_label("Words").type("jjx")
    expect(page.locator("tr.current")).to_have_count(0)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keys")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    second = page.locator("tr[data-case-row]").nth(1)
    expect(second).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("x")
    expect(second.get_by_role("checkbox")).to_be_checked()
    expect(page.locator("#bulk-count")).to_have_text("1 case ticked")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(made[1].title)
    page.locator("h1").click()
    page.keyboard.press("n")
    expect(page.locator("#note-body")).to_be_focused()
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("r")
    expect(page.locator("#reply-body")).to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("a")
    expect(page.locator("#summary-assignee")).to_contain_text(world.agent_a.email.split("@")[0])
    assert (
        cases.get_case(db, world.admin.principal, made[1].id).assignee_id == world.agent_a.user_id
    )
