"""/console/admin/tokens: API tokens. An admin sees, creates and revokes the tokens of
every user of the corporation; others their own. A new token is shown once, on the page
that answers its creation; afterwards only its first characters identify it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from casedesk.domain.token_scopes import ALL_SCOPES
from casedesk.services.kernel.translations import N_
from casedesk.services.reference import accounts, organizations, tokens
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.tokens import TokenCreate
from casedesk.web.routes.admin_forms import (
    MAX_ID,
    Posted,
    RowId,
    done,
    optional,
    options,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/tokens")
HOME = "/console/admin/tokens"


@router.get("")
def list_tokens(
    request: Request,
    agent: Agent,
    user_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    require_manager(agent.principal)
    db = database(request)
    principal = agent.principal
    owner = user_id or principal.user_id
    rows = tokens.list_tokens(db, principal, owner)
    if principal.is_admin:
        users = accounts.list_users(db, principal, limit=500)
        orgs = options(organizations.list_organizations(db, principal, limit=500))
    else:
        users, orgs = [], []
    return show(
        request,
        "admin/tokens.html",
        {
            "tokens": rows,
            "owner": str(owner),
            "owner_email": next((u.email for u in users if u.id == owner), agent.email),
            "users": [(str(u.id), u.email) for u in users],
            "emails": [(u.email, u.email) for u in users if getattr(u, "is_active", True)],
            "organizations": orgs,
            "all_scopes": ALL_SCOPES,
        },
    )


@router.post("")
def create_token(request: Request, agent: Agent, form: Posted) -> Response:
    expires = optional(form, "expires_on")
    data = parse(
        TokenCreate,
        {
            "name": text(form, "name"),
            "user_email": optional(form, "user_email"),
            "expires_at": f"{expires}T00:00:00Z" if expires else None,
            "organization_id": optional(form, "organization_id"),
            # The page's boxes, when it sent them (none ticked: no scope); else every scope.
            "scopes": [v for v in form.getlist("scope") if isinstance(v, str)]
            if "scopes_shown" in form
            else None,
        },
    )
    created = tokens.create_token(database(request), agent.principal, data)
    back = f"{HOME}?user_id={created.user_id}"
    return show(request, "admin/token_created.html", {"token": created, "back": back})


@router.post("/{token_id}/revoke")
def revoke_token(request: Request, agent: Agent, token_id: RowId, form: Posted) -> Response:
    tokens.revoke_token(database(request), agent.principal, token_id)
    owner = optional(form, "user_id")
    back = f"{HOME}?user_id={owner}" if owner and owner.isascii() and owner.isdigit() else HOME
    return done(request, back, "revoked")


@router.post("/{token_id}/rotate")
def rotate_token(request: Request, agent: Agent, token_id: RowId, form: Posted) -> Response:
    """A new secret for the token, shown once; the old one stops working."""
    rotated = tokens.rotate_token(database(request), agent.principal, token_id)
    context = {"token": rotated, "back": HOME, "heading": N_("Token rotated")}
    return show(request, "admin/token_created.html", context)
