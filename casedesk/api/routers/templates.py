"""/templates: named default fields for new cases, and opening a case from one.
Everyone reads and opens cases from templates; writing them needs manage_reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from casedesk.api.case_contract import created_answer
from casedesk.api.deps import Caller, Db
from casedesk.api.routers.cases import created_once
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.cases import templates
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.cases.templates import (
    TemplateCreate,
    TemplateFields,
    TemplateOut,
    TemplatePatch,
)
from casedesk.services.kernel import idempotency
from casedesk.services.kernel.clock import utcnow

router = APIRouter(
    route_class=NativeRoute, prefix="/templates", tags=["templates"], responses=ERRORS
)


@router.get("", response_model=list[TemplateOut])
def list_templates(caller: Caller, db: Db) -> list[TemplateOut]:
    """All templates of the caller's corporation, by name."""
    return templates.list_templates(db, caller)


@router.post("", status_code=201, response_model=TemplateOut)
def create_template(data: TemplateCreate, caller: Caller, db: Db) -> TemplateOut:
    """`fields` takes any field of a case create request; ids must exist."""
    return templates.create_template(db, caller, data)


@router.get("/{template_id}", response_model=TemplateOut)
def get_template(template_id: RowId, caller: Caller, db: Db) -> TemplateOut:
    return templates.get_template(db, caller, template_id)


@router.patch("/{template_id}", response_model=TemplateOut)
def update_template(
    template_id: RowId, patch: TemplatePatch, caller: Caller, db: Db
) -> TemplateOut:
    """Rename, or replace `fields` as a whole."""
    return templates.update_template(db, caller, template_id, patch)


@router.delete("/{template_id}", status_code=204)
def delete_template(template_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while a schedule uses it."""
    templates.delete_template(db, caller, template_id)


@router.post("/{template_id}/cases", status_code=201, response_model=CaseOut, tags=["cases"])
def open_from_template(
    template_id: RowId,
    caller: Caller,
    db: Db,
    overrides: TemplateFields | None = None,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> Response:
    """Open a case from the template's fields, each overridden by the same field in the
    body. The title must come from one or the other. With an `Idempotency-Key` header a
    retried request returns the first answer instead of opening a second case."""
    if idempotency_key is None:
        out = templates.open_from_template(db, caller, template_id, overrides)
        return created_answer(out)
    request = {"template_id": template_id, "overrides": overrides.values() if overrides else {}}
    status, body, replayed = idempotency.run_once(
        db,
        caller,
        idempotency_key,
        "templates.cases",
        idempotency.request_hash(request),
        lambda s: (
            201,
            templates.open_from_template_in(s, caller, template_id, overrides, utcnow()).model_dump(
                mode="json"
            ),
        ),
    )
    return created_once(status, body, replayed)
