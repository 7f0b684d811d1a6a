"""The assist on the console's case page and list: language and sentiment badges, the
suggested category with "use suggestion" and "not this one", similar cases with merge
and link (the case page's own merge and link forms), and the duplicate warning.

The forms are plain posts answered with a redirect, as the case page's other actions.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.assist import reads, similar, suggestions
from casedesk.services.assist.reads import InsightOut
from casedesk.store.db import Database
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/cases/{case_id}/assist", route_class=SessionFirstRoute)


def assist_context(db: Database, principal: Principal, case_id: int) -> dict[str, Any]:
    """What the case page's assist panel shows."""
    insight = reads.case_insight(db, principal, case_id)
    duplicate = (
        similar.get_duplicate(db, principal, insight.duplicate_of_id)
        if insight.duplicate_of_id
        else None
    )
    return {
        "assist": insight,
        "similar_cases": similar.similar_cases(db, principal, case_id),
        "duplicate": duplicate,
        "can_edit_assist": principal.can(Permission.EDIT_CASE),
    }


def list_badges(db: Database, principal: Principal, case_ids: list[int]) -> dict[int, InsightOut]:
    return reads.badges(db, principal, case_ids)


@router.post("/accept")
def accept(request: Request, agent: Agent, case_id: CaseId) -> Response:
    """Set the case's category to the suggested one."""
    suggestions.accept_suggestion(db_of(request), agent.principal, case_id)
    return RedirectResponse(f"/console/cases/{case_id}#assist", status_code=303)


@router.post("/refuse")
def refuse(request: Request, agent: Agent, case_id: CaseId) -> Response:
    """Record that the suggestion is not the right category."""
    suggestions.refuse_suggestion(db_of(request), agent.principal, case_id)
    return RedirectResponse(f"/console/cases/{case_id}#assist", status_code=303)
