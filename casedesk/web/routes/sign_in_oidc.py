"""/console/sign-in/oidc/…: signing in through an OpenID provider. The first route sends
the browser to the provider with the flow sealed in a cookie of its own; the provider
sends it back to the callback, which opens the console session (or says why not)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import NotFound
from casedesk.services.identity import oidc, sso_providers
from casedesk.services.identity.sso_accounts import SignInRefused
from casedesk.web.routes.admin_forms import RowId
from casedesk.web.routes.console_security import settings
from casedesk.web.routes.sign_in import safe_next, sign_in_page
from casedesk.web.session import AGENT_COOKIE, SECOND_STEP_PAGES, database, set_session_cookie
from casedesk.web.templating import render

router = APIRouter(prefix="/console/sign-in/oidc")
FLOW_COOKIE = "casedesk_oidc"
FLOW_PATH = "/console/sign-in/oidc"


def _redirect_uri(request: Request) -> str:
    return settings(request).link_base_url + sso_providers.CALLBACK_PATH


def _failed(request: Request, message: str, status: int = 401) -> Response:
    context = {"next": "", "email": "", "error": message}
    response = sign_in_page(request, "console/sign_in.html", context, status)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


@router.get("/callback")
def callback(request: Request) -> Response:
    config = settings(request)
    params = {k: v for k, v in request.query_params.items() if len(v) <= 4000}
    try:
        flow = oidc.open_flow(config.secret_key, request.cookies.get(FLOW_COOKIE, ""))
        signed_in = oidc.finish(
            database(request),
            flow,
            params,
            redirect_uri=_redirect_uri(request),
            secret_key=config.secret_key,
        )
    except SignInRefused as exc:
        refused = render(
            request,
            "console/sign_in_refused.html",
            {"message": exc.detail},
            status_code=403,
        )
        refused.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
        return refused
    except NotFound:
        return _failed(request, "there is no such sign-in provider", 404)
    except oidc.SignInFailed as exc:
        return _failed(request, exc.detail)
    target = safe_next(flow.next_url, "console")
    if signed_in.pending is not None:
        target = SECOND_STEP_PAGES[signed_in.pending]
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, AGENT_COOKIE, signed_in.token)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


@router.get("/{provider_id}")
def start(request: Request, provider_id: RowId, next: str = "") -> Response:
    config = settings(request)
    try:
        started = oidc.start(
            database(request),
            provider_id,
            redirect_uri=_redirect_uri(request),
            secret_key=config.secret_key,
            next_url=safe_next(next, "console") if next else "",
        )
    except NotFound:
        return _failed(request, "there is no such sign-in provider", 404)
    except oidc.SignInFailed as exc:
        return _failed(request, exc.detail, 502)
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        started.flow,
        max_age=oidc.FLOW_SECONDS,
        path=FLOW_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response
