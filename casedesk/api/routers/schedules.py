"""/schedules: cases opened from a template on a recurrence (ITFlow scheduled tickets).
Everyone reads; writing needs manage_reference."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.schedules import ScheduleCreate, ScheduleOut, SchedulePatch

router = APIRouter(
    route_class=NativeRoute, prefix="/schedules", tags=["schedules"], responses=ERRORS
)


@router.get("", response_model=list[ScheduleOut])
def list_schedules(caller: Caller, db: Db) -> list[ScheduleOut]:
    return schedules.list_schedules(db, caller)


@router.post("", status_code=201, response_model=ScheduleOut)
def create_schedule(data: ScheduleCreate, caller: Caller, db: Db) -> ScheduleOut:
    """Occurrences at or before the moment of creation never run."""
    return schedules.create_schedule(db, caller, data)


@router.get("/{schedule_id}", response_model=ScheduleOut)
def get_schedule(schedule_id: RowId, caller: Caller, db: Db) -> ScheduleOut:
    return schedules.get_schedule(db, caller, schedule_id)


@router.patch("/{schedule_id}", response_model=ScheduleOut)
def update_schedule(
    schedule_id: RowId, patch: SchedulePatch, caller: Caller, db: Db
) -> ScheduleOut:
    """A changed schedule starts afresh: occurrences up to now do not run."""
    return schedules.update_schedule(db, caller, schedule_id, patch)


@router.delete("/{schedule_id}", status_code=204)
def delete_schedule(schedule_id: RowId, caller: Caller, db: Db) -> None:
    schedules.delete_schedule(db, caller, schedule_id)
