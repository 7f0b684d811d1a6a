"""The organizations of a contact and of a case, from the console.

On a contact's page an agent who manages reference data adds the contact to an
organization, removes them from one, or makes one the primary; on a case's customer
panel an agent who may edit the case chooses which of the contact's organizations the
case is for. Both go through the same use-cases as the API (``update_contact``,
``update_case``), so an organization outside the contact's is refused the same way: the
page again with the reason and a 4xx status, nothing changed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import DomainError, PreconditionFailed, ValidationFailed
from casedesk.services.cases.core import get_case, update_case
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.customers.overview import customer_panel
from casedesk.services.reference import contacts
from casedesk.web.errors import status_of
from casedesk.web.routes.console_contacts import _page as contact_page
from casedesk.web.routes.console_context import CaseId, OtherId, db_of, lookups
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console", route_class=SessionFirstRoute)

_MAX_ID = 2**53


def _organization(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= _MAX_ID:
        raise ValidationFailed("organization: choose one of the list", field="organization_id")
    return int(text)


def _membership_patch(
    current: contacts.ContactOut, action: str, organization_id: int
) -> contacts.ContactPatch:
    ids = list(current.organization_ids)
    if action == "add":
        return contacts.ContactPatch(organization_ids=[*ids, organization_id])
    if organization_id not in ids:
        raise ValidationFailed(
            f"the contact does not belong to organization {organization_id}",
            field="organization_id",
        )
    if action == "remove":
        return contacts.ContactPatch(organization_ids=[i for i in ids if i != organization_id])
    return contacts.ContactPatch(organization_id=organization_id, organization_ids=ids)


@router.post("/contacts/{contact_id}/organizations")
def change_membership(
    request: Request,
    agent: Agent,
    contact_id: OtherId,
    action: Annotated[Literal["add", "remove", "primary"], Form()],
    organization_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    db = db_of(request)
    principal = agent.principal
    current = contacts.get_contact(db, principal, contact_id)  # unknown: a 404 page
    try:
        patch = _membership_patch(current, action, _organization(organization_id))
        contacts.update_contact(db, principal, contact_id, patch)
    except DomainError as exc:
        status, detail = status_of(exc)
        return contact_page(request, db, principal, contact_id, error=detail, status_code=status)
    return RedirectResponse(f"/console/contacts/{contact_id}?done=saved", status_code=303)


@router.post("/cases/{case_id}/organization")
def choose_case_organization(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    organization_id: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[int, Form(ge=0, le=2**31)] = 0,
) -> Response:
    db = db_of(request)
    principal = agent.principal
    get_case(db, principal, case_id)  # a case they may not see: the same 404 as a missing one
    patch = CasePatch(organization_id=_organization(organization_id))
    try:
        case = update_case(db, principal, case_id, patch, expected_versions=[version])
    except PreconditionFailed:
        raise PreconditionFailed(
            "Someone else changed this case after you opened it, so nothing was saved. "
            "Reload the page to see their change, then make yours again."
        ) from None
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(f"/console/cases/{case_id}", status_code=303)
    return render(
        request,
        "console/customer_panel.html",
        {
            "case": case,
            "panel": customer_panel(db, principal, case),
            "looked": lookups(db, principal),
            "can_edit": True,
            "saved": True,
        },
    )
