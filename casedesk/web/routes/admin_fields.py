"""/console/admin/custom-fields: the typed fields a case may carry. A select field
lists its options, one per line in the form."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.reference import field_definitions
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.field_definitions import (
    FieldDefinitionCreate,
    FieldDefinitionPatch,
)
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    lines,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/custom-fields")
HOME = "/console/admin/custom-fields"
TYPES = [(t, t) for t in get_args(field_definitions.TypeName)]


@router.get("")
def list_fields(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    rows = field_definitions.list_fields(database(request), agent.principal)
    return show(request, "admin/fields.html", {"fields": rows, "types": TYPES})


def _fields(form: Posted) -> dict[str, object]:
    return {
        "key": text(form, "key").strip(),
        "label": text(form, "label"),
        "type": text(form, "type"),
        "options": lines(text(form, "options")) or None,
        "required": checked(form, "required"),
    }


@router.post("")
def create_field(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(FieldDefinitionCreate, _fields(form))
    field_definitions.create_field(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{field_id}")
def edit_field(request: Request, agent: Agent, field_id: RowId) -> Response:
    require_manager(agent.principal)
    row = field_definitions.get_field(database(request), agent.principal, field_id)
    return show(request, "admin/field_edit.html", {"field": row, "types": TYPES})


@router.post("/{field_id}")
def update_field(request: Request, agent: Agent, field_id: RowId, form: Posted) -> Response:
    patch = parse(FieldDefinitionPatch, _fields(form))
    field_definitions.update_field(database(request), agent.principal, field_id, patch)
    return done(request, HOME, "saved")


@router.post("/{field_id}/delete")
def delete_field(request: Request, agent: Agent, field_id: RowId) -> Response:
    field_definitions.delete_field(database(request), agent.principal, field_id)
    return done(request, HOME, "deleted")
