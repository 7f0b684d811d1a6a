"""/console/admin/statuses: the corporation's own statuses, each mapped onto one of the
eight internal statuses, with the clock class its time counts as and the public status
external clients see."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.statuses import InternalStatus
from casedesk.services.reference import statuses
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.statuses import StatusCreate, StatusPatch
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    optional,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/statuses")
HOME = "/console/admin/statuses"

#: How the pages name the internal statuses: "Awaiting external" for AWAITING_EXTERNAL.
INTERNAL = [(str(int(s)), s.name.replace("_", " ").capitalize()) for s in InternalStatus]
CLOCKS = [
    ("internal", "internal (we are working on it)"),
    ("external", "external (waiting on the customer)"),
    ("queue", "queue (not picked up yet)"),
    ("stopped", "stopped (the clock does not run)"),
]
PUBLIC = [(value, value.replace("_", " ").lower()) for value in get_args(statuses.Public)]


def _choices() -> dict[str, object]:
    return {
        "internal": INTERNAL,
        "internal_names": dict(INTERNAL),
        "clocks": CLOCKS,
        "public": PUBLIC,
    }


@router.get("")
def list_statuses(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    rows = statuses.list_statuses(database(request), agent.principal)
    return show(request, "admin/statuses.html", {"statuses": rows} | _choices())


def _fields(form: Posted) -> dict[str, object]:
    fields: dict[str, object] = {
        "name": text(form, "name"),
        "internal_status": text(form, "internal_status"),
        "public_status": optional(form, "public_status"),
        "auto_close_chaser_days": optional(form, "auto_close_chaser_days"),
        "auto_close_days": optional(form, "auto_close_days"),
    }
    if optional(form, "clock") is not None:
        fields["clock"] = text(form, "clock")
    if checked(form, "is_default"):
        fields["is_default"] = True
    return fields


@router.post("")
def create_status(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(StatusCreate, _fields(form))
    statuses.create_status(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{status_id}")
def edit_status(request: Request, agent: Agent, status_id: RowId) -> Response:
    require_manager(agent.principal)
    status = statuses.get_status(database(request), agent.principal, status_id)
    return show(request, "admin/status_edit.html", {"status": status} | _choices())


@router.post("/{status_id}")
def update_status(request: Request, agent: Agent, status_id: RowId, form: Posted) -> Response:
    patch = parse(StatusPatch, _fields(form))
    statuses.update_status(database(request), agent.principal, status_id, patch)
    return done(request, HOME, "saved")


@router.post("/{status_id}/delete")
def delete_status(request: Request, agent: Agent, status_id: RowId) -> Response:
    statuses.delete_status(database(request), agent.principal, status_id)
    return done(request, HOME, "deleted")
