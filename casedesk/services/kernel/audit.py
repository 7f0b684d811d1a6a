"""Audit records and outbox events, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Principal
from casedesk.services.kernel import event_hooks
from casedesk.store.models import AuditEntry, OutboxEvent
from casedesk.store.per_transaction import first_in_transaction

Changes = dict[str, dict[str, Any]]

#: Core INSERTs on the session's connection: these rows are only ever appended, so the
#: ORM's unit of work would add cost and nothing else.
_INSERT_AUDIT = insert(AuditEntry)
_INSERT_EVENT = insert(OutboxEvent)

Event = tuple[int, str, dict[str, Any]]

#: Called with every batch of events in the transaction that writes them. A context
#: that must act in that transaction (``notifications``) registers here, so the contexts
#: below it that emit the events need not know it.
_listeners: list[Callable[[Session, list[Event]], None]] = []


def add_listener(listener: Callable[[Session, list[Event]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """``{field: {"from": old, "to": new}}`` for every field whose value changed."""
    return {
        k: {"from": jsonable(before.get(k)), "to": jsonable(v)}
        for k, v in after.items()
        if before.get(k) != v
    }


def record(
    session: Session,
    principal: Principal | None,
    corporation_id: int,
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    case_id: int | None = None,
    changes: Changes | None = None,
    at: datetime | None = None,
    actor_label: str = "",
) -> None:
    row = entry(
        principal,
        corporation_id,
        action,
        entity_type,
        entity_id,
        case_id=case_id,
        changes=changes,
        at=at,
        actor_label=actor_label,
    )
    session.connection().execute(_INSERT_AUDIT, row)
    if case_id is not None:
        _wake_live_readers(session)


def entry(
    principal: Principal | None,
    corporation_id: int,
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    case_id: int | None = None,
    changes: Changes | None = None,
    at: datetime | None = None,
    actor_label: str = "",
) -> dict[str, Any]:
    """An audit row, for :func:`record_many` (without ``at``: the time of writing)."""
    row: dict[str, Any] = {
        "corporation_id": corporation_id,
        "actor_user_id": principal.user_id if principal else None,
        "actor_label": actor_label or (principal.acting_as or "user" if principal else "system"),
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "case_id": case_id,
        "changes": changes or {},
    }
    if at is not None:
        row["at"] = at
    return row


def record_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write audit rows made by :func:`entry`, all with the same keys, in one statement."""
    if rows:
        session.connection().execute(_INSERT_AUDIT, rows)
        if any(r.get("case_id") is not None for r in rows):
            _wake_live_readers(session)


#: The PostgreSQL channel on which a committed case change wakes every server process's
#: live-update hub at once (services/reports/live.py listens on it).
LIVE_CHANNEL = "casedesk_live"
_NOTIFY = text(f"SELECT pg_notify('{LIVE_CHANNEL}', '')")


def _wake_live_readers(session: Session) -> None:
    """On PostgreSQL, NOTIFY once per transaction that wrote a case's audit row; it is
    delivered when (and only if) the transaction commits."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    if first_in_transaction(conn, "casedesk.live_notified"):
        conn.execute(_NOTIFY)


def emit(session: Session, corporation_id: int, topic: str, payload: dict[str, Any]) -> None:
    emit_many(session, [(corporation_id, topic, payload)])


def emit_many(session: Session, events: list[Event]) -> None:
    """Append outbox events ``(corporation_id, topic, payload)`` in one statement."""
    rows = [
        {"corporation_id": corp, "topic": topic, "payload": jsonable_dict(payload)}
        for corp, topic, payload in events
    ]
    if rows:
        session.connection().execute(_INSERT_EVENT, rows if len(rows) > 1 else rows[0])
        for listener in _listeners:
            listener(session, events)
        event_hooks.queue(session, [(c, t, p) for c, t, p in events])


def jsonable_dict(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in payload.items()}
