"""The composer on a case page: one place to write a reply or an internal note.

Sending posts the whole form (text, To and CC, files, minutes spent, and which button:
send, or send and set a status) to ``workspace.composer.send``, one write; the answer
is a redirect to the message, so it works without scripts. While the agent types, htmx
saves the tab's draft (``POST …/draft``); ``::name`` and ``@name`` ask for suggestion
lists (canned responses, agents who may see the case) that ``console.js`` shows and
inserts from.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments import uploads
from casedesk.services.billing.time_entries import list_time_entries
from casedesk.services.canned import rendering
from casedesk.services.canned.responses import list_canned
from casedesk.services.cases.core import get_case
from casedesk.services.cases.schemas import CaseOut, MessageOut
from casedesk.services.mail.reply_recipients import reply_recipients
from casedesk.services.workspace import collisions, composer, drafts, mentions
from casedesk.store.db import Database
from casedesk.web.routes import console_uploads
from casedesk.web.routes.console_collision import newer_first
from casedesk.web.routes.console_context import CaseId, Lookups, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/cases/{case_id}", route_class=SessionFirstRoute)

#: The internal statuses "send and set status" offers, in this order.
_QUICK_STATUSES = (3, 8, 2)


def composer_context(
    db: Database, principal: Principal, case: CaseOut, looked: Lookups
) -> dict[str, Any]:
    """What the composer, split and time panels of a case page show."""
    found = reply_recipients(db, principal, case.id)
    quick = [
        s
        for internal in _QUICK_STATUSES
        for s in looked.statuses.values()
        if s.internal_status == internal and s.is_default and s.id != case.status_id
    ]
    return {
        "recipients": {"to": ", ".join(found.to), "cc": ", ".join(found.cc)},
        "drafts": drafts.drafts_of(db, principal, case.id),
        "quick_statuses": quick,
        "time": list_time_entries(db, principal, case.id),
        "can_split": principal.can(Permission.EDIT_CASE) and principal.can(Permission.CREATE_CASE),
    }


_CappedRoute = console_uploads.capped_route("a message")


def compose(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    kind: Annotated[Literal["reply", "note"], Form()],
    body: Annotated[str, Form(max_length=1_000_000)] = "",
    to: Annotated[str, Form(max_length=2000)] = "",
    cc: Annotated[str, Form(max_length=2000)] = "",
    minutes: Annotated[str, Form(max_length=10)] = "",
    status_id: Annotated[str, Form(max_length=20)] = "",
    seen_message_id: Annotated[str, Form(max_length=20)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Send a reply or note with everything the form holds, in one write."""
    db = db_of(request)
    principal = agent.principal
    try:
        data = composer.ComposerSend(
            kind=kind,
            body=body,
            to=to,
            cc=cc,
            minutes=_whole(minutes, "minutes") or 0,
            status_id=_whole(status_id, "status_id"),
            seen_message_id=_whole(seen_message_id, "seen_message_id"),
        )
    except PydanticError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "body"
        raise ValidationFailed(f"{field}: {first['msg']}", field=field) from None
    chosen = [f for f in files or [] if f.filename]
    if len(chosen) > uploads.MAX_UPLOADS_PER_WRITE:
        raise ValidationFailed(
            f"attach at most {uploads.MAX_UPLOADS_PER_WRITE} files to one message", field="files"
        )
    get_case(db, principal, case_id)  # a hidden case is not found before files are kept
    try:
        if kind == "reply":
            collisions.check_seen(db, principal, case_id, data.seen_message_id)
        sent = _send(request, db, principal, case_id, data, chosen)
    except collisions.NewerMessages as exc:
        return newer_first(request, db, principal, case_id, data, exc, bool(chosen))
    return RedirectResponse(f"/console/cases/{case_id}#message-{sent.id}", status_code=303)


def _send(
    request: Request,
    db: Database,
    principal: Principal,
    case_id: int,
    data: composer.ComposerSend,
    chosen: list[UploadFile],
) -> MessageOut:
    refs = console_uploads.stored(request, db, principal, chosen)
    return composer.send(db, principal, case_id, data, uploads=refs)


router.add_api_route(
    "/compose",
    compose,
    methods=["POST"],
    route_class_override=_CappedRoute,
    form_limits={"max_files": uploads.MAX_UPLOADS_PER_WRITE + 1},
)


@router.post("/draft")
def save_draft(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    kind: Annotated[Literal["reply", "note"], Form()],
    body: Annotated[str, Form(max_length=1_000_000)] = "",
    to: Annotated[str, Form(max_length=2000)] = "",
    cc: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Keep what the tab holds (htmx, as the agent types); answers the saved mark."""
    data = drafts.DraftIn(kind=kind, body=body, to=to, cc=cc)
    drafts.save_draft(db_of(request), agent.principal, case_id, data)
    return render(request, "console/draft_state.html", {"saved": bool(body.strip())})


@router.get("/mentions")
def mention_suggestions(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    q: Annotated[str, Query(max_length=100, pattern=r"^[^\x00]*$")] = "",
) -> Response:
    """Agents who may see the case, for ``@`` in a note."""
    found = mentions.mentionable(db_of(request), agent.principal, case_id, q)
    return render(request, "console/mention_suggestions.html", {"people": found})


@router.get("/canned")
def canned_suggestions(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    q: Annotated[str, Query(max_length=100, pattern=r"^[^\x00]*$")] = "",
) -> Response:
    """The caller's canned responses whose name starts with ``q``, for ``::``."""
    db = db_of(request)
    get_case(db, agent.principal, case_id)  # the case must be visible
    found = list_canned(db, agent.principal, starts_with=q, limit=8)
    return render(
        request, "console/canned_suggestions.html", {"snippets": found, "case_id": case_id}
    )


@router.get("/canned/{canned_id}")
def canned_text(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    canned_id: CaseId,
) -> Response:
    """A canned response filled in for this case, as plain text to insert."""
    text = rendering.render_canned(db_of(request), agent.principal, canned_id, case_id)
    return PlainTextResponse(text, headers={"X-Content-Type-Options": "nosniff"})


def _whole(raw: str, field: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 16:
        raise ValidationFailed(f"{field}: a whole number", field=field)
    return int(text)
