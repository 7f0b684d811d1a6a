"""The survey of a case beside it in the console (``console/case_survey.html``), loaded
by the case page into its side column: whether the contact was asked, their rating and
comment. A case the agent may not see answers the same 404 as a missing one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.surveys import results
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/cases/{case_id}")


@router.get("/survey")
def case_survey(request: Request, agent: Agent, case_id: CaseId) -> Response:
    survey = results.for_case(db_of(request), agent.principal, case_id)
    if survey is None:
        return Response(status_code=200, content="")
    return render(request, "console/case_survey_panel.html", {"survey": survey})
