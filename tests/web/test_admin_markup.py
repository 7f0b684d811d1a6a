"""Every admin page's markup keeps the rules the CSP and accessibility set: no inline
style or script, no hx-on, a label for every field, headings in order."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.config import Settings
from casedesk.services.cases import templates
from casedesk.services.cases.templates import TemplateCreate
from casedesk.services.reference import categories, sla_policies, statuses
from casedesk.services.reference.categories import CategoryCreate
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.schedules import RecurrenceIn, ScheduleCreate
from casedesk.store.db import Database
from casedesk.web.routes.admin_forms import SECTIONS
from tests.factories import World, make_world
from tests.web.admin_client import Browser
from tests.web.markup import markup_problems

HELD = (
    b"From: stranger@elsewhere.example\r\nTo: help@acme.example\r\nSubject: Hello\r\n"
    b"Message-ID: <held.1@elsewhere.example>\r\n\r\nWho are you?\r\n"
)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def pages(db: Database, world: World) -> list[str]:
    """The index, every list page and an edit page of each kind that has rows."""
    category = categories.create_category(db, world.admin.principal, CategoryCreate(name="Net"))
    status = statuses.list_statuses(db, world.admin.principal)[0]
    admin = world.admin.principal
    policy = sla_policies.create_policy(
        db, admin, SlaPolicyCreate(name="Everyone", resolution_minutes=60)
    )
    template = templates.create_template(db, admin, TemplateCreate(name="Backups"))
    schedule = schedules.create_schedule(
        db,
        admin,
        ScheduleCreate(
            name="Weekly",
            template_id=template.id,
            recurrence=RecurrenceIn(kind="daily", at="09:00"),
        ),
    )
    return [
        "/console/admin",
        *(href for href, _, _ in SECTIONS),
        f"/console/admin/users/{world.agent_a.user_id}",
        f"/console/admin/groups/{world.group_a}",
        f"/console/admin/categories/{category.id}",
        f"/console/admin/statuses/{status.id}",
        f"/console/admin/sla-policies/{policy.id}",
        f"/console/admin/schedules/{schedule.id}",
        "/console/admin/mail-templates/case_created_contact",
    ]


def test_every_admin_page_has_labels_ordered_headings_and_nothing_inline(
    settings: Settings, db: Database, world: World
) -> None:
    admin = Browser(TestClient(create_app(settings, db)), world.admin.email)
    urls = pages(db, world)
    store = admin.client.app.state.blob_store  # type: ignore[attr-defined]
    mail = ingest_raw(db, store, world.corporation_id, HELD, Limits.from_settings(settings))
    urls.append(f"/console/admin/quarantine/{mail.inbound_id}")
    for url in urls:
        answer = admin.get(url)
        assert answer.status_code == 200, url
        assert markup_problems(answer.text) == [], url
