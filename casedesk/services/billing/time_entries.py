"""Time worked on a case (ITFlow time tracking, Track-It hourly rate and charge).

Whoever may see a case may read its time; recording, changing and deleting time needs
``add_note``, the right to write on a case's work log, not to change the case itself
(``edit_case``). An entry on an invoice is frozen: it cannot be changed or deleted, so
an invoice never stops adding up.

``work_date`` is a local date in the corporation's time zone (today there when omitted);
invoice periods are local dates too, so the date is compared as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain import billing
from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import ensure_updatable
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import In, LongText, Out, Text100, present, snapshot
from casedesk.store.db import Database
from casedesk.store.models import Case, Corporation, TimeEntry

_FIELDS = ("work_date", "duration_seconds", "activity", "note", "billable", "hourly_rate")

Seconds = Annotated[
    int,
    Field(ge=1, le=billing.MAX_DURATION_SECONDS, description="Whole seconds, at most 24 hours."),
]
Rate = Annotated[
    Decimal,
    Field(
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="Per hour, in the corporation's currency; at most two decimals.",
    ),
]
WorkDate = Annotated[date, Field(description="Local date in the corporation's time zone.")]


class TimeEntryCreate(In):
    duration_seconds: Seconds
    work_date: WorkDate | None = Field(default=None, description="Default: today (local).")
    activity: Text100 = ""
    note: LongText = ""
    billable: bool = True
    hourly_rate: Rate = Decimal("0")


class TimeEntryPatch(In):
    duration_seconds: Seconds | None = None
    work_date: WorkDate | None = None
    activity: Text100 | None = None
    note: LongText | None = None
    billable: bool | None = None
    hourly_rate: Rate | None = None


class TimeEntryOut(Out):
    id: int
    case_id: int
    user_id: int | None
    work_date: date
    duration_seconds: int
    activity: str
    note: str
    billable: bool
    hourly_rate: Decimal
    amount: Decimal = Field(description="hours x rate, half up to the cent; 0 if not billable.")
    invoice_id: int | None
    created_at: datetime


class TimeTotalsOut(Out):
    seconds: int
    billable_seconds: int
    billable_amount: Decimal


class TimeEntryList(Out):
    items: list[TimeEntryOut]
    totals: TimeTotalsOut


def list_time_entries(db: Database, principal: Principal, case_id: int) -> TimeEntryList:
    with db.read() as s:
        load_case(s, principal, case_id)
        rows = _rows(s, case_id)
        return TimeEntryList(items=[_out(r) for r in rows], totals=_totals(rows))


def time_totals(db: Database, principal: Principal, case_id: int) -> TimeTotalsOut:
    with db.read() as s:
        load_case(s, principal, case_id)
        return _totals(_rows(s, case_id))


def add_time_entry(
    db: Database,
    principal: Principal,
    case_id: int,
    data: TimeEntryCreate,
    *,
    now: datetime | None = None,
) -> TimeEntryOut:
    now = now or utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.ADD_NOTE, for_update=True)
        return add_time_entry_in(s, principal, case, data, now)


def add_time_entry_in(
    s: Session, principal: Principal, case: Case, data: TimeEntryCreate, now: datetime
) -> TimeEntryOut:
    """``add_time_entry`` on a case the caller's transaction has loaded and locked, so a
    reply and the time spent on it are one write."""
    principal.require(Permission.ADD_NOTE)
    _validate(data.duration_seconds, data.hourly_rate)
    ensure_updatable(case)
    row = TimeEntry(
        case_id=case.id,
        user_id=principal.user_id,
        work_date=data.work_date or local_today(s, case.corporation_id, now),
        duration_seconds=data.duration_seconds,
        activity=data.activity,
        note=data.note,
        billable=data.billable,
        hourly_rate=data.hourly_rate,
        created_at=now,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        principal,
        case.corporation_id,
        "time_entry.added",
        "time_entry",
        row.id,
        case_id=case.id,
        changes={k: {"from": None, "to": audit.jsonable(v)} for k, v in _snap(row).items()},
        at=now,
    )
    return _out(row)


def update_time_entry(
    db: Database, principal: Principal, case_id: int, entry_id: int, patch: TimeEntryPatch
) -> TimeEntryOut:
    values = present(patch, _FIELDS)
    _validate(values.get("duration_seconds"), values.get("hourly_rate"))
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.ADD_NOTE, for_update=True)
        ensure_updatable(case)
        row = _entry(s, case.id, entry_id)
        _refuse_invoiced(row, "changed")
        before = _snap(row)
        for name, value in values.items():
            setattr(row, name, value)
        changes = audit.diff(before, _snap(row))
        if changes:
            s.flush()
            audit.record(
                s,
                principal,
                case.corporation_id,
                "time_entry.updated",
                "time_entry",
                row.id,
                case_id=case.id,
                changes=changes,
            )
        return _out(row)


def delete_time_entry(db: Database, principal: Principal, case_id: int, entry_id: int) -> None:
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.ADD_NOTE, for_update=True)
        ensure_updatable(case)
        row = _entry(s, case.id, entry_id)
        _refuse_invoiced(row, "deleted")
        before = _snap(row)
        s.delete(row)
        s.flush()
        audit.record(
            s,
            principal,
            case.corporation_id,
            "time_entry.deleted",
            "time_entry",
            entry_id,
            case_id=case.id,
            changes={k: {"from": audit.jsonable(v), "to": None} for k, v in before.items()},
        )


def local_today(s: Session, corporation_id: int, now: datetime) -> date:
    return now.astimezone(ZoneInfo(corporation_zone(s, corporation_id))).date()


def corporation_zone(s: Session, corporation_id: int) -> str:
    return s.scalar(select(Corporation.time_zone).where(Corporation.id == corporation_id)) or "UTC"


def to_domain(
    row: TimeEntry, organization_id: int | None, zone: str, *, invoice_id: int | None = None
) -> billing.TimeEntry:
    """The rule's view of an entry. Work counts at local noon of its date, so the period
    test (a local date in ``zone``) sees exactly ``work_date``."""
    return billing.TimeEntry(
        id=row.id,
        case_id=row.case_id,
        organization_id=organization_id,
        performed_at=datetime.combine(row.work_date, time(12), tzinfo=ZoneInfo(zone)),
        duration_seconds=row.duration_seconds,
        billable=row.billable,
        hourly_rate=row.hourly_rate,
        activity=row.activity,
        invoice_id=invoice_id,
    )


def _validate(seconds: int | None, rate: Decimal | None) -> None:
    """The billing rules, for callers that did not come through the API's schema; the
    fields are named as the API names them."""
    try:
        if seconds is not None:
            billing.validate_duration(seconds)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field="duration_seconds") from None
    if rate is not None:
        billing.validate_rate(rate)


def _rows(s: Session, case_id: int) -> list[TimeEntry]:
    return list(
        s.scalars(
            select(TimeEntry)
            .where(TimeEntry.case_id == case_id)
            .order_by(TimeEntry.work_date, TimeEntry.id)
        )
    )


def _entry(s: Session, case_id: int, entry_id: int) -> TimeEntry:
    """The entry, locked: an invoice being created at the same time either has it already
    (and this write sees ``invoice_id``) or waits and bills the entry as written."""
    row = s.scalars(
        select(TimeEntry)
        .where(TimeEntry.id == entry_id, TimeEntry.case_id == case_id)
        .with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFound(f"time entry {entry_id} not found")
    return row


def _refuse_invoiced(row: TimeEntry, verb: str) -> None:
    if row.invoice_id is not None:
        raise Conflict(
            f"time entry {row.id} is on invoice {row.invoice_id} and cannot be {verb}",
            invoice_id=row.invoice_id,
        )


def _totals(rows: list[TimeEntry]) -> TimeTotalsOut:
    t = billing.totals(to_domain(r, None, "UTC") for r in rows)
    return TimeTotalsOut(
        seconds=t.seconds, billable_seconds=t.billable_seconds, billable_amount=t.billable_amount
    )


def _snap(row: TimeEntry) -> dict[str, object]:
    return snapshot(row, _FIELDS)


def _out(row: TimeEntry) -> TimeEntryOut:
    amount = billing.amount(row.duration_seconds, row.hourly_rate) if row.billable else billing.ZERO
    return TimeEntryOut(
        id=row.id,
        case_id=row.case_id,
        user_id=row.user_id,
        work_date=row.work_date,
        duration_seconds=row.duration_seconds,
        activity=row.activity,
        note=row.note,
        billable=row.billable,
        hourly_rate=row.hourly_rate.quantize(billing.CENT),
        amount=amount,
        invoice_id=row.invoice_id,
        created_at=row.created_at,
    )
