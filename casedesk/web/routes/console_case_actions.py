"""What an agent does to a case from its page besides editing fields: reply or add an
internal note (with files), merge it into another case, link it to another case.

These are plain form posts answered with a redirect back to a page, so they work with
or without scripts; a refused post shows an error page naming the problem.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission
from casedesk.services.attachments import uploads
from casedesk.services.cases import links, merging, messages
from casedesk.services.cases.core import get_case
from casedesk.services.cases.lookup import find_case_id
from casedesk.services.cases.schemas import LinkCreate, MessageCreate
from casedesk.web.routes import console_uploads
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/cases/{case_id}", route_class=SessionFirstRoute)


_CappedRoute = console_uploads.capped_route("a message")


def _case_url(case_id: int, anchor: str = "") -> str:
    return f"/console/cases/{case_id}" + (f"#{anchor}" if anchor else "")


def add_message(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    body: Annotated[str, Form(max_length=1_000_000)],
    visibility: Annotated[Literal["external", "internal"], Form()],
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """A reply to the customer (external) or an internal note, with up to five files.
    The files are stored first, as the agent's pending uploads, and become the
    message's attachments in the message's own transaction: the case shows both or
    neither. Uploads of a message that is then refused stay pending, seen by nobody,
    until the upload-expiry job removes them."""
    db = db_of(request)
    principal = agent.principal
    get_case(db, principal, case_id)  # a hidden case is not found before anything is stored
    principal.require(Permission.ADD_NOTE)
    try:
        data = MessageCreate(visibility=visibility, body_text=body.strip())
    except PydanticError:
        raise ValidationFailed("write a message before sending it", field="body") from None
    chosen = [f for f in files or [] if f.filename]
    if len(chosen) > uploads.MAX_UPLOADS_PER_WRITE:
        raise ValidationFailed(
            f"attach at most {uploads.MAX_UPLOADS_PER_WRITE} files to one message", field="files"
        )
    refs = console_uploads.stored(request, db, principal, chosen)
    added = messages.add_message(db, principal, case_id, data, uploads=refs)
    return RedirectResponse(_case_url(case_id, f"message-{added.id}"), status_code=303)


router.add_api_route(
    "/messages",
    add_message,
    methods=["POST"],
    route_class_override=_CappedRoute,
    form_limits={"max_files": uploads.MAX_UPLOADS_PER_WRITE + 1},
)


@router.post("/merge")
def merge(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    into: Annotated[str, Form(max_length=100)],
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Merge this case into the one named (by number or id); go to that case. Merging
    cannot be undone, so the form asks for a confirmation."""
    db = db_of(request)
    get_case(db, agent.principal, case_id)  # a hidden case is not found, whatever was sent
    if confirm != "yes":
        raise ValidationFailed("tick “Yes, merge it” to confirm the merge", field="confirm")
    target = find_case_id(db, agent.principal, into, field="into")
    if target == case_id:
        raise ValidationFailed("a case cannot be merged into itself", field="into")
    merging.merge_case(db, agent.principal, case_id, target)
    return RedirectResponse(_case_url(target), status_code=303)


@router.post("/links")
def add_link(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    kind: Annotated[Literal["related", "parent", "child"], Form()],
    other: Annotated[str, Form(max_length=100)],
) -> Response:
    db = db_of(request)
    get_case(db, agent.principal, case_id)
    other_id = find_case_id(db, agent.principal, other, field="other")
    links.add_link(db, agent.principal, case_id, LinkCreate(kind=kind, case_id=other_id))
    return RedirectResponse(_case_url(case_id, "links"), status_code=303)


@router.post("/links/remove")
def remove_link(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    kind: Annotated[Literal["related", "parent", "child"], Form()],
    other_id: Annotated[int, Form(ge=1, le=2**53)],
) -> Response:
    links.remove_link(db_of(request), agent.principal, case_id, kind, other_id)
    return RedirectResponse(_case_url(case_id, "links"), status_code=303)
