"""Case priorities. ``rank`` orders them (lower is more urgent); exactly one is the
default, given to cases opened without one: making a priority the default unsets the
previous default in the same transaction."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import select

from casedesk.domain import itflow_priority
from casedesk.domain.errors import Conflict, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference.common import (
    Id,
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
from casedesk.store.models import Calendar, Priority

_FIELDS = ("name", "rank", "is_default", "calendar_id", "itflow_priority")
Rank = Annotated[int, Field(ge=-1_000_000, le=1_000_000, description="Lower is more urgent.")]
ItflowPriority = Literal["Low", "Medium", "High"]
_ITFLOW_DOC = (
    "Which of ITFlow's three priorities this one shows as there, and is set by; "
    "none: derived from the name and rank."
)


class PriorityOut(Out):
    id: int
    name: str
    rank: int
    is_default: bool
    calendar_id: int | None
    itflow_priority: ItflowPriority | None = Field(default=None, description=_ITFLOW_DOC)


class PriorityCreate(In):
    name: Name100
    rank: Rank = 0
    is_default: bool = False
    calendar_id: Id | None = Field(
        default=None, description="Office hours its SLA clocks count in; none: 24x7."
    )
    itflow_priority: ItflowPriority | None = Field(default=None, description=_ITFLOW_DOC)


class PriorityPatch(In):
    name: Name100 | None = None
    rank: Rank | None = None
    is_default: bool | None = None
    calendar_id: Id | None = None
    itflow_priority: ItflowPriority | None = Field(default=None, description=_ITFLOW_DOC)


def list_priorities(db: Database, principal: Principal) -> list[PriorityOut]:
    with db.read() as s:
        rows = s.scalars(
            select(Priority)
            .where(Priority.corporation_id == principal.corporation_id)
            .order_by(Priority.rank, Priority.name, Priority.id)
        )
        return [PriorityOut.model_validate(r) for r in rows]


def get_priority(db: Database, principal: Principal, priority_id: int) -> PriorityOut:
    with db.read() as s:
        return PriorityOut.model_validate(
            get_row(s, Priority, priority_id, principal.corporation_id, "priority")
        )


def create_priority(db: Database, principal: Principal, data: PriorityCreate) -> PriorityOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        if data.calendar_id is not None:
            require_ref(s, Calendar, data.calendar_id, corp, "calendar_id")
        ensure_unique(s, Priority, corp, "name", data.name, "priority")
        row = Priority(
            corporation_id=corp,
            name=data.name,
            rank=data.rank,
            is_default=False,
            calendar_id=data.calendar_id,
            itflow_priority=data.itflow_priority,
        )
        s.add(row)
        flush(s, f"a priority named {data.name!r} exists already")
        if data.is_default or not has_default(s, Priority, corp):
            claim_default(s, Priority, row)
        audit.record(
            s,
            principal,
            corp,
            "priority.created",
            "priority",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return PriorityOut.model_validate(row)


def update_priority(
    db: Database, principal: Principal, priority_id: int, patch: PriorityPatch
) -> PriorityOut:
    values = present(patch, ("name", "rank", "is_default"))
    with db.write() as s:
        row = get_row(s, Priority, priority_id, principal.corporation_id, "priority")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return PriorityOut.model_validate(row)
        if before["is_default"] and not after["is_default"]:
            raise Conflict(
                "one priority is always the default; make another priority the default instead",
                field="is_default",
            )
        if after["calendar_id"] is not None:
            require_ref(s, Calendar, after["calendar_id"], row.corporation_id, "calendar_id")
        ensure_unique(
            s, Priority, row.corporation_id, "name", after["name"], "priority", exclude_id=row.id
        )
        row.name, row.rank = after["name"], after["rank"]
        row.calendar_id = after["calendar_id"]
        row.itflow_priority = after["itflow_priority"]
        flush(s, f"a priority named {row.name!r} exists already")
        if after["is_default"] and not before["is_default"]:
            claim_default(s, Priority, row)
        audit.record(
            s,
            principal,
            row.corporation_id,
            "priority.updated",
            "priority",
            row.id,
            changes=audit.diff(before, after),
        )
        return PriorityOut.model_validate(row)


def delete_priority(db: Database, principal: Principal, priority_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Priority, priority_id, principal.corporation_id, "priority")
        require_manager(principal)
        lock_rows(s, Priority, row.corporation_id)
        ensure_unused(s, Priority, row.id, "priority")
        if row.is_default:
            raise Conflict(
                f"priority {row.id} is the default priority; make another priority "
                "the default first"
            )
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"priority {priority_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "priority.deleted",
            "priority",
            priority_id,
            changes=deleted(before),
        )


def itflow_priorities(db: Database, principal: Principal) -> list[itflow_priority.Ranked]:
    """The corporation's priorities as ``domain.itflow_priority`` ranks them."""
    return [
        itflow_priority.Ranked(p.id, p.name, p.rank, p.itflow_priority)
        for p in list_priorities(db, principal)
    ]


def itflow_priority_of(db: Database, principal: Principal) -> dict[int, str]:
    """The ITFlow priority (Low, Medium, High) each priority shows as."""
    return dict(itflow_priority.levels(itflow_priorities(db, principal)))


def derived_itflow_priority(db: Database, principal: Principal, priority_id: int) -> str:
    """What the priority would show as in ITFlow without a configured value."""
    ranked = [
        p if p.id != priority_id else itflow_priority.Ranked(p.id, p.name, p.rank, None)
        for p in itflow_priorities(db, principal)
    ]
    return itflow_priority.levels(ranked).get(priority_id, "Medium")


def priority_for_itflow(
    db: Database, principal: Principal, value: str, current: int | None = None
) -> int:
    """The priority an ITFlow write of ``value`` sets (``current``: the case's, kept when
    it already shows as ``value``); a 400 naming ``ticket_priority`` when none does."""
    level = itflow_priority.level_of_name(value)
    found = (
        itflow_priority.pick(level, itflow_priorities(db, principal), current) if level else None
    )
    if found is None:
        raise ValidationFailed(f"no priority shows as {value!r} in ITFlow", field="ticket_priority")
    return found
