"""The console's search box: what one text finds (a case by number, contacts,
organizations, cases by text), grouped, through ``services.cases.finder``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from casedesk.services.cases.finder import find
from casedesk.services.cases.reads import unread_case_ids
from casedesk.web.routes.console_context import db_of, lookups
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console")


@router.get("/search")
def search(
    request: Request, agent: Agent, q: Annotated[str, Query(max_length=500)] = ""
) -> Response:
    db = db_of(request)
    found = find(db, agent.principal, q)
    shown = [*found.cases, *([found.by_number] if found.by_number else [])]
    return render(
        request,
        "console/search.html",
        {
            "found": found,
            "looked": lookups(db, agent.principal),
            "unread": unread_case_ids(db, agent.principal, [c.id for c in shown]),
        },
    )
