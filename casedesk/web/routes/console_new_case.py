"""A new case from the console: a phone call or a walk-in.

The agent finds the caller (name, email, phone or organization, searched live as they
type) and picks them with Enter, or types a new contact; then the title, description,
fields, files and an optional first reply. One post, one use-case
(``customers.intake.open_case_for_caller``): the new contact, the case, the reply and
the files are written together or not at all. A refused form is shown again with what
was typed and the reason, with a 4xx status.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.datastructures import FormData, UploadFile

from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments import uploads
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.customers.intake import CallerCase, open_case_for_caller
from casedesk.services.reference.contacts import ContactCreate, ContactOut, get_contact
from casedesk.services.reference.contacts import list_contacts as find_contacts
from casedesk.services.reference.groups import list_groups
from casedesk.services.reference.organizations import list_organizations
from casedesk.store.db import Database
from casedesk.web.errors import status_of
from casedesk.web.routes import console_uploads
from casedesk.web.routes.console_context import OtherId, db_of, lookups
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console", route_class=SessionFirstRoute)

_MAX_ID = 2**53
#: Contacts a live search offers at most.
PICK_LIMIT = 8


_CappedRoute = console_uploads.capped_route("a new case")


def _text(form: FormData, name: str, limit: int = 100_000) -> str:
    raw = form.get(name, "")
    if not isinstance(raw, str):
        raise ValidationFailed(f"{name}: expected text", field=name)
    if len(raw) > limit:
        raise ValidationFailed(f"{name}: at most {limit} characters", field=name)
    return raw.strip()


def _id(form: FormData, name: str, label: str) -> int | None:
    text = _text(form, name, 20)
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= _MAX_ID:
        raise ValidationFailed(f"{label}: choose one of the list", field=name)
    return int(text)


def _choices(db: Database, principal: Principal) -> dict[str, Any]:
    return {
        "looked": lookups(db, principal),
        "groups": [g for g in list_groups(db, principal) if principal.sees_group(g.id)],
        "organizations": list_organizations(db, principal, limit=500),
    }


def _custom(form: FormData, db: Database, principal: Principal) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in lookups(db, principal).fields:
        text = _text(form, f"custom.{field.key}", 2000)
        if not text:
            continue
        if field.type == "bool":
            if text not in ("true", "false"):
                raise ValidationFailed(f"{field.label}: choose yes or no", field=field.key)
            values[field.key] = text == "true"
        else:
            values[field.key] = text
    return values


def _order(form: FormData, db: Database, principal: Principal) -> CallerCase:
    """The form as the use-case's input; a pydantic refusal names the field."""
    new: dict[str, Any] = {
        "first_name": _text(form, "new_first_name", 100),
        "last_name": _text(form, "new_last_name", 100),
        "title": _text(form, "new_title", 100),
        "organization_id": _id(form, "new_organization_id", "organization"),
    }
    email = _text(form, "new_email", 320)
    phone = _text(form, "new_phone", 50)
    new_contact = None
    if any(new.values()) or email or phone:
        new_contact = {
            **new,
            "emails": [email] if email else [],
            "phones": [{"number": phone}] if phone else [],
        }
    case: dict[str, Any] = {
        "title": _text(form, "title", 500),
        "description": _text(form, "description") or None,
        "origin": _text(form, "origin", 20) or "phone",
        "contact_id": _id(form, "contact_id", "contact"),
        "organization_id": _id(form, "organization_id", "organization"),
        "priority_id": _id(form, "priority_id", "priority"),
        "category_id": _id(form, "category_id", "category"),
        "queue_id": _id(form, "queue_id", "queue"),
        "group_id": _id(form, "group_id", "group"),
        "custom_fields": _custom(form, db, principal) or None,
    }
    if not case["title"]:
        raise ValidationFailed("title: give the case a title", field="title")
    try:
        return CallerCase(
            case=CaseCreate.model_validate(case),
            new_contact=ContactCreate.model_validate(new_contact) if new_contact else None,
            first_reply=_text(form, "first_reply") or None,
        )
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p not in ("case", "new_contact"))
        raise ValidationFailed(f"{where}: {first['msg']}", field=where) from None


def _files(form: FormData) -> list[UploadFile]:
    chosen = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if len(chosen) > uploads.MAX_UPLOADS_PER_WRITE:
        raise ValidationFailed(
            f"attach at most {uploads.MAX_UPLOADS_PER_WRITE} files to a new case", field="files"
        )
    return chosen


def _picked(db: Database, principal: Principal, form: FormData) -> ContactOut | None:
    contact_id = form.get("contact_id", "")
    if isinstance(contact_id, str) and contact_id.isdigit() and int(contact_id) <= _MAX_ID:
        try:
            return get_contact(db, principal, int(contact_id))
        except DomainError:
            return None
    return None


@router.get("/cases/new")
def new_case_form(
    request: Request,
    agent: Agent,
    contact_id: Annotated[int | None, Query(ge=1, le=_MAX_ID)] = None,
) -> Response:
    """The empty form; ``contact_id`` (from a contact's page) picks the caller."""
    db = db_of(request)
    agent.principal.require(Permission.CREATE_CASE)
    picked = get_contact(db, agent.principal, contact_id) if contact_id else None
    return render(
        request,
        "console/new_case.html",
        _choices(db, agent.principal) | {"form": {}, "picked": picked, "error": None},
    )


async def open_new_case(request: Request, agent: Agent) -> Response:
    db = db_of(request)
    principal = agent.principal
    form = await request.form()
    try:
        principal.require(Permission.CREATE_CASE)
        order = _order(form, db, principal)
        refs = console_uploads.stored(request, db, principal, _files(form))
        opened = open_case_for_caller(db, principal, order, uploads=refs)
    except DomainError as exc:
        status, _ = status_of(exc)
        shown = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        return render(
            request,
            "console/new_case.html",
            _choices(db, principal)
            | {"form": shown, "picked": _picked(db, principal, form), "error": exc.detail},
            status_code=status,
        )
    return RedirectResponse(f"/console/cases/{opened.id}", status_code=303)


router.add_api_route(
    "/cases/new",
    open_new_case,
    methods=["POST"],
    route_class_override=_CappedRoute,
    form_limits={"max_files": uploads.MAX_UPLOADS_PER_WRITE + 1},
)


@router.get("/contacts/pick")
def pick_search(
    request: Request,
    agent: Agent,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The live search's results: contacts whose name, email, phone or organization
    holds ``q``, each a button that picks it."""
    db = db_of(request)
    found = find_contacts(db, agent.principal, q=q, limit=PICK_LIMIT) if q.strip() else []
    orgs = {o.id: o.name for o in list_organizations(db, agent.principal, limit=500)}
    return render(
        request, "console/contact_pick_results.html", {"found": found, "orgs": orgs, "q": q}
    )


@router.get("/contacts/pick/{contact_id}")
def pick_one(request: Request, agent: Agent, contact_id: OtherId) -> Response:
    """The picked contact, as the form's hidden ``contact_id`` and a line naming them."""
    db = db_of(request)
    picked = get_contact(db, agent.principal, contact_id)
    organizations = list_organizations(db, agent.principal, limit=500)
    return render(
        request,
        "console/contact_picked.html",
        {"picked": picked, "organizations": organizations},
    )


@router.get("/contacts/unpick")
def unpick(request: Request, agent: Agent) -> Response:
    return render(request, "console/contact_picked.html", {"picked": None})
