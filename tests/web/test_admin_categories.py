"""The categories page: the tree, moving within it, and the assignment rules."""

from __future__ import annotations

import re

from casedesk.services.cases import assignment
from casedesk.services.reference import categories
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, notice_of, redirected_to


def category_id(db: Database, world: World, name: str) -> int:
    for row in categories.list_categories(db, world.admin.principal):
        if row.name == name:
            return row.id
    raise AssertionError(f"no category {name}")


def test_a_subcategory_is_shown_under_its_parent(
    admin: Browser, db: Database, world: World
) -> None:
    redirected_to(admin.post("/console/admin/categories", {"name": "Hardware"}))
    hardware = category_id(db, world, "Hardware")
    redirected_to(
        admin.post("/console/admin/categories", {"name": "Printers", "parent_id": str(hardware)})
    )
    page = admin.get("/console/admin/categories").text
    nested = re.search(r">Hardware</a>\s*<ul>\s*<li><a [^>]*>Printers</a>", page)
    assert nested, page
    # The parent select offers the subcategory indented below its parent.
    assert "\u2014 Printers</option>" in page


def test_a_category_cannot_move_under_its_own_subcategory(
    admin: Browser, db: Database, world: World
) -> None:
    redirected_to(admin.post("/console/admin/categories", {"name": "Software"}))
    software = category_id(db, world, "Software")
    redirected_to(
        admin.post("/console/admin/categories", {"name": "Office", "parent_id": str(software)})
    )
    office = category_id(db, world, "Office")
    edit = admin.get(f"/console/admin/categories/{software}").text
    assert f'<option value="{office}"' not in edit  # not offered as its own parent
    answer = admin.post(
        f"/console/admin/categories/{software}", {"name": "Software", "parent_id": str(office)}
    )
    assert answer.status_code == 422
    assert "cannot move under" in notice_of(answer)
    assert categories.get_category(db, world.admin.principal, software).parent_id is None


def test_a_category_with_subcategories_is_not_deleted(
    admin: Browser, db: Database, world: World
) -> None:
    redirected_to(admin.post("/console/admin/categories", {"name": "Network"}))
    network = category_id(db, world, "Network")
    redirected_to(
        admin.post("/console/admin/categories", {"name": "VPN", "parent_id": str(network)})
    )
    answer = admin.post(f"/console/admin/categories/{network}/delete", {})
    assert answer.status_code == 409
    assert "subcategories" in notice_of(answer)


def test_an_admin_sets_the_assignment_rules(admin: Browser, db: Database, world: World) -> None:
    redirected_to(admin.post("/console/admin/categories", {"name": "Billing"}))
    billing = category_id(db, world, "Billing")
    url = f"/console/admin/categories/{billing}/assignment"
    agents = [str(world.agent_a.user_id), str(world.agent_b.user_id)]
    redirected_to(admin.post(url, {"strategy": "round_robin", "agent_ids": agents}))
    rules = assignment.get_rules(db, world.admin.principal, billing)
    assert rules.strategy is not None and rules.strategy.value == "round_robin"
    assert rules.agent_ids == sorted([world.agent_a.user_id, world.agent_b.user_id])
    page = admin.get(f"/console/admin/categories/{billing}").text
    assert '<option value="round_robin" selected>' in page

    refused = admin.post(url, {"strategy": "by_mood", "agent_ids": agents})
    assert refused.status_code == 422
    assert "strategy" in notice_of(refused)
    nobody = admin.post(url, {"strategy": "least_open", "agent_ids": ["999999"]})
    assert nobody.status_code == 422
    assert "not an active user" in notice_of(nobody)
    kept = assignment.get_rules(db, world.admin.principal, billing)
    assert kept.strategy is not None and kept.strategy.value == "round_robin"
