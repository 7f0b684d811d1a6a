"""/console/security: the signed-in user's own second factors. An authenticator app
(a QR code and the secret, confirmed by a first code), recovery codes (shown once,
made again on request) and passkeys. A user whose corporation requires a second factor
and who has none is sent here right after the password and may use nothing else until
one is set up (``session.enrolling_agent``)."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.config import Settings
from casedesk.domain.errors import ValidationFailed
from casedesk.services.identity import passkeys, second_factors, second_step
from casedesk.services.identity.second_factors import TotpSetup
from casedesk.services.kernel.translations import N_
from casedesk.web.routes.admin_forms import RowId
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import AGENT_COOKIE, EnrollingAgent, database
from casedesk.web.templating import render

router = APIRouter(prefix="/console/security", route_class=SessionFirstRoute)
HOME = "/console/security"
NOTICES = {
    "passkey": N_("Passkey added."),
    "passkey-removed": N_("Passkey removed."),
    "totp-removed": N_("Authenticator app removed."),
}


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def _cookie(request: Request) -> str:
    return request.cookies.get(AGENT_COOKIE, "")


@router.get("")
def security_page(request: Request, agent: EnrollingAgent) -> Response:
    status = second_factors.status(database(request), agent.principal)
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return render(
        request,
        "console/security.html",
        {"status": status, "agent": agent, "done": notice},
    )


def _setup_page(
    request: Request, agent: EnrollingAgent, setup: TotpSetup, error: str = "", status: int = 200
) -> Response:
    qr = segno.make(setup.uri, error="m").svg_inline(
        scale=4, title="QR code of the authenticator app's secret", omitsize=False
    )
    context = {"setup": setup, "qr": qr, "error": error, "agent": agent}
    return render(request, "console/security_totp.html", context, status_code=status)


@router.post("/totp")
def start_totp(request: Request, agent: EnrollingAgent) -> Response:
    setup = second_factors.start_totp(
        database(request), agent.principal, settings(request).secret_key
    )
    return _setup_page(request, agent, setup)


@router.post("/totp/confirm")
def confirm_totp(
    request: Request, agent: EnrollingAgent, code: Annotated[str, Form(max_length=20)]
) -> Response:
    db, key = database(request), settings(request).secret_key
    try:
        codes = second_factors.confirm_totp(db, agent.principal, code, key)
    except ValidationFailed as exc:
        setup = second_factors.start_totp(db, agent.principal, key)
        return _setup_page(request, agent, setup, exc.detail, 422)
    second_step.finish_enrolment(db, _cookie(request))
    return render(request, "console/security_codes.html", {"codes": codes})


@router.post("/totp/remove")
def remove_totp(request: Request, agent: EnrollingAgent) -> Response:
    second_factors.remove_totp(database(request), agent.principal)
    return RedirectResponse(f"{HOME}?done=totp-removed", status_code=303)


@router.post("/recovery-codes")
def new_recovery_codes(request: Request, agent: EnrollingAgent) -> Response:
    codes = second_factors.regenerate_recovery_codes(database(request), agent.principal)
    return render(request, "console/security_codes.html", {"codes": codes})


@router.post("/passkeys/options")
def passkey_options(request: Request, agent: EnrollingAgent) -> Response:
    options = passkeys.registration_options(
        database(request), agent.principal, _cookie(request), settings(request).link_base_url
    )
    return Response(options, media_type="application/json")


@router.post("/passkeys")
def add_passkey(
    request: Request,
    agent: EnrollingAgent,
    credential: Annotated[str, Form(max_length=20_000)],
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    db = database(request)
    passkeys.register(
        db, agent.principal, _cookie(request), credential, settings(request).link_base_url, name
    )
    second_step.finish_enrolment(db, _cookie(request))
    return RedirectResponse(f"{HOME}?done=passkey", status_code=303)


@router.post("/passkeys/{passkey_id}/remove")
def remove_passkey(request: Request, agent: EnrollingAgent, passkey_id: RowId) -> Response:
    passkeys.remove(database(request), agent.principal, passkey_id)
    return RedirectResponse(f"{HOME}?done=passkey-removed", status_code=303)
