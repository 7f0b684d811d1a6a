"""Changes to the case row that several use-cases share: the status transition with its
history, timestamps, and the merged-case guard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
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


def record_status_changes(session: Session, rows: list[dict[str, object]]) -> None:
    """Append status history rows, all with the same keys, in one statement."""
    if rows:
        session.connection().execute(_INSERT_HISTORY, rows if len(rows) > 1 else rows[0])


def apply_status(case: Case, new: UserStatus, now: datetime, previous: UserStatus | None) -> None:
    """The row fields that follow a status: internal status, last open, closed, on hold."""
    for name, value in status_fields(new, now, previous).items():
        setattr(case, name, value)


def status_fields(new: UserStatus, now: datetime, previous: UserStatus | None) -> dict[str, Any]:
    """What entering ``new`` at ``now`` (from ``previous``) sets on the case row."""
    fields: dict[str, Any] = {
        "status_id": new.id,
        "status": int(new.internal),
        "status_changed_at": now,
    }
    if remembers_as_last_open(new):
        fields["last_open_status_id"] = new.id
        fields["last_open_at"] = now
    if new.internal == InternalStatus.CLOSED:
        fields["closed_at"] = now
    elif previous is not None and previous.internal == InternalStatus.CLOSED:
        fields["closed_at"] = None
    if new.internal != InternalStatus.ON_HOLD:
        fields["on_hold_until"] = None
    return fields


def check_status_permission(principal: Principal, status: UserStatus) -> None:
    """The permission moving a case into ``status`` takes; merging has its own operation."""
    if status.internal == InternalStatus.CLOSED:
        principal.require(Permission.CLOSE_CASE)
    elif status.internal == InternalStatus.DELETED:
        principal.require(Permission.DELETE_CASE)
    elif status.internal == InternalStatus.MERGED:
        raise ValidationFailed("use the merge operation to merge a case", field="status")
