"""Changes to the case row that several use-cases share: the status transition with its
history, timestamps, and the merged-case guard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from casedesk.domain.statuses import (
    InternalStatus,
    StatusCatalog,
    UserStatus,
    check_updatable,
    remembers_as_last_open,
)
from casedesk.store.models import Case, StatusHistory


def ensure_updatable(case: Case) -> None:
    check_updatable(case.id, InternalStatus(case.status), case.merged_into_id)


def touch(case: Case, now: datetime) -> None:
    case.updated_at = now


def current_status(catalog: StatusCatalog, case: Case) -> UserStatus:
    found = catalog.get(case.status_id)
    if found is None:  # the status row is referenced by FK, so it exists
        raise LookupError(f"status {case.status_id} missing from catalog")
    return found


def last_open_status(catalog: StatusCatalog, case: Case) -> UserStatus | None:
    return catalog.get(case.last_open_status_id) if case.last_open_status_id else None


def enter_status(
    session: Session,
    case: Case,
    new: UserStatus,
    now: datetime,
    *,
    actor_id: int | None,
    reason: str,
    previous: UserStatus | None,
) -> bool:
    """Move ``case`` into ``new`` and record it in the status history.

    Returns False (and changes nothing) when the case is already in that status.
    """
    if previous is not None and previous.id == new.id:
        return False
    apply_status(case, new, now, previous)
    record_status_change(
        session,
        case_id=case.id,
        status_id=new.id,
        internal_status=int(new.internal),
        from_status_id=previous.id if previous else None,
        changed_at=now,
        changed_by_id=actor_id,
        reason=reason,
    )
    return True


_INSERT_HISTORY = insert(StatusHistory)


def record_status_change(session: Session, **row: object) -> None:
    """Append a status history row (a Core INSERT on the session's connection)."""
    session.connection().execute(_INSERT_HISTORY, row)


def apply_status(case: Case, new: UserStatus, now: datetime, previous: UserStatus | None) -> None:
    """The row fields that follow a status: internal status, last open, closed, on hold."""
    case.status_id = new.id
    case.status = int(new.internal)
    case.status_changed_at = now
    if remembers_as_last_open(new):
        case.last_open_status_id = new.id
        case.last_open_at = now
    if new.internal == InternalStatus.CLOSED:
        case.closed_at = now
    elif previous is not None and previous.internal == InternalStatus.CLOSED:
        case.closed_at = None
    if new.internal != InternalStatus.ON_HOLD:
        case.on_hold_until = None
