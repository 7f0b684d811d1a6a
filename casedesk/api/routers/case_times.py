"""/cases/{id}/times: a case's time metrics, SLA state and read status;
/cases/{id}/read: mark it read by the caller."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, CaseId, Db
from casedesk.api.routers.cases import _ERRORS
from casedesk.api.routing import NativeRoute
from casedesk.services.sla import case_times
from casedesk.services.sla.case_times import CaseTimesOut

router = APIRouter(
    route_class=NativeRoute, prefix="/cases/{case_id}", responses=_ERRORS, tags=["times"]
)


@router.get("/times", response_model=CaseTimesOut)
def get_times(case_id: CaseId, caller: Caller, db: Db) -> CaseTimesOut:
    """Seed 001's reply, close and time-spent metrics, each SLA target's clock and due
    date, the alert level with its timeout, the traffic light, the assignee's read
    status (null while unassigned) and the breaches recorded."""
    return case_times.case_times(db, caller, case_id)


@router.post("/read", status_code=204)
def mark_read(case_id: CaseId, caller: Caller, db: Db) -> None:
    """Mark the case read by you (the basis of its read status); the case's version and
    ETag do not change."""
    case_times.mark_read(db, caller, case_id)
