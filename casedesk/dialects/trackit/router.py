"""Track-It! Web API paths under ``/trackit``. The seed spells the segment both
``WebApi`` and ``WebAPI``; both are served."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse

from casedesk.dialects.trackit import catalog, mapping, wire
from casedesk.dialects.trackit.catalog import Catalog
from casedesk.dialects.trackit.deps import Caller, Db
from casedesk.dialects.trackit.errors import TrackItRoute
from casedesk.domain.errors import TooManyAttempts, Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.http_credentials import password_caller
from casedesk.services.attachments import attaching as attachments
from casedesk.services.cases import core as cases
from casedesk.services.cases import history, links, messages, reads, templates
from casedesk.services.cases.schemas import (
    CaseOut,
    CasePatch,
    HistoryOut,
    MessageCreate,
    MessageOut,
)
from casedesk.services.identity import auth
from casedesk.services.identity.credentials import TokensOnly
from casedesk.services.kernel.clock import utcnow

router = APIRouter(prefix="/trackit", route_class=TrackItRoute, include_in_schema=False)

#: How long an access_token from the token endpoint is good for.
TOKEN_LIFETIME = timedelta(hours=1)

TicketId = Annotated[int, Path(ge=1, le=2**53)]
PageSize = Annotated[int, Path(ge=0, le=10_000)]
PageNumber = Annotated[int, Path(ge=0, le=1_000_000)]
Ticket = dict[str, dict[str, Any]]


def _both(method: str, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        for segment in ("/WebApi", "/WebAPI"):
            router.add_api_route(segment + path, fn, methods=[method])
        return fn

    return register


# --------------------------------------------------------------------------- token


@_both("POST", "/token")
def token(
    request: Request,
    db: Db,
    grant_type: Annotated[str | None, Form(max_length=50)] = None,
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=1024)] = None,
) -> JSONResponse:
    """OAuth2 password grant: a Bearer ``access_token`` for the core user, expiring."""
    if grant_type != "password":
        return _oauth_error("unsupported_grant_type", "grant_type must be password")
    if not username or not password:
        return _oauth_error("invalid_request", "username and password are required")
    try:
        principal = password_caller(request, username, password)
    except TooManyAttempts as exc:
        return _oauth_error("temporarily_unavailable", exc.detail, 429, exc.retry_after)
    except TokensOnly as exc:
        return _oauth_error("invalid_grant", exc.detail)
    except Unauthenticated:
        return _oauth_error("invalid_grant", "wrong username or password")
    _, access_token = auth.create_token(
        db,
        username,
        name="trackit access token",
        expires_at=utcnow() + TOKEN_LIFETIME,
        actor=principal,
    )
    return JSONResponse(
        {
            "access_token": access_token,
            "token_type": "bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _oauth_error(
    code: str, description: str, status: int = 400, retry_after: int | None = None
) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(
        {"error": code, "error_description": description}, status_code=status, headers=headers
    )


# --------------------------------------------------------------------------- tickets


def _ticket(db: Any, caller: Principal, case: CaseOut, cat: Catalog) -> Ticket:
    notes = messages.list_messages(db, caller, case.id)
    trail = history.case_history(db, caller, case.id)
    last_user = _last_user(trail)
    closed_by = next(
        (
            h.changed_by_id
            for h in reversed(trail.statuses)
            if h.internal_status == InternalStatus.CLOSED
        ),
        None,
    )
    return mapping.ticket(case, cat, notes, last_user, closed_by)


def _last_user(trail: HistoryOut) -> int | None:
    """Who last changed the case (field 3, "Last User"): the newest audited actor."""
    return next(
        (a.actor_user_id for a in reversed(trail.audit) if a.actor_user_id is not None), None
    )


def _last_note(db: Any, caller: Principal, case: CaseOut, cat: Catalog) -> Ticket:
    notes = messages.list_messages(db, caller, case.id)
    mine = [n for n in notes if n.author_user_id == caller.user_id]
    return mapping.note(max(mine, key=lambda n: n.id), case, cat) if mine else {}


@_both("GET", "/tickets/Templates")
def list_templates(caller: Caller, db: Db) -> dict[str, Any]:
    """Active ticket templates; no permission needed."""
    return {"TicketTemplates": [mapping.template(t) for t in templates.list_templates(db, caller)]}


@_both("GET", "/tickets/Note/{noteId}")
def get_note(
    noteId: Annotated[int, Path(ge=1, le=2**53)],
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    found = messages.get_message(db, caller, noteId)
    case = cases.get_case(db, caller, found.case_id)
    return {"Note": [mapping.note(found, case, catalog.load(db, caller))]}


@_both("GET", "/tickets/{id}")
def get_ticket(id: TicketId, caller: Caller, db: Db) -> dict[str, Any]:
    case = reads.read_case(db, caller, id)
    return {"Tickets": _ticket(db, caller, case, catalog.load(db, caller))}


@_both("POST", "/tickets/{id}")
def update_ticket(
    id: TicketId,
    body: wire.TicketInput,
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    cat = catalog.load(db, caller)
    patch = mapping.to_patch(mapping.case_fields(body.Properties, cat))
    case = cases.update_case(db, caller, id, patch)
    return {"Tickets": _ticket(db, caller, case, cat)}


@_both("POST", "/tickets")
def create_ticket(body: wire.TicketInput, caller: Caller, db: Db) -> dict[str, Any]:
    cat = catalog.load(db, caller)
    case = cases.open_case(db, caller, mapping.to_create(mapping.case_fields(body.Properties, cat)))
    return {"Tickets": _ticket(db, caller, case, cat)}


@_both("GET", "/tickets/{id}/Attachments/{pageSize}/{pageNumber}")
def list_attachments(
    id: TicketId,
    pageSize: PageSize,
    pageNumber: PageNumber,
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    found = attachments.list_attachments(db, caller, id)
    cat = catalog.load(db, caller)
    shown = mapping.page(found, pageSize, pageNumber)
    return {"Count": len(found), "TicketAttachments": [mapping.attachment(a, cat) for a in shown]}


def list_notes(
    id: TicketId,
    pageSize: PageSize,
    pageNumber: PageNumber,
    caller: Caller,
    db: Db,
    maxContentLength: Annotated[int, Query(ge=-1, le=10_000_000)] = -1,
    SystemNote: bool = False,
) -> dict[str, Any]:
    """The ticket's notes, private and public; system notes only with SystemNote=true."""
    case = cases.get_case(db, caller, id)
    found: list[MessageOut] = [
        n for n in messages.list_messages(db, caller, id) if SystemNote or not n.is_system
    ]
    cat = catalog.load(db, caller)
    shown = mapping.page(found, pageSize, pageNumber)
    return {
        "Count": len(found),
        "TicketNotes": [mapping.note(n, case, cat, maxContentLength) for n in shown],
    }


