"""Notifications by mail, from the outbox events the use-cases write with their changes.

Delivery takes pending events in batches (``claim``: ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, and a lease through ``available_at`` so another worker leaves them alone),
works out who gets which mail (``notification_plans.plan``), and the email channel
renders and sends them.
Each mail sent is recorded at once (``record``), so a retry after a failure part-way
sends only what is missing; an event is marked delivered when all its mails are out,
else it waits ``retry_delay(attempts)`` and is tried again. Nothing is dropped while
SMTP is down. Topics without mail are marked delivered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.domain.mail import hour_of, retry_delay
from casedesk.services.mail.planned import Event, PlannedMail
from casedesk.store.db import Database
from casedesk.store.models import (
    CaseMessage,
    MailRate,
    MailTemplate,
    OutboundMail,
    OutboxEvent,
)

BATCH = 50
#: How long a claimed event is left to the worker that claimed it.
CLAIM_LEASE = timedelta(minutes=5)


def claim(db: Database, now: datetime, *, batch: int = BATCH) -> list[Event]:
    """Take up to ``batch`` due events for this worker, counting the attempt."""
    with db.write() as s:
        rows = s.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.delivered_at.is_(None), OutboxEvent.available_at <= now)
            .order_by(OutboxEvent.available_at, OutboxEvent.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        events = []
        for row in rows:
            row.attempts += 1
            row.available_at = now + CLAIM_LEASE
            events.append(
                Event(row.id, row.corporation_id, row.topic, dict(row.payload), row.attempts)
            )
        return events


def finish(db: Database, event_id: int, now: datetime) -> None:
    with db.write() as s:
        s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id, OutboxEvent.delivered_at.is_(None))
            .values(delivered_at=now)
        )


def retry_later(db: Database, event: Event, now: datetime) -> datetime:
    """Put the event back, due again after the backoff for its attempts; when."""
    due = now + retry_delay(event.attempts)
    with db.write() as s:
        s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event.id, OutboxEvent.delivered_at.is_(None))
            .values(available_at=due)
        )
    return due


def already_sent(db: Database, event_id: int) -> set[str]:
    with db.read() as s:
        return set(
            s.scalars(select(OutboundMail.recipient).where(OutboundMail.outbox_id == event_id))
        )


def under_cap(db: Database, corporation_id: int, address: str, now: datetime, cap: int) -> bool:
    with db.read() as s:
        sent = s.scalar(
            select(MailRate.count).where(
                MailRate.corporation_id == corporation_id,
                MailRate.address == address,
                MailRate.hour == hour_of(now),
            )
        )
    return (sent or 0) < cap


def record(
    db: Database,
    event: Event,
    mail: PlannedMail,
    *,
    message_id: str,
    subject: str,
    state: str,
    now: datetime,
) -> None:
    """Note a mail as sent (or why not), count it against the hourly cap if automatic,
    and give the case message it carries its Message-ID."""
    with db.write() as s:
        s.add(
            OutboundMail(
                corporation_id=event.corporation_id,
                outbox_id=event.id,
                case_id=mail.case_id,
                recipient=mail.recipient,
                template=mail.template,
                subject=subject[:500],
                message_id=message_id,
                state=state,
                sent_at=now,
            )
        )
        if state == "sent" and mail.automatic:
            _count(s, event.corporation_id, mail.recipient, hour_of(now))
        if state == "sent" and mail.case_message_id is not None:
            s.execute(
                update(CaseMessage)
                .where(CaseMessage.id == mail.case_message_id)
                .values(message_id_header=message_id)
            )


def template_override(db: Database, corporation_id: int, name: str) -> tuple[str, str] | None:
    with db.read() as s:
        row = s.get(MailTemplate, (corporation_id, name))
        return (row.subject, row.body) if row is not None else None


def _count(s: Session, corporation_id: int, address: str, hour: datetime) -> None:
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(MailRate).values(
        corporation_id=corporation_id, address=address, hour=hour, count=1
    )
    s.execute(
        stmt.on_conflict_do_update(
            index_elements=["corporation_id", "address", "hour"],
            set_={"count": MailRate.count + 1},
        )
    )
