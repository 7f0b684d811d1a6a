"""/calendars: office hours and holidays that SLA clocks and time metrics count in.
Everyone reads; writing needs the manage_reference permission."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.services.reference import calendars
from casedesk.services.reference.calendars import CalendarCreate, CalendarOut, CalendarPatch

router = APIRouter(responses=ERRORS)


@router.get("/calendars", response_model=list[CalendarOut], tags=["calendars"])
def list_calendars(caller: Caller, db: Db) -> list[CalendarOut]:
    return calendars.list_calendars(db, caller)


@router.post("/calendars", status_code=201, response_model=CalendarOut, tags=["calendars"])
def create_calendar(data: CalendarCreate, caller: Caller, db: Db) -> CalendarOut:
    return calendars.create_calendar(db, caller, data)


@router.get("/calendars/{calendar_id}", response_model=CalendarOut, tags=["calendars"])
def get_calendar(calendar_id: RowId, caller: Caller, db: Db) -> CalendarOut:
    return calendars.get_calendar(db, caller, calendar_id)


@router.patch("/calendars/{calendar_id}", response_model=CalendarOut, tags=["calendars"])
def update_calendar(
    calendar_id: RowId, patch: CalendarPatch, caller: Caller, db: Db
) -> CalendarOut:
    return calendars.update_calendar(db, caller, calendar_id, patch)


@router.delete("/calendars/{calendar_id}", status_code=204, tags=["calendars"])
def delete_calendar(calendar_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while a priority uses it."""
    calendars.delete_calendar(db, caller, calendar_id)