for _path in (
    "/tickets/{id}/Notes/{pageSize}/{pageNumber}",
    "/tickets/{id}/{pageSize}/{pageNumber}/Notes",
):
    _both("GET", _path)(list_notes)


@_both("GET", "/tickets/{id}/Assignments/{pageSize}/{pageNumber}")
def list_assignments(
    id: TicketId,
    pageSize: PageSize,
    pageNumber: PageNumber,
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    """Assignments are the ticket's child tasks (cases whose parent it is), open and
    closed."""
    children = links.get_links(db, caller, id).children
    cat = catalog.load(db, caller)
    shown = mapping.page(children, pageSize, pageNumber)
    tasks = [cases.get_case(db, caller, child) for child in shown]
    rows = [
        mapping.assignment(t, cat, _last_user(history.case_history(db, caller, t.id)))
        for t in tasks
    ]
    return {"Count": len(children), "Assignments": rows}


@_both("POST", "/tickets/{id}/ChangeStatus")
def change_status(
    id: TicketId,
    body: wire.ChangeStatusInput,
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    cat = catalog.load(db, caller)
    fields = mapping.case_fields({"96": body.StatusName}, cat)
    note = mapping.to_note(body.Note, required=False) if body.Note else None
    case = _change(db, caller, id, CasePatch(status_id=fields["status_id"]), note)
    out: dict[str, Any] = {"Ticket": _ticket(db, caller, case, cat)}
    if note is not None:
        out["TicketNote"] = _last_note(db, caller, case, cat)
    return out


@_both("POST", "/tickets/{id}/Close")
def close_ticket(
    id: TicketId,
    body: wire.CloseInput,
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    """To the default Closed status; needs edit and close permissions (and add_note for
    a note)."""
    cat = catalog.load(db, caller)
    note = mapping.to_note(body.Note, required=False) if body.Note else None
    case = _change(db, caller, id, CasePatch(status=int(InternalStatus.CLOSED)), note)
    out: dict[str, Any] = {"Ticket": _ticket(db, caller, case, cat)}
    if note is not None:
        out["Note"] = _last_note(db, caller, case, cat)
    return out


def _change(
    db: Any, caller: Principal, case_id: int, patch: CasePatch, note: MessageCreate | None
) -> CaseOut:
    """The status change and its note are one write: a refused note leaves the status."""
    return cases.update_case(db, caller, case_id, patch, notes=[note] if note else [])


@_both("POST", "/tickets/{id}/AddNote")
def add_note(
    id: TicketId,
    body: wire.NoteInput,
    caller: Caller,
    db: Db,
) -> dict[str, Any]:
    messages.add_message(db, caller, id, mapping.to_note(body, required=True))
    case = cases.get_case(db, caller, id)
    cat = catalog.load(db, caller)
    return {
        "Ticket": _ticket(db, caller, case, cat),
        "TicketNote": _last_note(db, caller, case, cat),
    }


@_both("POST", "/tickets/{id}/Delete")
def delete_ticket(id: TicketId, caller: Caller, db: Db) -> dict[str, Any]:
    cases.delete_case(db, caller, id)
    return {"success": True}
