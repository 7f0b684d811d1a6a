"""Turning committed outbox events into webhook deliveries.

The use-cases write an outbox event in the transaction of each change; this reads the
events the webhooks have not seen yet (``outbox.webhooks_seen_at``, a mark of its own:
the mail delivery keeps ``delivered_at``), and queues one delivery per active
subscription of the event's corporation whose event types and filter match. An event
still uncommitted is invisible here and is taken on a later run, so none is skipped;
``FOR UPDATE SKIP LOCKED`` keeps two processes from queuing one event twice.

The body is the event in the Standard Webhooks shape (``type``, ``timestamp``,
``data``), with the case's native API view as it is once the change committed: a
receiver needs no second request to act. A corporation's webhooks see only its cases.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from casedesk.domain import webhooks as rules
from casedesk.domain.permissions import ALL_PERMISSIONS, Principal, Role
from casedesk.services.cases import views
from casedesk.store.db import Database
from casedesk.store.models import Case, OutboxEvent, Webhook, WebhookDelivery

BATCH = 200


def fan_out(db: Database, now: datetime, *, batch: int = BATCH) -> int:
    """Queue the deliveries of every event not seen yet; how many were queued."""
    queued = 0
    while True:
        with db.write() as s:
            events = s.execute(
                select(
                    OutboxEvent.id,
                    OutboxEvent.corporation_id,
                    OutboxEvent.topic,
                    OutboxEvent.payload,
                )
                .where(OutboxEvent.webhooks_seen_at.is_(None))
                .order_by(OutboxEvent.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not events:
                return queued
            queued += _queue(s, events, now)
            s.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_([e.id for e in events]))
                .values(webhooks_seen_at=now)
                .execution_options(synchronize_session=False)
            )
        if len(events) < batch:
            return queued


def _queue(s: Session, events: Sequence[Any], now: datetime) -> int:
    corporations = {e.corporation_id for e in events}
    hooks = s.scalars(
        select(Webhook).where(Webhook.corporation_id.in_(corporations), Webhook.is_active.is_(True))
    ).all()
    if not hooks:
        return 0
    wanted = [(e, *_targets(e, hooks)) for e in events]
    wanted = [w for w in wanted if w[1]]
    cases = _cases(s, [e.payload.get("case_id") for e, _, _ in wanted])
    plans: list[tuple[Any, Case, list[Webhook], str]] = []
    for event, targets, event_type in wanted:
        case = cases.get(event.payload.get("case_id"))
        if case is None or case.corporation_id != event.corporation_id:
            continue
        if event.topic != rules.REQUESTED:
            targets = [
                h
                for h in targets
                if rules.matches(h.filters or {}, group_id=case.group_id, status=case.status)
            ]
        if targets:
            plans.append((event, case, targets, event_type))
    shown = _views(s, [case for _, case, _, _ in plans])
    rows = [
        {
            "corporation_id": event.corporation_id,
            "webhook_id": hook.id,
            "outbox_id": event.id,
            "case_id": case.id,
            "event_type": event_type,
            "message_id": new_message_id(),
            "body": body(shown[case.id], event_type, event.payload, now),
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "response_excerpt": "",
            "error": "",
            "created_at": now,
        }
        for event, case, targets, event_type in plans
        for hook in targets
    ]
    if rows:
        s.execute(insert(WebhookDelivery), rows)
    return len(rows)


def _targets(event: Any, hooks: Sequence[Webhook]) -> tuple[list[Webhook], str]:
    """The subscriptions an event goes to, and the event type they are told."""
    ours = [h for h in hooks if h.corporation_id == event.corporation_id]
    if event.topic == rules.REQUESTED:
        wanted = event.payload.get("webhook_id")
        named = str(event.payload.get("event") or rules.REQUESTED)[:64]
        return [h for h in ours if h.id == wanted], named
    return [h for h in ours if event.topic in (h.event_types or [])], event.topic


def _cases(s: Session, ids: list[object]) -> dict[object, Case]:
    wanted = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return {}
    return {c.id: c for c in s.scalars(select(Case).where(Case.id.in_(wanted)))}


def _views(s: Session, cases: list[Case]) -> dict[int, dict[str, Any]]:
    """Each case as the native API shows it to an admin of its corporation, built in
    one pass per corporation."""
    out: dict[int, dict[str, Any]] = {}
    unique = list({c.id: c for c in cases}.values())
    for corporation_id in {c.corporation_id for c in unique}:
        viewer = Principal(
            user_id=0, corporation_id=corporation_id, role=Role.ADMIN, permissions=ALL_PERMISSIONS
        )
        ours = [c for c in unique if c.corporation_id == corporation_id]
        for view in views.build(s, ours, viewer):
            out[view.id] = view.model_dump(mode="json")
    return out


def body(case: dict[str, Any], event_type: str, payload: dict[str, Any], now: datetime) -> str:
    """The request body: the event type, when it was queued, the case and the event."""
    return json.dumps(
        {
            "type": event_type,
            "timestamp": now.isoformat(),
            "data": {"case": case, "event": payload},
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"
