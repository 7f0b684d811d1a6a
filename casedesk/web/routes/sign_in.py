"""Agents sign in with email and password and sign out again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import TooManyAttempts, Unauthenticated
from casedesk.services import web_sessions
from casedesk.web.session import (
    AGENT_COOKIE,
    Agent,
    check_sign_in_csrf,
    client_address,
    database,
    remember_sign_in_csrf,
    set_session_cookie,
    sign_in_csrf,
)
from casedesk.web.templating import render

router = APIRouter(prefix="/console")


def safe_next(value: str, area: str) -> str:
    """Where to go after signing in: only a path of this area, never another site."""
    if value.startswith(f"/{area}") and not value.startswith("//") and "\\" not in value:
        return value
    return f"/{area}"


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "") -> Response:
    token = sign_in_csrf(request)
    response = render(request, "console/sign_in.html", {"next": next, "email": "", "error": ""})
    remember_sign_in_csrf(request, response, token)
    return response


@router.post("/sign-in", dependencies=[Depends(check_sign_in_csrf)])
def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        signed_in = web_sessions.sign_in_agent(
            database(request), email, password, client_address(request)
        )
    except (Unauthenticated, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        sign_in_csrf(request)
        return render(
            request,
            "console/sign_in.html",
            {"next": next, "email": email, "error": exc.detail},
            status_code=status,
        )
    response = RedirectResponse(safe_next(next, "console"), status_code=303)
    set_session_cookie(request, response, AGENT_COOKIE, signed_in.token)
    return response


@router.post("/sign-out")
def sign_out(request: Request, _: Agent) -> Response:
    web_sessions.sign_out(database(request), request.cookies.get(AGENT_COOKIE, ""))
    response = RedirectResponse("/console/sign-in", status_code=303)
    response.delete_cookie(AGENT_COOKIE, path="/")
    return response
