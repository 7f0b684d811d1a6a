"""/console/admin/mailbox-oauth: a mailbox's OAuth2 sign-in, set up and authorised from
its page.

"Authorise" sends the admin's browser to the provider (authorization-code flow with
PKCE); the provider sends it back to ``/console/admin/mailbox-oauth/callback``, under
``CASEDESK_PUBLIC_URL``, the redirect URL to register with the provider. The client
secret is write-only, like a mailbox's password; the tokens are never shown.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import ValidationFailed
from casedesk.services.kernel.clock import utcnow
from casedesk.services.mail import mailbox_oauth
from casedesk.services.mail.mailbox_oauth import OAuthSetup
from casedesk.web.routes.admin_forms import Posted, RowId, done, optional, parse, text
from casedesk.web.routes.console_context import settings
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/mailbox-oauth")
CALLBACK = "/console/admin/mailbox-oauth/callback"


def redirect_uri(request: Request) -> str:
    """The address the provider sends the browser back to: never taken from the request."""
    return settings(request).link_base_url + CALLBACK


def _page(mailbox_id: int) -> str:
    return f"/console/admin/mailboxes/{mailbox_id}"


@router.post("/{mailbox_id}")
def set_up(request: Request, agent: Agent, mailbox_id: RowId, form: Posted) -> Response:
    data = parse(
        OAuthSetup,
        {
            "provider": text(form, "provider"),
            "client_id": text(form, "client_id"),
            "client_secret": optional(form, "client_secret"),
            "authorize_url": optional(form, "authorize_url"),
            "token_url": optional(form, "token_url"),
            "scopes": optional(form, "scopes"),
            "smtp_url": optional(form, "smtp_url"),
        },
    )
    mailbox_oauth.set_up_oauth(
        database(request), agent.principal, mailbox_id, data, settings(request).secret_key
    )
    return done(request, _page(mailbox_id), "saved")


@router.post("/{mailbox_id}/remove")
def remove(request: Request, agent: Agent, mailbox_id: RowId, form: Posted) -> Response:
    mailbox_oauth.remove_oauth(database(request), agent.principal, mailbox_id)
    return done(request, _page(mailbox_id), "saved")


@router.post("/{mailbox_id}/authorise")
def authorise(request: Request, agent: Agent, mailbox_id: RowId, form: Posted) -> Response:
    url = mailbox_oauth.start_authorisation(
        database(request),
        agent.principal,
        mailbox_id,
        redirect_uri(request),
        settings(request).secret_key,
        utcnow(),
    )
    return done(request, url, "")


@router.get("/callback")
def callback(
    request: Request,
    agent: Agent,
    state: str = "",
    code: str | None = None,
    error: str | None = None,
) -> Response:
    if len(state) > 100 or (code is not None and len(code) > 4000) or len(error or "") > 200:
        raise ValidationFailed("the provider's answer is too long", field="state")
    mailbox_id = mailbox_oauth.finish_authorisation(
        database(request),
        agent.principal,
        state=state,
        code=code,
        error=error,
        redirect_uri=redirect_uri(request),
        secret_key=settings(request).secret_key,
        now=utcnow(),
    )
    return RedirectResponse(_page(mailbox_id) + "?done=saved", status_code=303)
