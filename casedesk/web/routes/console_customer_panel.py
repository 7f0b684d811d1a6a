"""The customer beside a case: who the case is for and their other cases, loaded by
the case page into its side column (``console/case_customer.html``).

It reads the case as the agent first, so a case they may not see answers the same 404
as a missing one; the lists are case searches as the agent (their groups only).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.permissions import Permission
from casedesk.services.cases.core import get_case
from casedesk.services.customers.overview import customer_panel
from casedesk.web.routes.console_context import CaseId, db_of, lookups
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/cases/{case_id}")


@router.get("/customer")
def customer(request: Request, agent: Agent, case_id: CaseId) -> Response:
    db = db_of(request)
    case = get_case(db, agent.principal, case_id)
    return render(
        request,
        "console/customer_panel.html",
        {
            "case": case,
            "panel": customer_panel(db, agent.principal, case),
            "looked": lookups(db, agent.principal),
            "can_edit": agent.principal.can(Permission.EDIT_CASE),
        },
    )
