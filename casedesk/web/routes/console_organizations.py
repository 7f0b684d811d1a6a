"""The console's organization pages: the list with its search, an organization with
its contacts and its cases, and editing its name, email domains and group.

The cases are a case search as the agent (``customers.overview``): a case of a group
the agent is not in is neither listed nor counted. A refused edit shows the page again
with the reason and a 4xx status.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.customers import overview
from casedesk.services.kernel.translations import N_
from casedesk.services.reference import organizations
from casedesk.services.reference.contacts import list_contacts
from casedesk.services.reference.groups import list_groups
from casedesk.store.db import Database
from casedesk.web.errors import status_of
from casedesk.web.routes.console_context import OtherId, db_of, lookups
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/organizations", route_class=SessionFirstRoute)

PAGE = 50
_MAX_ID = 2**53


@router.get("")
def organization_list(
    request: Request,
    agent: Agent,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    found = organizations.list_organizations(
        db_of(request), agent.principal, q=q or None, limit=PAGE + 1, offset=offset
    )
    return render(
        request,
        "console/organizations.html",
        {
            "found": found[:PAGE],
            "q": q,
            "offset": offset,
            "more": len(found) > PAGE,
            "page_size": PAGE,
        },
    )


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    organization_id: int,
    *,
    notice: str = "",
    error: str = "",
    status_code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    org = organizations.get_organization(db, principal, organization_id)
    opened, _ = overview.cases_of(db, principal, organization_id=org.id, open_only=True)
    recent, more = overview.cases_of(db, principal, organization_id=org.id, limit=25)
    groups = list_groups(db, principal)
    context: dict[str, Any] = {
        "org": org,
        "people": list_contacts(db, principal, organization_id=org.id, limit=200),
        "open_cases": opened,
        "recent_cases": recent,
        "more_cases": more is not None,
        "groups": groups,
        "group_names": {g.id: g.name for g in groups},
        "looked": lookups(db, principal),
        "can_manage": principal.can(Permission.MANAGE_REFERENCE),
        "notice": notice,
        "error": error,
        "form": form or {},
    }
    return render(request, "console/organization.html", context, status_code=status_code)


@router.get("/{organization_id}")
def organization_page(
    request: Request,
    agent: Agent,
    organization_id: OtherId,
    done: Annotated[Literal["saved"] | None, Query()] = None,
) -> Response:
    notice = N_("Saved.") if done else ""
    return _page(request, db_of(request), agent.principal, organization_id, notice=notice)


@router.post("/{organization_id}")
def edit_organization(
    request: Request,
    agent: Agent,
    organization_id: OtherId,
    name: Annotated[str, Form(max_length=300)] = "",
    domains: Annotated[str, Form(max_length=20_000)] = "",
    group_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    db = db_of(request)
    principal = agent.principal
    organizations.get_organization(db, principal, organization_id)
    try:
        group = group_id.strip()
        if group and (not group.isdigit() or int(group) > _MAX_ID):
            raise ValidationFailed("group: choose one of the list", field="group_id")
        values = {
            "name": name.strip(),
            "domains": [d.strip() for d in domains.replace(",", "\n").splitlines() if d.strip()],
            "group_id": int(group) if group else None,
        }
        try:
            patch = organizations.OrganizationPatch.model_validate(values)
        except PydanticError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None
        organizations.update_organization(db, principal, organization_id, patch)
    except DomainError as exc:
        status, detail = status_of(exc)
        shown = {"name": name, "domains": domains, "group_id": group_id}
        return _page(
            request, db, principal, organization_id, error=detail, status_code=status, form=shown
        )
    return RedirectResponse(f"/console/organizations/{organization_id}?done=saved", status_code=303)
