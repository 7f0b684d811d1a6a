"""/calendars: office hours and holidays that SLA clocks and time metrics count in;
/sla-policies: the targets those clocks run against. Everyone reads; writing needs the
manage_reference permission."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.reference import calendars, sla_policies
from casedesk.services.reference.calendars import CalendarCreate, CalendarOut, CalendarPatch
from casedesk.services.reference.sla_policies import (
    SlaPolicyCreate,
    SlaPolicyOut,
    SlaPolicyPatch,
)

router = APIRouter(route_class=NativeRoute, responses=ERRORS)


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


@router.get("/sla-policies", response_model=list[SlaPolicyOut], tags=["sla-policies"])
def list_sla_policies(caller: Caller, db: Db) -> list[SlaPolicyOut]:
    return sla_policies.list_policies(db, caller)


@router.post("/sla-policies", status_code=201, response_model=SlaPolicyOut, tags=["sla-policies"])
def create_sla_policy(data: SlaPolicyCreate, caller: Caller, db: Db) -> SlaPolicyOut:
    """Conditions (priority, category, organization) name rows of your corporation; the
    most specific matching policy applies to a case. Targets are office minutes."""
    return sla_policies.create_policy(db, caller, data)


@router.get("/sla-policies/{policy_id}", response_model=SlaPolicyOut, tags=["sla-policies"])
def get_sla_policy(policy_id: RowId, caller: Caller, db: Db) -> SlaPolicyOut:
    return sla_policies.get_policy(db, caller, policy_id)


@router.patch("/sla-policies/{policy_id}", response_model=SlaPolicyOut, tags=["sla-policies"])
def update_sla_policy(
    policy_id: RowId, patch: SlaPolicyPatch, caller: Caller, db: Db
) -> SlaPolicyOut:
    return sla_policies.update_policy(db, caller, policy_id, patch)


@router.delete("/sla-policies/{policy_id}", status_code=204, tags=["sla-policies"])
def delete_sla_policy(policy_id: RowId, caller: Caller, db: Db) -> None:
    """Open cases under it are re-evaluated by the next sweep; breaches stay recorded."""
    sla_policies.delete_policy(db, caller, policy_id)
