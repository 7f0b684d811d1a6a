"""The business metrics on /metrics, against figures counted by hand on a small set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.reports.metrics import BusinessMetrics
from casedesk.store.db import Database
from casedesk.store.models import (
    InboundMail,
    JobLease,
    OutboxEvent,
    SlaBreach,
    Webhook,
    WebhookDelivery,
)
from tests.factories import World, make_case, make_world

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def small_set(db: Database) -> World:
    w = make_world(db)
    a1 = make_case(db, w.agent_a, group_id=w.group_a)
    make_case(db, w.agent_a, group_id=w.group_a)
    waiting = make_case(db, w.agent_a, group_id=w.group_a)
    cases.update_case(db, w.agent_a.principal, waiting.id, CasePatch(status=3))
    closed = make_case(db, w.agent_b, group_id=w.group_b)
    cases.update_case(db, w.agent_b.principal, closed.id, CasePatch(status=2))
    make_case(db, w.agent_b, group_id=w.group_b)
    with db.write() as s:
        for n, target in enumerate(("first_response", "first_response", "resolution")):
            s.add(
                SlaBreach(
                    case_id=a1.id,
                    target=target,
                    due_at=NOW - timedelta(hours=n + 1),
                    breached_at=NOW,
                )
            )
        for n, outcome in enumerate(["created", "created", "quarantined", "quarantined"]):
            s.add(
                InboundMail(
                    corporation_id=w.corporation_id,
                    message_id=f"<m{n}@example.test>",
                    outcome=outcome,
                    received_at=NOW - timedelta(minutes=10 * n),
                )
            )
        s.query(OutboxEvent).delete()
        s.add(
            OutboxEvent(
                corporation_id=w.corporation_id,
                topic="t",
                payload={},
                created_at=NOW - timedelta(seconds=90),
            )
        )
        s.add(
            OutboxEvent(
                corporation_id=w.corporation_id,
                topic="t",
                payload={},
                created_at=NOW - timedelta(seconds=30),
            )
        )
        s.add(
            OutboxEvent(
                corporation_id=w.corporation_id,
                topic="t",
                payload={},
                created_at=NOW - timedelta(hours=5),
                delivered_at=NOW,
            )
        )
        s.add(JobLease(name="mail-delivery", last_run_at=NOW - timedelta(seconds=65)))
        s.add(JobLease(name="auto-close", last_run_at=NOW - timedelta(seconds=20)))
        live = Webhook(corporation_id=w.corporation_id, url="https://a.example/", secret="s")
        off = Webhook(
            corporation_id=w.corporation_id,
            url="https://b.example/",
            secret="s",
            is_active=False,
            disabled_reason="failing for 3 days",
            disabled_at=NOW,
        )
        paused = Webhook(
            corporation_id=w.corporation_id, url="https://c.example/", secret="s", is_active=False
        )
        s.add_all([live, off, paused])
        s.flush()
        ages = {"pending": (40, 300), "failed": (7200,), "delivered": (10, 20, 30)}
        for state, seconds in ages.items():
            for n, age in enumerate(seconds):
                s.add(
                    WebhookDelivery(
                        corporation_id=w.corporation_id,
                        webhook_id=live.id if state != "failed" else off.id,
                        event_type="case.updated",
                        message_id=f"msg_{state}_{n}",
                        body="{}",
                        state=state,
                        created_at=NOW - timedelta(seconds=age),
                    )
                )
    return w


def test_figures_match_the_data_set(db: Database) -> None:
    small_set(db)
    registry = CollectorRegistry()
    registry.register(BusinessMetrics(db, {"mail-delivery": 5, "auto-close": 60}, now=lambda: NOW))
    got = samples(generate_latest(registry).decode())
    open_ = {k[1]: v for k, v in got.items() if k[0] == "casedesk_open_cases"}
    assert open_ == {
        (("corporation", "Acme"), ("group", "A"), ("status", "open")): 2,
        (("corporation", "Acme"), ("group", "A"), ("status", "awaiting_external")): 1,
        (("corporation", "Acme"), ("group", "B"), ("status", "open")): 1,
    }
    assert (
        got["casedesk_sla_breaches", (("corporation", "Acme"), ("target", "first_response"))] == 2
    )
    assert got["casedesk_sla_breaches", (("corporation", "Acme"), ("target", "resolution"))] == 1
    assert got["casedesk_mail_intake", (("outcome", "created"),)] == 2
    assert got["casedesk_mail_intake", (("outcome", "quarantined"),)] == 2
    assert got["casedesk_mail_quarantine_depth", ()] == 2
    assert got["casedesk_mail_quarantine_oldest_age_seconds", ()] == 30 * 60
    assert got["casedesk_outbox_depth", ()] == 2
    assert got["casedesk_outbox_oldest_age_seconds", ()] == 90
    assert got["casedesk_job_last_run_age_seconds", (("job", "mail-delivery"),)] == 65
    assert got["casedesk_job_lag_seconds", (("job", "mail-delivery"),)] == 60
    assert got["casedesk_job_lag_seconds", (("job", "auto-close"),)] == 0
    hooks = {k[1]: v for k, v in got.items() if k[0] == "casedesk_webhook_deliveries"}
    assert hooks == {
        (("corporation", "Acme"), ("state", "pending")): 2,
        (("corporation", "Acme"), ("state", "failed")): 1,
    }
    assert got["casedesk_webhook_pending_oldest_age_seconds", ()] == 300
    # Switched off for failing; one an admin paused is not counted.
    assert got["casedesk_webhooks_disabled", (("corporation", "Acme"),)] == 1


def test_figures_are_counted_again_only_when_older_than_max_age(db: Database) -> None:
    w = small_set(db)
    tick = [0.0]
    collector = BusinessMetrics(db, {}, max_age=10, now=lambda: NOW, monotonic=lambda: tick[0])
    registry = CollectorRegistry()
    registry.register(collector)
    key = ("casedesk_open_cases", (("corporation", "Acme"), ("group", "B"), ("status", "open")))
    assert samples(generate_latest(registry).decode())[key] == 1
    make_case(db, w.agent_b, group_id=w.group_b)
    tick[0] = 9.0
    assert samples(generate_latest(registry).decode())[key] == 1  # cached
    tick[0] = 10.0
    assert samples(generate_latest(registry).decode())[key] == 2


def test_metrics_endpoint_serves_them(db: Database, settings: Settings) -> None:
    small_set(db)
    settings = settings.model_copy(update={"metrics_token": "scraper-secret"})
    with TestClient(create_app(settings, db)) as client:
        body = client.get("/metrics", headers={"Authorization": "Bearer scraper-secret"}).text
        anonymous = client.get("/metrics").text
        wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"}).text
    # Without the operators' token the business figures (names, counts) stay hidden.
    for hidden in (anonymous, wrong):
        assert "casedesk_open_cases" not in hidden and "Acme" not in hidden
    got = samples(body)
    assert (
        got["casedesk_open_cases", (("corporation", "Acme"), ("group", "A"), ("status", "open"))]
        == 2
    )
    assert ("casedesk_outbox_depth", ()) in got
