"""The signed-in person's profile: their time zone (the console's times are shown in
it; the browser's zone is offered until one is chosen) and language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.services.identity import preferences
from casedesk.web.routes.console_context import db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console", route_class=SessionFirstRoute)


@router.get("/profile")
def profile(request: Request, agent: Agent, saved: bool = False) -> Response:
    current = preferences.get_preferences(db_of(request), agent.principal)
    return render(
        request,
        "console/profile.html",
        {
            "agent": agent,
            "current": current,
            "zones": preferences.time_zones(),
            "languages": preferences.LANGUAGES,
            "saved": saved,
        },
    )


@router.post("/profile")
def save_profile(
    request: Request,
    agent: Agent,
    time_zone: Annotated[str, Form(max_length=64)],
    language: Annotated[str, Form(max_length=16)],
) -> Response:
    preferences.set_preferences(
        db_of(request), agent.principal, time_zone=time_zone, language=language
    )
    return RedirectResponse("/console/profile?saved=true", status_code=303)
