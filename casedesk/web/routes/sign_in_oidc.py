"""Signing in through an OpenID provider: agents at /console/sign-in/oidc/…, customer
contacts at /portal/sign-in/oidc/…. The first route sends the browser to the provider
with the flow sealed in a cookie of its own; the provider sends it back to the
callback, which opens the session (or says why not)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import NotFound
from casedesk.services.identity import oidc, sso_providers
from casedesk.services.identity.sso_accounts import SignInRefused
from casedesk.web.routes.admin_forms import RowId
from casedesk.web.routes.console_security import settings
from casedesk.web.routes.sign_in import safe_next, sign_in_page
from casedesk.web.session import (
    AGENT_COOKIE,
    CONTACT_COOKIE,
    SECOND_STEP_PAGES,
    database,
    set_session_cookie,
)
from casedesk.web.templating import render

FLOW_COOKIE = "casedesk_oidc"


@dataclass(frozen=True, slots=True)
class Area:
    """The console (agents) or the portal (contacts)."""

    name: str
    audience: str
    cookie: str
    template: str

    @property
    def flow_path(self) -> str:
        return f"/{self.name}/sign-in/oidc"


CONSOLE = Area("console", "agents", AGENT_COOKIE, "console/sign_in.html")
PORTAL = Area("portal", "contacts", CONTACT_COOKIE, "portal/sign_in.html")


def _redirect_uri(request: Request, area: Area) -> str:
    return settings(request).link_base_url + sso_providers.CALLBACK_PATHS[area.audience]


def _failed(request: Request, area: Area, message: str, status: int = 401) -> Response:
    context = {"next": "", "email": "", "error": message}
    response = sign_in_page(request, area.template, context, status)
    response.delete_cookie(FLOW_COOKIE, path=area.flow_path)
    return response


def _callback(request: Request, area: Area) -> Response:
    config = settings(request)
    params = {k: v for k, v in request.query_params.items() if len(v) <= 4000}
    try:
        flow = oidc.open_flow(config.secret_key, request.cookies.get(FLOW_COOKIE, ""))
        signed_in = oidc.finish(
            database(request),
            flow,
            params,
            redirect_uri=_redirect_uri(request, area),
            secret_key=config.secret_key,
            audience=area.audience,
        )
    except SignInRefused as exc:
        refused = render(
            request,
            "console/sign_in_refused.html",
            {"message": exc.detail, "back": f"/{area.name}/sign-in"},
            status_code=403,
        )
        refused.delete_cookie(FLOW_COOKIE, path=area.flow_path)
        return refused
    except NotFound:
        return _failed(request, area, "there is no such sign-in provider", 404)
    except oidc.SignInFailed as exc:
        return _failed(request, area, exc.detail)
    target = safe_next(flow.next_url, area.name)
    if signed_in.pending is not None:
        target = SECOND_STEP_PAGES[signed_in.pending]
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, area.cookie, signed_in.token)
    response.delete_cookie(FLOW_COOKIE, path=area.flow_path)
    return response


def _start(request: Request, area: Area, provider_id: int, next_url: str) -> Response:
    config = settings(request)
    try:
        started = oidc.start(
            database(request),
            provider_id,
            redirect_uri=_redirect_uri(request, area),
            secret_key=config.secret_key,
            next_url=safe_next(next_url, area.name) if next_url else "",
            audience=area.audience,
        )
    except NotFound:
        return _failed(request, area, "there is no such sign-in provider", 404)
    except oidc.SignInFailed as exc:
        return _failed(request, area, exc.detail, 502)
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        started.flow,
        max_age=oidc.FLOW_SECONDS,
        path=area.flow_path,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


router = APIRouter(prefix=CONSOLE.flow_path)
portal_router = APIRouter(prefix=PORTAL.flow_path)


@router.get("/callback")
def console_callback(request: Request) -> Response:
    return _callback(request, CONSOLE)


@router.get("/{provider_id}")
def console_start(request: Request, provider_id: RowId, next: str = "") -> Response:
    return _start(request, CONSOLE, provider_id, next)


@portal_router.get("/callback")
def portal_callback(request: Request) -> Response:
    return _callback(request, PORTAL)


@portal_router.get("/{provider_id}")
def portal_start(request: Request, provider_id: RowId, next: str = "") -> Response:
    return _start(request, PORTAL, provider_id, next)
