"""The console's landing page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console")


@router.get("")
def home(request: Request, agent: Agent) -> Response:
    return render(request, "console/home.html", {"agent": agent})
