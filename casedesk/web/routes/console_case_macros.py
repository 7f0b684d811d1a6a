"""Applying a macro from a case's page: a plain form post answered with a redirect back
to the case (a refused one shows the error page naming the problem)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.services.rules import macros
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/cases/{case_id}", route_class=SessionFirstRoute)


@router.post("/macros")
def apply_macro(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    macro_id: Annotated[int, Form(ge=1, le=2**53)],
) -> Response:
    macros.apply_macro(db_of(request), agent.principal, macro_id, case_id)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)
