"""/console/admin/priorities: urgency order (rank), the default, the business
calendar a priority's SLA clocks count in (none: around the clock), and which of
ITFlow's three priorities it shows as (none: derived)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.reference import calendars, priorities
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.priorities import PriorityCreate, PriorityPatch
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    optional,
    options,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/priorities")
HOME = "/console/admin/priorities"


@router.get("")
def list_priorities(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    db = database(request)
    calendar_rows = calendars.list_calendars(db, agent.principal)
    return show(
        request,
        "admin/priorities.html",
        {
            "priorities": priorities.list_priorities(db, agent.principal),
            "calendars": options(calendar_rows),
            "calendar_names": {c.id: c.name for c in calendar_rows},
        },
    )


def _fields(form: Posted) -> dict[str, object]:
    fields: dict[str, object] = {
        "name": text(form, "name"),
        "rank": text(form, "rank").strip() or "0",
        "calendar_id": optional(form, "calendar_id"),
    }
    if checked(form, "is_default"):
        fields["is_default"] = True
    return fields


@router.post("")
def create_priority(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(PriorityCreate, _fields(form))
    priorities.create_priority(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{priority_id}")
def edit_priority(request: Request, agent: Agent, priority_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    return show(
        request,
        "admin/priority_edit.html",
        {
            "priority": priorities.get_priority(db, agent.principal, priority_id),
            "calendars": options(calendars.list_calendars(db, agent.principal)),
            "itflow_levels": [(v, v) for v in ("Low", "Medium", "High")],
            "itflow_derived": priorities.derived_itflow_priority(db, agent.principal, priority_id),
        },
    )


@router.post("/{priority_id}")
def update_priority(request: Request, agent: Agent, priority_id: RowId, form: Posted) -> Response:
    patch = parse(
        PriorityPatch, _fields(form) | {"itflow_priority": optional(form, "itflow_priority")}
    )
    priorities.update_priority(database(request), agent.principal, priority_id, patch)
    return done(request, HOME, "saved")


@router.post("/{priority_id}/delete")
def delete_priority(request: Request, agent: Agent, priority_id: RowId) -> Response:
    priorities.delete_priority(database(request), agent.principal, priority_id)
    return done(request, HOME, "deleted")
