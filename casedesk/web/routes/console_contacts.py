"""The console's contact pages: the list with its search, a contact with their cases,
editing, merging a duplicate into another contact, and mailing a portal sign-in link
(an invitation, or a reset of their access).

Cases on these pages are a case search as the agent (``customers.overview``), so a case
of a group the agent is not in is neither listed nor counted. Changes go through the
same use-cases as the API; a refused one shows the page again, with the reason and a
4xx status, and nothing changed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.customers import merging, overview, portal_access
from casedesk.services.identity.preferences import LANGUAGES
from casedesk.services.kernel.translations import N_
from casedesk.services.reference import contacts
from casedesk.services.reference.organizations import list_organizations
from casedesk.store.db import Database
from casedesk.web.errors import status_of
from casedesk.web.routes.console_context import OtherId, db_of, lookups, settings
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/contacts", route_class=SessionFirstRoute)

PAGE = 50
_MAX_ID = 2**53


@router.get("")
def contact_list(
    request: Request,
    agent: Agent,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    db = db_of(request)
    found = contacts.list_contacts(db, agent.principal, q=q or None, limit=PAGE + 1, offset=offset)
    orgs = {o.id: o.name for o in list_organizations(db, agent.principal, limit=1000)}
    return render(
        request,
        "console/contacts.html",
        {
            "found": found[:PAGE],
            "orgs": orgs,
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
    contact_id: int,
    *,
    notice: str = "",
    error: str = "",
    status_code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    contact = contacts.get_contact(db, principal, contact_id)
    opened, _ = overview.cases_of(db, principal, contact_id=contact_id, open_only=True)
    recent, more = overview.cases_of(db, principal, contact_id=contact_id, limit=25)
    organizations = list_organizations(db, principal, limit=1000)
    context: dict[str, Any] = {
        "contact": contact,
        "open_cases": opened,
        "recent_cases": recent,
        "more_cases": more is not None,
        "organizations": organizations,
        "orgs": {o.id: o.name for o in organizations},
        "looked": lookups(db, principal),
        "can_manage": principal.can(Permission.MANAGE_REFERENCE),
        "can_open": principal.can(Permission.CREATE_CASE),
        "is_admin": principal.is_admin,
        "notice": notice,
        "error": error,
        "form": form or {},
        "languages": LANGUAGES,
    }
    return render(request, "console/contact.html", context, status_code=status_code)


@router.get("/{contact_id}")
def contact_page(
    request: Request,
    agent: Agent,
    contact_id: OtherId,
    done: Annotated[
        Literal["saved", "merged", "invite", "reset", "anonymised"] | None, Query()
    ] = None,
) -> Response:
    notices = {
        "saved": N_("Saved."),
        "merged": N_("The duplicate was merged into this contact."),
        "invite": N_("A sign-in link to the portal was mailed to the contact."),
        "reset": N_(
            "Portal access was reset: the password is removed, their sessions ended, "
            "and a new sign-in link was mailed."
        ),
        "anonymised": N_("The contact's personal data was replaced by placeholders."),
    }
    notice = notices[done] if done else ""
    return _page(request, db_of(request), agent.principal, contact_id, notice=notice)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _patch(
    first_name: str,
    last_name: str,
    title: str,
    department: str,
    location: str,
    organization_id: str,
    emails: str,
    phones: str,
    sees_organization_cases: str,
    kinds: dict[str, str],
    language: str = "",
) -> contacts.ContactPatch:
    """The form as a patch; ``kinds`` keeps the kind (work, mobile…) of numbers kept."""
    org = organization_id.strip()
    if org and (not org.isdigit() or int(org) > _MAX_ID):
        raise ValidationFailed("organization: choose one of the list", field="organization_id")
    values: dict[str, Any] = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "title": title.strip(),
        "department": department.strip(),
        "location": location.strip(),
        "organization_id": int(org) if org else None,
        "emails": _lines(emails),
        "phones": [{"number": n, "kind": kinds.get(n, "work")} for n in _lines(phones)],
        "sees_organization_cases": sees_organization_cases == "yes",
        "language": language.strip() or None,
    }
    try:
        return contacts.ContactPatch.model_validate(values)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None


Text = Annotated[str, Form(max_length=200)]


@router.post("/{contact_id}")
def edit_contact(
    request: Request,
    agent: Agent,
    contact_id: OtherId,
    first_name: Annotated[str, Form(max_length=100)] = "",
    last_name: Annotated[str, Form(max_length=100)] = "",
    title: Annotated[str, Form(max_length=100)] = "",
    department: Text = "",
    location: Text = "",
    organization_id: Annotated[str, Form(max_length=20)] = "",
    emails: Annotated[str, Form(max_length=10_000)] = "",
    phones: Annotated[str, Form(max_length=2_000)] = "",
    sees_organization_cases: Annotated[str, Form(max_length=5)] = "",
    language: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    db = db_of(request)
    principal = agent.principal
    current = contacts.get_contact(db, principal, contact_id)  # unknown: a 404 page
    shown = {
        "first_name": first_name,
        "last_name": last_name,
        "title": title,
        "department": department,
        "location": location,
        "organization_id": organization_id,
        "emails": emails,
        "phones": phones,
        "language": language,
    }
    try:
        patch = _patch(
            first_name,
            last_name,
            title,
            department,
            location,
            organization_id,
            emails,
            phones,
            sees_organization_cases,
            {p.number: p.kind for p in current.phones},
            language,
        )
        contacts.update_contact(db, principal, contact_id, patch)
    except DomainError as exc:
        status, detail = status_of(exc)
        return _page(
            request, db, principal, contact_id, error=detail, status_code=status, form=shown
        )
    return RedirectResponse(f"/console/contacts/{contact_id}?done=saved", status_code=303)


def _contact_ref(db: Database, principal: Principal, text: str) -> int:
    """A contact named by its id (``57`` or ``id:57``) or one of its email addresses."""
    text = text.strip().lower().removeprefix("id:")
    if text.isdigit() and int(text) <= _MAX_ID:
        return int(text)
    if "@" in text:
        found = [c for c in contacts.list_contacts(db, principal, q=text) if text in c.emails]
        if found:
            return found[0].id
    raise ValidationFailed(
        f"no contact {text!r}: give the other contact's email address or number", field="into"
    )


@router.post("/{contact_id}/merge")
def merge_contact(
    request: Request,
    agent: Agent,
    contact_id: OtherId,
    into: Annotated[str, Form(max_length=320)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Merge this contact (the duplicate) into the one named; go to that one."""
    db = db_of(request)
    principal = agent.principal
    contacts.get_contact(db, principal, contact_id)
    try:
        if confirm != "yes":
            raise ValidationFailed("tick “Yes, merge” to confirm the merge", field="confirm")
        target = _contact_ref(db, principal, into)
        merging.merge_contacts(db, principal, contact_id, target)
    except DomainError as exc:
        status, detail = status_of(exc)
        return _page(request, db, principal, contact_id, error=detail, status_code=status)
    return RedirectResponse(f"/console/contacts/{target}?done=merged", status_code=303)


@router.post("/{contact_id}/portal")
def portal_link(
    request: Request,
    agent: Agent,
    contact_id: OtherId,
    action: Annotated[Literal["invite", "reset"], Form()],
) -> Response:
    """Mail the contact a portal sign-in link; ``reset`` ends their access first."""
    db = db_of(request)
    principal = agent.principal
    contacts.get_contact(db, principal, contact_id)
    try:
        portal_access.send_portal_link(
            db, principal, contact_id, action, settings(request).link_base_url
        )
    except DomainError as exc:
        status, detail = status_of(exc)
        return _page(request, db, principal, contact_id, error=detail, status_code=status)
    return RedirectResponse(f"/console/contacts/{contact_id}?done={action}", status_code=303)
