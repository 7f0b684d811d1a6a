"""Agents sign in with email and password and sign out again; the sign-in form's
handling that the portal shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import TooManyAttempts, Unauthenticated
from casedesk.services.identity import oidc, sso_providers, web_sessions
from casedesk.services.identity.web_sessions import SignedIn
from casedesk.store.db import Database
from casedesk.web.session import (
    AGENT_COOKIE,
    SECOND_STEP_PAGES,
    AnyStageAgent,
    check_sign_in_csrf,
    client_address,
    database,
    remember_sign_in_csrf,
    set_session_cookie,
    sign_in_csrf,
)
from casedesk.web.templating import render

router = APIRouter(prefix="/console")

#: A service that opens a session for an email and password from a client address.
Authenticate = Callable[[Database, str, str, str], SignedIn]


def safe_next(value: str, area: str) -> str:
    """Where to go after signing in: only a path of this area, never another site."""
    if value.startswith(f"/{area}") and not value.startswith("//") and "\\" not in value:
        return value
    return f"/{area}"


def sign_in_page(
    request: Request, template: str, context: Mapping[str, object], status: int = 200
) -> Response:
    """A page with a sign-in form (no session yet): its CSRF token is a cookie's."""
    token = sign_in_csrf(request)
    if template == "console/sign_in.html":
        db = database(request)
        choices = {
            "providers": sso_providers.active_providers(db),
            "password_form": sso_providers.password_form_shown(db),
            "area": "console",
        }
        context = choices | dict(context)
    elif template == "portal/sign_in.html":
        choices = {
            "providers": sso_providers.active_providers(database(request), "contacts"),
            "area": "portal",
        }
        context = choices | dict(context)
    response = render(request, template, dict(context), status_code=status)
    remember_sign_in_csrf(request, response, token)
    return response


def password_sign_in(
    request: Request,
    authenticate: Authenticate,
    *,
    area: str,
    cookie: str,
    template: str,
    email: str,
    password: str,
    next_url: str,
) -> Response:
    """Open a session and go on to ``next_url``, or show the form again with why not."""
    try:
        signed_in = authenticate(database(request), email, password, client_address(request))
    except (Unauthenticated, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        context = {"next": next_url, "email": email, "error": exc.detail}
        return sign_in_page(request, template, context, status)
    target = safe_next(next_url, area)
    if signed_in.pending is not None:
        target = SECOND_STEP_PAGES[signed_in.pending]
        if signed_in.pending == "verify" and next_url:
            target += "?" + urlencode({"next": next_url})
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, cookie, signed_in.token)
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "") -> Response:
    context = {"next": next, "email": "", "error": ""}
    return sign_in_page(request, "console/sign_in.html", context)


@router.post("/sign-in", dependencies=[Depends(check_sign_in_csrf)])
def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "",
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    return password_sign_in(
        request,
        partial(web_sessions.sign_in_agent, time_zone=time_zone),
        area="console",
        cookie=AGENT_COOKIE,
        template="console/sign_in.html",
        email=email,
        password=password,
        next_url=next,
    )


@router.post("/sign-out")
def sign_out(request: Request, _: AnyStageAgent) -> Response:
    """End the session here and, for one opened through a provider that is set to,
    send the browser on to sign out at the provider too (by a page: the console's
    forms may post only to casedesk, and a browser holds a redirect to that)."""
    back = request.app.state.settings.link_base_url + "/console/sign-in"
    at_provider = oidc.sign_out(
        database(request), request.cookies.get(AGENT_COOKIE, ""), post_logout_redirect_uri=back
    )
    response: Response = RedirectResponse("/console/sign-in", status_code=303)
    if at_provider is not None:
        context = {"end_session_url": at_provider.url, "provider_name": at_provider.provider}
        response = render(request, "console/signed_out.html", context)
    response.delete_cookie(AGENT_COOKIE, path="/")
    return response
