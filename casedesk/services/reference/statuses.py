"""User-defined case statuses, each mapped onto one of the eight internal statuses.

The status rules need, for every internal status, at least one user status and exactly
one default among them (the one a case gets when only the internal status is named).
So: making a status the default unsets the previous default of its internal status in
the same transaction; the last status of an internal status cannot be deleted or moved
away; and a status cases are or were in cannot be deleted or remapped, as their status
history would change meaning.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from casedesk.domain.clock import clock_class_for
from casedesk.domain.errors import Conflict
from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    In,
    Name100,
    Out,
    claim_default,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    has_default,
    lock_rows,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import CaseStatus

_FIELDS = (
    "name",
    "internal_status",
    "is_default",
    "clock",
    "auto_close_chaser_days",
    "auto_close_days",
    "public_status",
)
Public = Literal["SUBMITTED", "IN_PROGRESS", "RESOLVED", "ACTION_REQUIRED", "CLOSED", "CANCELLED"]
_PUBLIC_HELP = (
    "What external case-management clients see a case in this status as; "
    "none: the default of the internal status (Open SUBMITTED, Awaiting internal and "
    "On hold IN_PROGRESS, Awaiting external ACTION_REQUIRED, Closed and Merged CLOSED, "
    "Deleted and Spam CANCELLED)."
)
Clock = Literal["internal", "external", "queue", "stopped"]
Days = Annotated[int, Field(ge=0, le=3650)]
Internal = Annotated[
    int,
    Field(
        ge=1,
        le=8,
        description="1 Open, 2 Closed, 3 Awaiting external, 4 Deleted, "
        "5 Merged, 6 Spam, 7 Awaiting internal, 8 On hold",
    ),
]


class StatusOut(Out):
    id: int
    name: str
    internal_status: int
    is_default: bool
    clock: Clock
    auto_close_chaser_days: int | None
    auto_close_days: int | None
    public_status: Public | None


class StatusCreate(In):
    name: Name100
    internal_status: Internal
    is_default: bool = False
    clock: Clock | None = Field(
        default=None,
        description="What the time in this status counts as: internal (working on it), "
        "external (waiting on the customer), queue (not yet picked up) or stopped. "
        "Default: internal for Open and Awaiting internal, external for Awaiting "
        "external, stopped otherwise.",
    )
    auto_close_chaser_days: Days | None = Field(
        default=None, description="Days in this status before a friendly chaser is sent."
    )
    auto_close_days: Days | None = Field(
        default=None,
        description="Days after the chaser (or after entering, without one) before the case "
        "is closed; none: the status never closes cases by itself.",
    )
    public_status: Public | None = Field(default=None, description=_PUBLIC_HELP)


class StatusPatch(In):
    name: Name100 | None = None
    internal_status: Internal | None = None
    is_default: bool | None = None
    clock: Clock | None = None
    auto_close_chaser_days: Days | None = None
    auto_close_days: Days | None = None
    public_status: Public | None = Field(default=None, description=_PUBLIC_HELP)


def list_statuses(db: Database, principal: Principal) -> list[StatusOut]:
    with db.read() as s:
        rows = s.scalars(
            select(CaseStatus)
            .where(CaseStatus.corporation_id == principal.corporation_id)
            .order_by(CaseStatus.internal_status, CaseStatus.name, CaseStatus.id)
        )
        return [StatusOut.model_validate(r) for r in rows]


def get_status(db: Database, principal: Principal, status_id: int) -> StatusOut:
    with db.read() as s:
        return StatusOut.model_validate(
            get_row(s, CaseStatus, status_id, principal.corporation_id, "status")
        )


def create_status(db: Database, principal: Principal, data: StatusCreate) -> StatusOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        ensure_unique(s, CaseStatus, corp, "name", data.name, "status")
        row = CaseStatus(
            corporation_id=corp,
            name=data.name,
            internal_status=data.internal_status,
            is_default=False,
            clock=data.clock or clock_class_for(InternalStatus(data.internal_status)).value,
            auto_close_chaser_days=data.auto_close_chaser_days,
            auto_close_days=data.auto_close_days,
            public_status=data.public_status,
        )
        s.add(row)
        flush(s, f"a status named {data.name!r} exists already")
        if data.is_default or not has_default(s, CaseStatus, corp, _same(row.internal_status)):
            claim_default(s, CaseStatus, row, _same(row.internal_status))
        audit.record(
            s,
            principal,
            corp,
            "status.created",
            "case_status",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return StatusOut.model_validate(row)


def update_status(
    db: Database, principal: Principal, status_id: int, patch: StatusPatch
) -> StatusOut:
    values = present(patch, ("name", "internal_status", "is_default", "clock"))
    with db.write() as s:
        row = get_row(s, CaseStatus, status_id, principal.corporation_id, "status")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return StatusOut.model_validate(row)
        moved = after["internal_status"] != before["internal_status"]
        if moved:
            ensure_unused(s, CaseStatus, row.id, "status")
            _keep_one(s, row, "moved to another internal status")
        elif before["is_default"] and not after["is_default"]:
            raise Conflict(
                f"one status of internal status {row.internal_status} is always the "
                "default; make another status the default instead",
                field="is_default",
            )
        ensure_unique(
            s, CaseStatus, row.corporation_id, "name", after["name"], "status", exclude_id=row.id
        )
        row.name, row.internal_status = after["name"], after["internal_status"]
        row.clock = after["clock"]
        row.auto_close_chaser_days = after["auto_close_chaser_days"]
        row.auto_close_days = after["auto_close_days"]
        row.public_status = after["public_status"]
        flush(s, f"a status named {row.name!r} exists already")
        scope = _same(row.internal_status)
        if after["is_default"] and (moved or not before["is_default"]):
            claim_default(s, CaseStatus, row, scope)
        elif moved:
            row.is_default = False
            if not has_default(s, CaseStatus, row.corporation_id, scope):
                claim_default(s, CaseStatus, row, scope)
        audit.record(
            s,
            principal,
            row.corporation_id,
            "status.updated",
            "case_status",
            row.id,
            changes=audit.diff(before, snapshot(row, _FIELDS)),
        )
        return StatusOut.model_validate(row)


def delete_status(db: Database, principal: Principal, status_id: int) -> None:
    with db.write() as s:
        row = get_row(s, CaseStatus, status_id, principal.corporation_id, "status")
        require_manager(principal)
        ensure_unused(s, CaseStatus, row.id, "status")
        _keep_one(s, row, "deleted")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"status {status_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "status.deleted",
            "case_status",
            status_id,
            changes=deleted(before),
        )


def _same(internal_status: int) -> ColumnElement[bool]:
    return CaseStatus.internal_status == internal_status


def _keep_one(s: Session, row: CaseStatus, verb: str) -> None:
    """Conflict unless the internal status keeps a status, and a default, without ``row``."""
    lock_rows(s, CaseStatus, row.corporation_id, _same(row.internal_status))
    others = s.scalar(
        select(func.count())
        .select_from(CaseStatus)
        .where(
            CaseStatus.corporation_id == row.corporation_id,
            _same(row.internal_status),
            CaseStatus.id != row.id,
        )
    )
    if not others:
        raise Conflict(
            f"status {row.id} is the last status of internal status "
            f"{row.internal_status} and cannot be {verb}"
        )
    if row.is_default:
        raise Conflict(
            f"status {row.id} is the default of internal status "
            f"{row.internal_status}; make another status the default first"
        )
