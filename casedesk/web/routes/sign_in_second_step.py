"""/console/sign-in/second-step: after the password, a user with a second factor
proves it with a code from their authenticator app, a recovery code or a passkey. The
session exists but may do nothing else until then (``session.verifying_agent``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import TooManyAttempts, Unauthenticated
from casedesk.services.identity import passkeys, second_factors, second_step
from casedesk.web.routes.console_security import settings
from casedesk.web.routes.sign_in import safe_next
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import AGENT_COOKIE, VerifyingAgent, client_address, database
from casedesk.web.templating import render

router = APIRouter(prefix="/console/sign-in/second-step", route_class=SessionFirstRoute)


def _page(
    request: Request, agent: VerifyingAgent, next_url: str, error: str = "", status: int = 200
) -> Response:
    factors = second_factors.status(database(request), agent.principal)
    context = {"next": next_url, "error": error, "factors": factors}
    return render(request, "console/second_step.html", context, status_code=status)


@router.get("")
def second_step_form(request: Request, agent: VerifyingAgent, next: str = "") -> Response:
    return _page(request, agent, next)


def _complete(
    request: Request, agent: VerifyingAgent, next_url: str, *, code: str = "", passkey: str = ""
) -> Response:
    config = settings(request)
    try:
        second_step.complete(
            database(request),
            request.cookies.get(AGENT_COOKIE, ""),
            client_address(request),
            secret_key=config.secret_key,
            public_url=config.link_base_url,
            code=code,
            passkey=passkey,
        )
    except (Unauthenticated, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else {}
        response = _page(request, agent, next_url, exc.detail, status)
        response.headers.update(headers)
        return response
    return RedirectResponse(safe_next(next_url, "console"), status_code=303)


@router.post("")
def second_step_code(
    request: Request,
    agent: VerifyingAgent,
    code: Annotated[str, Form(max_length=40)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _complete(request, agent, next, code=code)


@router.post("/passkey-options")
def passkey_options(request: Request, agent: VerifyingAgent) -> Response:
    options = passkeys.authentication_options(
        database(request), request.cookies.get(AGENT_COOKIE, ""), settings(request).link_base_url
    )
    return Response(options, media_type="application/json")


@router.post("/passkey")
def second_step_passkey(
    request: Request,
    agent: VerifyingAgent,
    credential: Annotated[str, Form(max_length=20_000)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _complete(request, agent, next, passkey=credential or "{}")
