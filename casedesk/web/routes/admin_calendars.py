"""/console/admin/calendars: business calendars, office hours per weekday in a time
zone plus holidays. The form writes a day's hours as ``09:00-12:00, 13:00-17:00``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.errors import ValidationFailed
from casedesk.services.reference import calendars
from casedesk.services.reference.calendars import CalendarCreate, CalendarOut, CalendarPatch
from casedesk.services.reference.common import require_manager
from casedesk.web.routes.admin_forms import Posted, RowId, done, lines, parse, show, text
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/calendars")
HOME = "/console/admin/calendars"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hours_text(intervals: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def _hours(form: Posted) -> dict[str, list[list[str]]]:
    """The weekdays' intervals as the service takes them; empty days are closed."""
    hours: dict[str, list[list[str]]] = {}
    for day, name in enumerate(WEEKDAYS):
        value = text(form, f"hours_{day}").strip()
        if not value:
            continue
        intervals = []
        for part in value.split(","):
            start, dash, end = part.strip().partition("-")
            if not dash:
                raise ValidationFailed(
                    f"{name}: write office hours as 09:00-17:00, several separated by commas",
                    field=f"hours.{day}",
                )
            intervals.append([start.strip(), end.strip()])
        hours[str(day)] = intervals
    return hours


def _fields(form: Posted) -> dict[str, object]:
    return {
        "name": text(form, "name"),
        "time_zone": text(form, "time_zone").strip(),
        "hours": _hours(form),
        "holidays": lines(text(form, "holidays")),
    }


def _days(calendar: CalendarOut | None) -> list[tuple[str, str, str]]:
    """(weekday number, its name, its hours as text) for the form."""
    hours = calendar.hours if calendar else {}
    return [(str(d), n, hours_text(hours.get(str(d), []))) for d, n in enumerate(WEEKDAYS)]


def _summary(calendar: CalendarOut) -> str:
    """The week in one line: "Mon 09:00-17:00; Tue …"."""
    days = [
        f"{WEEKDAYS[int(day)][:3]} {hours_text(intervals)}"
        for day, intervals in sorted(calendar.hours.items())
        if intervals
    ]
    return "; ".join(days) or "closed every day"


@router.get("")
def list_calendars(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    rows = calendars.list_calendars(database(request), agent.principal)
    listed = [(row, _summary(row)) for row in rows]
    return show(
        request,
        "admin/calendars.html",
        {"calendars": listed, "days": _days(None), "holidays_text": ""},
    )


@router.post("")
def create_calendar(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(CalendarCreate, _fields(form))
    calendars.create_calendar(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{calendar_id}")
def edit_calendar(request: Request, agent: Agent, calendar_id: RowId) -> Response:
    require_manager(agent.principal)
    row = calendars.get_calendar(database(request), agent.principal, calendar_id)
    holidays = "\n".join(d.isoformat() for d in row.holidays)
    return show(
        request,
        "admin/calendar_edit.html",
        {"calendar": row, "days": _days(row), "holidays_text": holidays},
    )


@router.post("/{calendar_id}")
def update_calendar(request: Request, agent: Agent, calendar_id: RowId, form: Posted) -> Response:
    patch = parse(CalendarPatch, _fields(form))
    calendars.update_calendar(database(request), agent.principal, calendar_id, patch)
    return done(request, HOME, "saved")


@router.post("/{calendar_id}/delete")
def delete_calendar(request: Request, agent: Agent, calendar_id: RowId) -> Response:
    calendars.delete_calendar(database(request), agent.principal, calendar_id)
    return done(request, HOME, "deleted")
