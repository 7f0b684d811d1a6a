"""Scheduled cases (ITFlow scheduled tickets): a template opened on a recurrence, at
local time, exactly once per occurrence.

An admin sets a schedule up with a template, a recurrence (daily, weekly, monthly,
yearly or cron, at a wall-clock time of a time zone) and the user the cases are opened
as, whose rights apply. The ``schedules`` job opens the due ones: after an outage only
the latest missed occurrence is opened (``domain.schedules.due_run``). Each occurrence is
a ``schedule_runs`` row keyed by schedule and occurrence, inserted in the transaction
that opens the case, so two workers never open it twice. An occurrence that cannot be
opened (the template no longer fits, the user was deactivated) is recorded with no case
and an audit entry saying why; the schedule goes on.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.domain.schedules import Kind, Recurrence, due_run
from casedesk.services.cases.templates import open_from_template_in
from casedesk.services.identity.auth import principal_for
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import require_agent
from casedesk.services.reference.common import (
    Id,
    In,
    Name100,
    Out,
    created,
    deleted,
    ensure_unique,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import CaseSchedule, CaseTemplate, Corporation, ScheduleRun

BATCH = 100
_FIELDS = ("name", "template_id", "run_as_user_id", "recurrence", "time_zone", "is_active")

HHMM = Annotated[str, Field(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])]


class RecurrenceIn(In):
    """When a schedule runs. ``at`` is a wall-clock time in the schedule's time zone;
    ``weekdays`` are ISO (1 Monday .. 7 Sunday); a cron ``expression`` has five fields
    and is read in the time zone too. Fields other than the kind's are refused."""

    kind: Literal["daily", "weekly", "monthly", "yearly", "cron"]
    at: HHMM | None = None
    weekdays: Annotated[list[Annotated[int, Field(ge=1, le=7)]], Field(max_length=7)] | None = None
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    expression: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class ScheduleOut(Out):
    id: int
    name: str
    template_id: int
    run_as_user_id: int
    recurrence: dict[str, Any]
    time_zone: str
    is_active: bool
    next_run_at: datetime | None
    last_run_at: datetime | None


class ScheduleCreate(In):
    name: Name100
    template_id: Id
    recurrence: RecurrenceIn
    time_zone: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="IANA time zone; default: the corporation's."
    )
    run_as_user_id: Id | None = Field(
        default=None, description="The user cases are opened as; default: the caller."
    )
    is_active: bool = True


class SchedulePatch(In):
    name: Name100 | None = None
    template_id: Id | None = None
    recurrence: RecurrenceIn | None = None
    time_zone: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    run_as_user_id: Id | None = None
    is_active: bool | None = None


def recurrence_of(stored: dict[str, Any], zone: str) -> Recurrence:
    """The rule's value from the stored JSON; ValidationFailed names the bad field."""
    at = stored.get("at")
    return Recurrence(
        kind=Kind(stored["kind"]),
        zone=zone,
        at=time.fromisoformat(at) if at else None,
        weekdays=frozenset(stored.get("weekdays") or ()),
        day=stored.get("day"),
        month=stored.get("month"),
        expression=stored.get("expression"),
    )


def _stored(data: RecurrenceIn) -> dict[str, Any]:
    return {k: v for k, v in data.model_dump().items() if v is not None}


def _checked(recurrence: dict[str, Any], zone: str) -> Recurrence:
    try:
        return recurrence_of(recurrence, zone)
    except ValidationFailed as exc:
        field = "time_zone" if exc.field == "zone" else f"recurrence.{exc.field}"
        raise ValidationFailed(exc.detail, field=field) from None


# --------------------------------------------------------------------------- admin


def list_schedules(db: Database, principal: Principal) -> list[ScheduleOut]:
    with db.read() as s:
        rows = s.scalars(
            select(CaseSchedule)
            .where(CaseSchedule.corporation_id == principal.corporation_id)
            .order_by(CaseSchedule.name, CaseSchedule.id)
        )
        return [ScheduleOut.model_validate(r) for r in rows]


def get_schedule(db: Database, principal: Principal, schedule_id: int) -> ScheduleOut:
    with db.read() as s:
        return ScheduleOut.model_validate(_get(s, principal, schedule_id))


def create_schedule(
    db: Database, principal: Principal, data: ScheduleCreate, *, now: datetime | None = None
) -> ScheduleOut:
    require_manager(principal)
    now = now or utcnow()
    corp = principal.corporation_id
    with db.write() as s:
        zone = data.time_zone or _corporation_zone(s, corp)
        values = {
            "name": data.name,
            "template_id": data.template_id,
            "run_as_user_id": data.run_as_user_id or principal.user_id,
            "recurrence": _stored(data.recurrence),
            "time_zone": zone,
            "is_active": data.is_active,
        }
        _check(s, corp, values)
        ensure_unique(s, CaseSchedule, corp, "name", data.name, "schedule")
        row = CaseSchedule(corporation_id=corp, anchor_at=now, **values)
        _plan(row, now)
        s.add(row)
        flush(s, f"a schedule named {data.name!r} exists already")
        audit.record(
            s,
            principal,
            corp,
            "schedule.created",
            "schedule",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
            at=now,
        )
        return ScheduleOut.model_validate(row)


