"""/casemgmt/v2: upload a file, create a case naming uploads, get it by case or order
number, modify it with a note (and uploads), cancel it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile

from casedesk.dialects.casemgmt import mapping, wire
from casedesk.dialects.casemgmt.caller import principal_of
from casedesk.dialects.casemgmt.errors import CaseMgmtRoute, CaseMgmtUploadRoute
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.intake import known_caller
from casedesk.services.attachments import uploads
from casedesk.services.attachments.files import Upload
from casedesk.services.attachments.uploads import UploadRef
from casedesk.services.cases import (
    cancelling,
    codes,
    contact_entries,
    messages,
    public_status,
    reads,
    search,
)
from casedesk.services.cases.schemas import CaseQuery
from casedesk.services.kernel.database import Database
from casedesk.services.reference import categories, contacts, organizations

router = APIRouter(prefix="/casemgmt/v2", route_class=CaseMgmtRoute, include_in_schema=False)

CaseOrOrderNumber = Annotated[str, Path(min_length=8, max_length=100)]
CaseNumber = Annotated[str, Path(min_length=8, max_length=8)]


def upload_attachment(
    request: Request,
    file: Annotated[UploadFile, File()],
    name: Annotated[str | None, Form(min_length=1, max_length=255)] = None,
) -> wire.Uploaded:
    """One file, for a create or modify call to name by the ``id`` answered, within
    ``uploads.UPLOAD_TTL``. ``name`` is its display name (default: the file's name)."""
    p, db = _caller(request), _db(request)
    settings = request.app.state.settings
    upload = Upload(name or file.filename, file.file, file.content_type)
    (out,) = uploads.upload_files(
        db, request.app.state.blob_store, p, [upload], settings.max_attachment_bytes
    )
    return wire.Uploaded(id=out.id, name=out.filename)


router.add_api_route(
    "/attachments",
    upload_attachment,
    methods=["POST"],
    response_model=wire.Uploaded,
    route_class_override=CaseMgmtUploadRoute,
    form_limits={"max_files": 1},
)


@router.post("/cases", response_model=wire.CaseCreated)
def create_case(data: wire.CaseCreate, request: Request) -> wire.CaseCreated:
    p, db = _caller(request), _db(request)
    entry = codes.lookup(db, p, data.code, with_details=data.details is not None)
    contact_id = _registered_contact(db, p, data)
    note = mapping.intake_note(data)
    with _as_attachments():
        case = contact_entries.open_case_with_contacts(
            db,
            p,
            mapping.to_create(data, contact_id),
            mapping.contact_entries(data),
            notes=[note] if note is not None else (),
            uploads=_refs(data.attachments),
        )
    return wire.CaseCreated(id=mapping.case_number(case.id), type=entry.ticket_type.value)


@router.get("/cases/{case_id}", response_model=wire.CaseResponse)
def get_case(case_id: CaseOrOrderNumber, request: Request) -> wire.CaseResponse:
    p, db = _caller(request), _db(request)
    case = reads.read_case(db, p, _find(db, p, case_id))
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
        contact_entries.list_entries(db, p, case.id),
    )


@router.patch("/cases/{case_number}", response_model=wire.NoteResponse)
def modify_case(
    case_number: CaseNumber, data: wire.CaseModify, request: Request
) -> wire.NoteResponse:
    p, db = _caller(request), _db(request)
    case_id = mapping.parse_case_number(case_number)
    if case_id is None:
        raise NotFound(f"case {case_number} not found")
    with _as_attachments():
        msg = messages.add_message(
            db, p, case_id, mapping.to_note(data), uploads=_refs(data.attachments)
        )
    return _result(case_id, msg.id)


@router.post("/cases/{case_id}/cancel", response_model=wire.NoteResponse)
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
    """The case id of a case number, or of the case whose order number it is (its
    primary reference, else the derived ``1-`` form)."""
    case_id = mapping.parse_case_number(value)
    if case_id is not None:
        return case_id
    page = search.search_cases(
        db, p, CaseQuery(primary_reference=[value], include_deleted=True, limit=1)
    )
    if page.items:
        return page.items[0].id
    derived = mapping.parse_derived_order_number(value)
    if derived is None:
        raise NotFound(f"case or order {value} not found")
    return derived


def _refs(attachments: Sequence[wire.Attachment]) -> list[UploadRef]:
    return [UploadRef(a.id, a.name) for a in attachments]


@contextmanager
def _as_attachments() -> Iterator[None]:
    """The services name a refused upload ``uploads.N.id``; this API calls it
    ``attachments.N.id``."""
    try:
        yield
    except ValidationFailed as exc:
        if exc.field and exc.field.startswith("uploads"):
            field = "attachments" + exc.field.removeprefix("uploads")
            raise ValidationFailed(exc.detail, field=field) from exc
        raise


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
    return known_caller(request) or principal_of(request)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db
