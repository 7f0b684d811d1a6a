"""The ``webhooks`` job: run by the job runner under its lease, it queues what the
outbox's events ask for and sends it, reaching loopback only because
``CASEDESK_WEBHOOK_ALLOW`` names it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.automation.jobs import JOBS
from casedesk.automation.runner import run_due
from casedesk.domain.webhooks import AllowList
from casedesk.services.webhooks import log, subscriptions
from casedesk.services.webhooks.subscriptions import WebhookCreate
from casedesk.store.db import Database
from tests.factories import make_case, make_world
from tests.services.webhooks.receiver import run_receiver

WEBHOOK_JOBS = [job for job in JOBS if job.name == "webhooks"]


def test_the_job_delivers_to_an_allowed_receiver_once_per_lease(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(db)
    now = datetime.now(UTC)
    with run_receiver() as receiver:
        hook = subscriptions.create_webhook(
            db,
            world.admin.principal,
            WebhookCreate(url=receiver.url(), event_types=["case.created"]),
            AllowList.parse(["127.0.0.1"]),
        )
        make_case(db, world.admin)

        monkeypatch.delenv("CASEDESK_WEBHOOK_ALLOW", raising=False)
        assert run_due(db, "one", jobs=WEBHOOK_JOBS, now=lambda: now) == {"webhooks": 1}
        assert receiver.requests == []  # loopback is not allowed by default
        [refused] = log.list_deliveries(db, world.admin.principal, hook.id)
        assert "loopback" in refused.error

        monkeypatch.setenv("CASEDESK_WEBHOOK_ALLOW", "10.0.0.0/8, 127.0.0.1/32")
        later = refused.next_attempt_at
        assert later is not None
        assert run_due(db, "two", jobs=WEBHOOK_JOBS, now=lambda: later) == {"webhooks": 1}
        assert run_due(db, "two", jobs=WEBHOOK_JOBS, now=lambda: later) == {}  # not due yet
        assert len(receiver.requests) == 1
        again = later + timedelta(seconds=5)
        assert run_due(db, "two", jobs=WEBHOOK_JOBS, now=lambda: again) == {"webhooks": 0}
    [sent] = log.list_deliveries(db, world.admin.principal, hook.id)
    assert (sent.state, sent.attempts) == ("delivered", 2)
