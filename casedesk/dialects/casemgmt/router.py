"""/casemgmt/v2/cases: create, get by case or order number, modify with a note, cancel."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Path, Request

from casedesk.dialects.casemgmt import mapping, wire
from casedesk.dialects.casemgmt.errors import CaseMgmtRoute
from casedesk.domain.errors import NotFound, Unauthenticated, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services import (
    attachments,
    cancelling,
    case_codes,
    cases,
    messages,
    public_status,
    search,
)
from casedesk.services.auth import authenticate_password, authenticate_token
from casedesk.services.database import Database
from casedesk.services.reference import categories, contacts, organizations
from casedesk.services.schemas import CaseQuery

router = APIRouter(prefix="/casemgmt/v2/cases", route_class=CaseMgmtRoute, include_in_schema=False)

CaseOrOrderNumber = Annotated[str, Path(min_length=8, max_length=100)]
CaseNumber = Annotated[str, Path(min_length=8, max_length=8)]


@router.post("", response_model=wire.CaseCreated)
def create_case(data: wire.CaseCreate, request: Request) -> wire.CaseCreated:
    p, db = _caller(request), _db(request)
    entry = case_codes.lookup(db, p, data.code, with_details=data.details is not None)
    if data.attachments:
        raise ValidationFailed(
            f"attachment {data.attachments[0].id} is not an attachment of this case",
            field="attachments.0.id",
        )
    contact_id = _registered_contact(db, p, data)
    case = cases.open_case(db, p, mapping.to_create(data, contact_id))
    note = mapping.intake_note(data)
    if note is not None:
        messages.add_message(db, p, case.id, note)
    return wire.CaseCreated(id=mapping.case_number(case.id), type=entry.ticket_type.value)


@router.get("/{case_id}", response_model=wire.CaseResponse)
def get_case(case_id: CaseOrOrderNumber, request: Request) -> wire.CaseResponse:
    p, db = _caller(request), _db(request)
    case = cases.get_case(db, p, _find(db, p, case_id))
    contact = contacts.get_contact(db, p, case.contact_id) if case.contact_id else None
    org = (
        organizations.get_organization(db, p, case.organization_id)
        if case.organization_id
        else None
    )
    cat = categories.get_category(db, p, case.category_id) if case.category_id else None
    return mapping.to_response(
        case,
        public_status.public_view(db, p, case.id),
        contact,
        (org.id, org.name) if org else None,
        cat.name if cat else None,
    )


@router.patch("/{case_number}", response_model=wire.NoteResponse)
def modify_case(
    case_number: CaseNumber, data: wire.CaseModify, request: Request
) -> wire.NoteResponse:
    p, db = _caller(request), _db(request)
    case_id = mapping.parse_case_number(case_number)
    if case_id is None:
        raise NotFound(f"case {case_number} not found")
    cases.get_case(db, p, case_id)
    for i, ref in enumerate(data.attachments):
        _existing_attachment(db, p, case_id, ref.id, i)
    msg = messages.add_message(db, p, case_id, mapping.to_note(data))
    return _result(case_id, msg.id)


@router.post("/{case_id}/cancel", response_model=wire.NoteResponse)
def cancel_case(
    case_id: CaseOrOrderNumber, data: wire.CaseCancel, request: Request
) -> wire.NoteResponse:
    p, db = _caller(request), _db(request)
    done = cancelling.cancel_case(db, p, _find(db, p, case_id), data.reason)
    return _result(done.case.id, done.note_id)


def _result(case_id: int, note_id: int) -> wire.NoteResponse:
    number = mapping.case_number(case_id)
    return wire.NoteResponse(
        result=wire.NoteResult(CaseId=str(case_id), CaseNotesId=str(note_id), CaseNumber=number)
    )


def _find(db: Database, p: Principal, value: str) -> int:
    """The case id of a case number, or of the case whose order number it is."""
    case_id = mapping.parse_case_number(value)
    if case_id is not None:
        return case_id
    page = search.search_cases(
        db, p, CaseQuery(primary_reference=[value], include_deleted=True, limit=1)
    )
    if not page.items:
        raise NotFound(f"case or order {value} not found")
    return page.items[0].id


def _existing_attachment(db: Database, p: Principal, case_id: int, ref: str, i: int) -> None:
    field = f"attachments.{i}.id"
    if not (ref.isascii() and ref.isdigit()) or len(ref) > 15:
        raise ValidationFailed(f"attachment {ref} is not an attachment of this case", field=field)
    try:
        attachments.get_attachment(db, p, case_id, int(ref))
    except NotFound:
        raise ValidationFailed(
            f"attachment {ref} is not an attachment of this case", field=field
        ) from None


def _registered_contact(db: Database, p: Principal, data: wire.CaseCreate) -> int | None:
    """The first registered user named, as a contact of the corporation; every name
    must be one."""
    found: int | None = None
    for i, c in enumerate(data.contacts):
        if not isinstance(c, wire.ContactRequestRegisteredUser):
            continue
        for name in c.registeredUsers:
            wanted = " ".join(name.split()).lower()
            match = next(
                (
                    x.id
                    for x in contacts.list_contacts(db, p, q=wanted, limit=50)
                    if f"{x.first_name} {x.last_name}".strip().lower() == wanted
                ),
                None,
            )
            if match is None:
                raise ValidationFailed(
                    f"{name!r} is not a registered user", field=f"contacts.{i}.registeredUsers"
                )
            found = found or match
    return found


def _caller(request: Request) -> Principal:
    db = _db(request)
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return authenticate_token(db, value)
    if scheme.lower() == "basic" and value:
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthenticated("malformed Basic credentials") from None
        return authenticate_password(db, user, password)
    raise Unauthenticated("send a Bearer token in the Authorization header")


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db
