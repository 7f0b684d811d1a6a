"""Every admin page's markup keeps the rules the CSP and accessibility set: no inline
style or script, no hx-on, a label for every field, headings in order."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.reference import categories, statuses
from casedesk.services.reference.categories import CategoryCreate
from casedesk.store.db import Database
from casedesk.web.routes.admin_forms import SECTIONS
from tests.factories import World, make_world
from tests.web.admin_client import Browser
from tests.web.markup import markup_problems


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def pages(db: Database, world: World) -> list[str]:
    """The index, every list page and an edit page of each kind that has rows."""
    category = categories.create_category(db, world.admin.principal, CategoryCreate(name="Net"))
    status = statuses.list_statuses(db, world.admin.principal)[0]
    return [
        "/console/admin",
        *(href for href, _, _ in SECTIONS),
        f"/console/admin/users/{world.agent_a.user_id}",
        f"/console/admin/groups/{world.group_a}",
        f"/console/admin/categories/{category.id}",
        f"/console/admin/statuses/{status.id}",
    ]


def test_every_admin_page_has_labels_ordered_headings_and_nothing_inline(
    settings: Settings, db: Database, world: World
) -> None:
    admin = Browser(TestClient(create_app(settings, db)), world.admin.email)
    for url in pages(db, world):
        answer = admin.get(url)
        assert answer.status_code == 200, url
        assert markup_problems(answer.text) == [], url
