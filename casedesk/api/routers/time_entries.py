"""/cases/{id}/time-entries and /cases/{id}/time-totals: time worked on a case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from casedesk.api.deps import MAX_ID, Caller, CaseId, Db
from casedesk.api.routers.cases import _ERRORS
from casedesk.api.routing import NativeRoute
from casedesk.services.billing import time_entries
from casedesk.services.billing.time_entries import (
    TimeEntryCreate,
    TimeEntryList,
    TimeEntryOut,
    TimeEntryPatch,
    TimeTotalsOut,
)

router = APIRouter(
    route_class=NativeRoute, prefix="/cases/{case_id}", responses=_ERRORS, tags=["time entries"]
)
EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/time-entries", response_model=TimeEntryList)
def list_time_entries(case_id: CaseId, caller: Caller, db: Db) -> TimeEntryList:
    """The case's time entries by work date, with its totals."""
    return time_entries.list_time_entries(db, caller, case_id)


@router.post("/time-entries", status_code=201, response_model=TimeEntryOut)
def add_time_entry(case_id: CaseId, data: TimeEntryCreate, caller: Caller, db: Db) -> TimeEntryOut:
    """Record work on the case (needs `add_note`). Money is a decimal string."""
    return time_entries.add_time_entry(db, caller, case_id, data)


@router.patch("/time-entries/{entry_id}", response_model=TimeEntryOut)
def update_time_entry(
    case_id: CaseId, entry_id: EntryId, patch: TimeEntryPatch, caller: Caller, db: Db
) -> TimeEntryOut:
    """Change the fields present; refused (409) once the entry is on an invoice."""
    return time_entries.update_time_entry(db, caller, case_id, entry_id, patch)


@router.delete("/time-entries/{entry_id}", status_code=204)
def delete_time_entry(case_id: CaseId, entry_id: EntryId, caller: Caller, db: Db) -> None:
    """Refused (409) once the entry is on an invoice."""
    time_entries.delete_time_entry(db, caller, case_id, entry_id)


@router.get("/time-totals", response_model=TimeTotalsOut)
def time_totals(case_id: CaseId, caller: Caller, db: Db) -> TimeTotalsOut:
    """Total time, billable time and billable amount (invoiced or not)."""
    return time_entries.time_totals(db, caller, case_id)
