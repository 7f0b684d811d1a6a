"""Sending queued deliveries, signed per Standard Webhooks, with retries.

Each due delivery is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, and a lease
through ``next_attempt_at`` so another process leaves it alone while it is sent), signed
with its webhook's secret (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``:
HMAC-SHA256 by the ``standardwebhooks`` package), sent, and its outcome logged. A 2xx
answer delivers it; anything else is tried again after ``domain.webhooks.retry_delay``
(30 s doubling up to 6 h, over 26 hours in all). When the last attempt fails too, the
webhook is switched off and its corporation's admins get a mail (a ``webhook.disabled``
outbox event that the mail delivery turns into one), so a receiver gone for good stops
costing work and somebody knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Signer

from casedesk.domain import webhooks as rules
from casedesk.services.kernel import audit
from casedesk.services.webhooks import transport
from casedesk.store.db import Database
from casedesk.store.models import Webhook, WebhookDelivery

BATCH = 10
#: How long a claimed delivery is left to the process sending it: longer than a batch
#: of attempts can take (``transport.DEADLINE`` each, plus connecting), so no other
#: process takes a delivery that is still being sent.
CLAIM_LEASE = timedelta(minutes=15)
USER_AGENT = "casedesk-webhooks"

Post = Callable[[str, bytes, Mapping[str, str], rules.AllowList], transport.Outcome]


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    url: str
    secret: str
    message_id: str
    body: str


def deliver_due(
    db: Database,
    now: datetime,
    allow: rules.AllowList,
    *,
    batch: int = BATCH,
    post: Post = transport.post,
) -> int:
    """Send every delivery due at ``now``; how many were attempted."""
    done = 0
    while claimed := claim(db, now, batch=batch):
        for item in claimed:
            outcome = post(item.url, item.body.encode(), headers(item, now), allow)
            record(db, item.id, outcome, now)
            done += 1
        if len(claimed) < batch:
            break
    return done


def headers(item: Claimed, now: datetime) -> dict[str, str]:
    signature = Signer(item.secret).sign(item.message_id, now, item.body.encode())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": item.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def claim(db: Database, now: datetime, *, batch: int = BATCH) -> list[Claimed]:
    """Take up to ``batch`` due deliveries of active webhooks, counting the attempt."""
    with db.write() as s:
        rows = s.execute(
            select(WebhookDelivery, Webhook.url, Webhook.secret)
            .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(
                WebhookDelivery.state == "pending",
                WebhookDelivery.next_attempt_at <= now,
                Webhook.is_active.is_(True),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(batch)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        ).all()
        out = []
        for delivery, url, secret in rows:
            delivery.attempts += 1
            delivery.next_attempt_at = now + CLAIM_LEASE
            out.append(Claimed(delivery.id, url, secret, delivery.message_id, delivery.body))
        return out


def record(db: Database, delivery_id: int, outcome: transport.Outcome, now: datetime) -> None:
    """Log the attempt; deliver, schedule the next one, or give up and switch off."""
    with db.write() as s:
        row = s.get(WebhookDelivery, delivery_id, with_for_update=True)
        if row is None or row.state != "pending":
            return
        row.last_attempt_at = now
        row.response_status = outcome.status
        row.response_ms = outcome.elapsed_ms
        row.response_excerpt = outcome.excerpt
        row.error = outcome.error
        if outcome.ok:
            row.state, row.delivered_at, row.next_attempt_at = "delivered", now, None
            return
        delay = rules.retry_delay(row.attempts)
        if delay is not None:
            row.next_attempt_at = now + delay
            return
        row.state, row.next_attempt_at = "failed", None
        hook = s.get(Webhook, row.webhook_id, with_for_update=True)
        if hook is None or not hook.is_active:
            return
        reason = (
            f"switched off after {row.attempts} failed attempts of delivery {row.id}: "
            + (outcome.error or f"HTTP {outcome.status}")
        )[:500]
        hook.is_active, hook.disabled_reason, hook.disabled_at = False, reason, now
        audit.record(
            s,
            None,
            hook.corporation_id,
            "webhook.disabled",
            "webhook",
            hook.id,
            changes={"is_active": {"from": True, "to": False}},
            at=now,
        )
        audit.emit(
            s,
            hook.corporation_id,
            rules.DISABLED,
            {"webhook_id": hook.id, "url": hook.url, "reason": reason},
        )
