"""The webhooks admin pages: an admin creates a webhook (its secret shown once),
edits it, reads the delivery log and sends a delivery again; every page passes the
markup checks, an agent is refused, and a forbidden address is refused on the page
with no row written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.webhooks import AllowList
from casedesk.services.webhooks import delivery, dispatch, log, subscriptions
from casedesk.store.db import Database
from tests.factories import World, make_case, make_world
from tests.services.webhooks.receiver import Receiver, run_receiver
from tests.web.admin_client import Browser, redirected_to
from tests.web.markup import markup_problems

ALLOW = ["127.0.0.1/32"]


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with run_receiver() as r:
        yield r


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allow": ALLOW})


def browser(settings: Settings, db: Database, email: str) -> Browser:
    return Browser(TestClient(create_app(settings, db)), email)


def test_an_admin_creates_edits_and_redelivers(
    app_settings: Settings, db: Database, world: World, receiver: Receiver
) -> None:
    admin = browser(app_settings, db, world.admin.email)
    created = admin.post_form(
        "/console/admin/webhooks",
        {
            "url": receiver.url(),
            "description": "CRM",
            "event_types": ["case.created", "message.added"],
            "group_ids": [str(world.group_a)],
            "is_active": "1",
        },
    )
    assert created.status_code == 200, created.text
    assert markup_problems(created.text) == []
    secret = re.search(r'id="webhook-secret-value">(whsec_[^<]+)<', created.text)
    assert secret is not None
    [hook] = subscriptions.list_webhooks(db, world.admin.principal)
    assert (hook.event_types, hook.filters.group_ids) == (
        ["case.created", "message.added"],
        [world.group_a],
    )

    listing = admin.get("/console/admin/webhooks")
    assert receiver.url() in listing.text and secret.group(1) not in listing.text
    assert markup_problems(listing.text) == []

    make_case(db, world.admin, group_id=world.group_a)
    now = datetime.now(UTC)
    dispatch.fan_out(db, now)
    delivery.deliver_due(db, now, AllowList.parse(ALLOW))
    page = admin.get(f"/console/admin/webhooks/{hook.id}")
    assert page.status_code == 200
    assert markup_problems(page.text) == []
    assert secret.group(1) not in page.text
    assert "HTTP 200" in page.text and "case.created" in page.text

    [sent] = log.list_deliveries(db, world.admin.principal, hook.id)
    target = redirected_to(
        admin.post(f"/console/admin/webhooks/{hook.id}/deliveries/{sent.id}/redeliver", {})
    )
    assert target == f"/console/admin/webhooks/{hook.id}?done=queued"
    assert [d.state for d in log.list_deliveries(db, world.admin.principal, hook.id)] == [
        "pending",
        "delivered",
    ]

    redirected_to(
        admin.post(
            f"/console/admin/webhooks/{hook.id}",
            {"url": receiver.url("/v2"), "event_types": ["case.updated"]},
        )
    )
    changed = subscriptions.get_webhook(db, world.admin.principal, hook.id)
    assert (changed.url, changed.event_types, changed.is_active) == (
        receiver.url("/v2"),
        ["case.updated"],
        False,
    )
    assert changed.filters.group_ids == []

    rotated = admin.post_form(f"/console/admin/webhooks/{hook.id}/rotate-secret", {})
    new_secret = re.search(r'id="webhook-secret-value">(whsec_[^<]+)<', rotated.text)
    assert new_secret is not None and new_secret.group(1) != secret.group(1)

    redirected_to(admin.post(f"/console/admin/webhooks/{hook.id}/delete", {}))
    assert subscriptions.list_webhooks(db, world.admin.principal) == []


def test_a_forbidden_address_is_refused_and_nothing_is_saved(
    settings: Settings, db: Database, world: World
) -> None:
    admin = browser(settings, db, world.admin.email)
    answer = admin.post_form(
        "/console/admin/webhooks",
        {"url": "http://169.254.169.254/latest/meta-data/", "event_types": ["case.created"]},
    )
    assert answer.status_code == 422
    assert "metadata" in answer.text
    assert markup_problems(answer.text) == []
    assert subscriptions.list_webhooks(db, world.admin.principal) == []


def test_an_agent_is_refused(settings: Settings, db: Database, world: World) -> None:
    agent = browser(settings, db, world.agent_a.email)
    assert agent.get("/console/admin/webhooks").status_code == 403
    answer = agent.post(
        "/console/admin/webhooks",
        {"url": "https://hooks.example.org/", "event_types": ["case.created"]},
    )
    assert answer.status_code == 403
    assert subscriptions.list_webhooks(db, world.admin.principal) == []