def update_schedule(
    db: Database,
    principal: Principal,
    schedule_id: int,
    patch: SchedulePatch,
    *,
    now: datetime | None = None,
) -> ScheduleOut:
    now = now or utcnow()
    values = present(patch, _FIELDS)
    if "recurrence" in values:
        values["recurrence"] = _stored(patch.recurrence) if patch.recurrence else None
    with db.write() as s:
        row = _get(s, principal, schedule_id, for_update=True)
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return ScheduleOut.model_validate(row)
        _check(s, row.corporation_id, after)
        ensure_unique(
            s,
            CaseSchedule,
            row.corporation_id,
            "name",
            after["name"],
            "schedule",
            exclude_id=row.id,
        )
        for name in _FIELDS:
            setattr(row, name, after[name])
        # A changed schedule starts afresh: nothing at or before now runs.
        row.anchor_at = now
        _plan(row, now)
        flush(s, f"a schedule named {row.name!r} exists already")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "schedule.updated",
            "schedule",
            row.id,
            changes=audit.diff(before, after),
            at=now,
        )
        return ScheduleOut.model_validate(row)


def delete_schedule(db: Database, principal: Principal, schedule_id: int) -> None:
    with db.write() as s:
        row = _get(s, principal, schedule_id, for_update=True)
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        s.delete(row)
        s.flush()
        audit.record(
            s,
            principal,
            row.corporation_id,
            "schedule.deleted",
            "schedule",
            schedule_id,
            changes=deleted(before),
        )


# --------------------------------------------------------------------------- the job


def run_schedules(db: Database, now: datetime) -> int:
    """Open the case of every schedule whose occurrence has come; how many were opened."""
    opened = 0
    while True:
        with db.write() as s:
            rows = s.scalars(
                select(CaseSchedule)
                .where(CaseSchedule.is_active.is_(True), CaseSchedule.next_run_at <= now)
                .order_by(CaseSchedule.next_run_at, CaseSchedule.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return opened
            for row in rows:
                opened += _run_one(s, row, now)


def _run_one(s: Session, row: CaseSchedule, now: datetime) -> int:
    try:
        recurrence = recurrence_of(row.recurrence, row.time_zone)
    except (ValidationFailed, KeyError, ValueError):
        row.next_run_at = None  # a broken rule waits for an admin to fix it
        return 0
    due = due_run(recurrence, last_run=row.last_run_at, anchor=row.anchor_at, now=now)
    row.next_run_at = recurrence.next_after(now)
    if due is None:
        return 0
    row.last_run_at = due.at
    if not _claim_occurrence(s, row.id, due.at):
        return 0  # another worker opened it
    case_id: int | None = None
    failure = ""
    try:
        with s.begin_nested():
            user = require_agent(s, row.run_as_user_id, row.corporation_id, "run_as_user_id")
            case = open_from_template_in(
                s, principal_for(s, user), row.template_id, None, now, origin="scheduled"
            )
            case_id = case.id
    except DomainError as exc:
        failure = exc.detail
    run = s.get(ScheduleRun, (row.id, due.at))
    if run is not None:
        run.case_id = case_id
    audit.record(
        s,
        None,
        row.corporation_id,
        "schedule.ran" if case_id else "schedule.failed",
        "schedule",
        row.id,
        case_id=case_id,
        changes={
            "occurrence": {"from": None, "to": audit.jsonable(due.at)},
            **({"case_id": {"from": None, "to": case_id}} if case_id else {}),
            **({"error": {"from": None, "to": failure}} if failure else {}),
            **({"skipped_earlier": {"from": None, "to": True}} if due.skipped_earlier else {}),
        },
        at=now,
        actor_label="scheduler",
    )
    return 1 if case_id else 0


def _claim_occurrence(s: Session, schedule_id: int, at: datetime) -> bool:
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = s.execute(
        insert(ScheduleRun)
        .values(schedule_id=schedule_id, occurrence_at=at, ran_at=utcnow())
        .on_conflict_do_nothing()
        .returning(ScheduleRun.schedule_id)
    ).first()
    return inserted is not None


# --------------------------------------------------------------------------- helpers


def _get(
    s: Session, principal: Principal, schedule_id: int, *, for_update: bool = False
) -> CaseSchedule:
    row = get_row(s, CaseSchedule, schedule_id, principal.corporation_id, "schedule")
    if for_update:
        s.refresh(row, with_for_update=True)
    return row


def _corporation_zone(s: Session, corporation_id: int) -> str:
    return s.scalar(select(Corporation.time_zone).where(Corporation.id == corporation_id)) or "UTC"


def _check(s: Session, corporation_id: int, values: dict[str, Any]) -> None:
    template = s.get(CaseTemplate, values["template_id"])
    if template is None or template.corporation_id != corporation_id:
        raise ValidationFailed(
            f"template_id {values['template_id']} does not exist", field="template_id"
        )
    require_agent(s, values["run_as_user_id"], corporation_id, "run_as_user_id")
    _checked(values["recurrence"], values["time_zone"])


def _plan(row: CaseSchedule, now: datetime) -> None:
    recurrence = recurrence_of(row.recurrence, row.time_zone)
    row.next_run_at = recurrence.next_after(max(now, row.anchor_at)) if row.is_active else None
