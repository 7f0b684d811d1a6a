"""Business calendars: office hours per weekday in a time zone, with holidays.

A priority names the calendar its SLA clocks and time metrics count in (its
"timeframe", seed 001); a priority without one counts around the clock. Office hours are
given per weekday (``"0"`` Monday .. ``"6"`` Sunday) as local ``HH:MM`` intervals,
``24:00`` meaning midnight at the end of the day.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from sqlalchemy import select

from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    In,
    Name100,
    Out,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Calendar

_FIELDS = ("name", "time_zone", "hours", "holidays")
_HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")

Weekday = Literal["0", "1", "2", "3", "4", "5", "6"]
Clock = Annotated[str, Field(pattern=_HHMM.pattern, examples=["09:00"])]
Interval = Annotated[list[Clock], Field(min_length=2, max_length=2)]
Hours = dict[Weekday, Annotated[list[Interval], Field(max_length=12)]]
TimeZoneName = Annotated[str, Field(min_length=1, max_length=64, examples=["Europe/Oslo"])]


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


def _check_hours(hours: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    for day, intervals in hours.items():
        ordered = sorted(intervals)
        for start, end in ordered:
            if start >= end:
                raise ValueError(f"weekday {day}: {start}-{end} does not end after it starts")
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ValueError(f"weekday {day}: intervals overlap at {start}")
    return {day: sorted(intervals) for day, intervals in sorted(hours.items())}


class CalendarOut(Out):
    id: int
    name: str
    time_zone: str
    hours: dict[str, list[list[str]]]
    holidays: list[date]


class CalendarCreate(In):
    name: Name100
    time_zone: TimeZoneName
    hours: Hours = Field(description="Local office hours per weekday, 0 = Monday.")
    holidays: Annotated[list[date], Field(max_length=1000)] = Field(default_factory=list)

    _zone = field_validator("time_zone")(_check_zone)
    _hours = field_validator("hours")(_check_hours)


class CalendarPatch(In):
    name: Name100 | None = None
    time_zone: TimeZoneName | None = None
    hours: Hours | None = None
    holidays: Annotated[list[date], Field(max_length=1000)] | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_zone(value)

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, list[list[str]]] | None) -> dict[str, list[list[str]]] | None:
        return None if value is None else _check_hours(value)


def _row_values(data: CalendarCreate | CalendarPatch) -> dict[str, object]:
    values = data.model_dump() if isinstance(data, CalendarCreate) else present(data, _FIELDS)
    if "holidays" in values:
        values["holidays"] = sorted({d.isoformat() for d in values["holidays"]})
    return values


def _out(row: Calendar) -> CalendarOut:
    return CalendarOut.model_validate(row)


def list_calendars(db: Database, principal: Principal) -> list[CalendarOut]:
    with db.read() as s:
        rows = s.scalars(
            select(Calendar)
            .where(Calendar.corporation_id == principal.corporation_id)
            .order_by(Calendar.name, Calendar.id)
        )
        return [_out(r) for r in rows]


def get_calendar(db: Database, principal: Principal, calendar_id: int) -> CalendarOut:
    with db.read() as s:
        return _out(get_row(s, Calendar, calendar_id, principal.corporation_id, "calendar"))


def create_calendar(db: Database, principal: Principal, data: CalendarCreate) -> CalendarOut:
    require_manager(principal)
    corp = principal.corporation_id
    values = _row_values(data)
    with db.write() as s:
        ensure_unique(s, Calendar, corp, "name", data.name, "calendar")
        row = Calendar(corporation_id=corp, **values)
        s.add(row)
        flush(s, f"a calendar named {data.name!r} exists already")
        audit.record(
            s,
            principal,
            corp,
            "calendar.created",
            "calendar",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return _out(row)


def update_calendar(
    db: Database, principal: Principal, calendar_id: int, patch: CalendarPatch
) -> CalendarOut:
    values = _row_values(patch)
    with db.write() as s:
        row = get_row(s, Calendar, calendar_id, principal.corporation_id, "calendar")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return _out(row)
        ensure_unique(
            s, Calendar, row.corporation_id, "name", after["name"], "calendar", exclude_id=row.id
        )
        for name in _FIELDS:
            setattr(row, name, after[name])
        flush(s, f"a calendar named {row.name!r} exists already")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "calendar.updated",
            "calendar",
            row.id,
            changes=audit.diff(before, after),
        )
        return _out(row)


def delete_calendar(db: Database, principal: Principal, calendar_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Calendar, calendar_id, principal.corporation_id, "calendar")
        require_manager(principal)
        ensure_unused(s, Calendar, row.id, "calendar")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"calendar {calendar_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "calendar.deleted",
            "calendar",
            calendar_id,
            changes=deleted(before),
        )
