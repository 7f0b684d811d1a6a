"""The delivery log of a webhook, and sending a delivery again by hand.

A redelivery is a new delivery with the same body and ``webhook-id`` (receivers that
drop duplicates by id see it as the same message), due at once, signed anew when sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, NotFound
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import Out, get_row
from casedesk.services.webhooks.subscriptions import require_admin
from casedesk.store.db import Database
from casedesk.store.models import Webhook, WebhookDelivery

State = Literal["pending", "delivered", "failed"]


class DeliveryOut(Out):
    id: int
    webhook_id: int
    event_type: str
    case_id: int | None
    message_id: str
    state: State
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    #: The receiver's HTTP status on the last attempt (none if it was not reached).
    response_status: int | None
    #: How long the last attempt took, in milliseconds.
    response_ms: int | None
    #: The start of the receiver's answer.
    response_excerpt: str
    #: Why the last attempt got no answer (refused address, timeout, connection error).
    error: str
    redelivery_of: int | None
    created_at: datetime
    delivered_at: datetime | None


def list_deliveries(
    db: Database,
    principal: Principal,
    webhook_id: int,
    *,
    limit: int = 50,
    offset: int = 0,
    state: State | None = None,
) -> list[DeliveryOut]:
    """Newest first."""
    require_admin(principal)
    with db.read() as s:
        get_row(s, Webhook, webhook_id, principal.corporation_id, "webhook")
        stmt = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        if state is not None:
            stmt = stmt.where(WebhookDelivery.state == state)
        rows = s.scalars(stmt.order_by(WebhookDelivery.id.desc()).limit(limit).offset(offset))
        return [DeliveryOut.model_validate(r) for r in rows]


def get_delivery(
    db: Database, principal: Principal, webhook_id: int, delivery_id: int
) -> DeliveryOut:
    require_admin(principal)
    with db.read() as s:
        return DeliveryOut.model_validate(_delivery(s, principal, webhook_id, delivery_id))


def redeliver(
    db: Database,
    principal: Principal,
    webhook_id: int,
    delivery_id: int,
    *,
    now: datetime | None = None,
) -> DeliveryOut:
    """Queue the delivery again; 409 while the webhook is switched off."""
    require_admin(principal)
    at = now or utcnow()
    with db.write() as s:
        hook = get_row(s, Webhook, webhook_id, principal.corporation_id, "webhook")
        source = _delivery(s, principal, webhook_id, delivery_id)
        if not hook.is_active:
            raise Conflict("the webhook is switched off; switch it on to redeliver")
        row = WebhookDelivery(
            corporation_id=hook.corporation_id,
            webhook_id=hook.id,
            outbox_id=source.outbox_id,
            case_id=source.case_id,
            event_type=source.event_type,
            message_id=source.message_id,
            body=source.body,
            state="pending",
            attempts=0,
            next_attempt_at=at,
            response_excerpt="",
            error="",
            redelivery_of=source.id,
            created_at=at,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            principal,
            hook.corporation_id,
            "webhook.redelivered",
            "webhook",
            hook.id,
            changes={"delivery_id": {"from": source.id, "to": row.id}},
        )
        return DeliveryOut.model_validate(row)


def _delivery(
    s: Session, principal: Principal, webhook_id: int, delivery_id: int
) -> WebhookDelivery:
    row = s.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.webhook_id == webhook_id,
            WebhookDelivery.corporation_id == principal.corporation_id,
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"delivery {delivery_id} not found")
    return row
