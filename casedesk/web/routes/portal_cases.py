"""The portal's case pages: my cases, opening a case, a case with its messages, replying,
and downloading the files of its messages. Every rule (who sees what, what a reply
does) is in ``services.portal.reads*``; these routes translate forms to calls and back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response

from casedesk.downloads import download_headers
from casedesk.services.portal import reads as portal
from casedesk.services.portal import writes
from casedesk.store.blobs import BlobStore
from casedesk.web.routes.portal_forms import CappedRoute, file_fields, safe_html, text_field
from casedesk.web.session import Contact, database
from casedesk.web.templating import render

router = APIRouter(prefix="/portal", route_class=CappedRoute)

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _blobs(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blob_store
    return store


def _max_bytes(request: Request) -> int:
    return int(request.app.state.settings.max_attachment_bytes)


def _go(request: Request, url: str) -> Response:
    """After a change: to ``url``, for htmx (which then loads it) and for plain forms."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


@router.get("")
def my_cases(request: Request, contact: Contact) -> Response:
    rows = portal.list_cases(database(request), contact.caller)
    return render(request, "portal/cases.html", {"cases": rows, "contact": contact})


@router.get("/cases/new")
def new_case_form(request: Request, contact: Contact) -> Response:
    return render(request, "portal/new_case.html", {"contact": contact})


@router.post("/cases/new")
async def open_case(request: Request, contact: Contact) -> Response:
    title = await text_field(request, "title")
    description = await text_field(request, "description")
    files = await file_fields(request)
    case_id = await run_in_threadpool(
        writes.open_case,
        database(request),
        _blobs(request),
        contact.caller,
        title,
        description,
        files,
        _max_bytes(request),
    )
    return _go(request, f"/portal/cases/{case_id}")


@router.get("/cases/{case_id}")
def show_case(
    request: Request,
    contact: Contact,
    case_id: Id,
    sent: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The case; ``sent`` names the reply just sent, which the page confirms."""
    case = portal.get_case(database(request), contact.caller, case_id)
    html = {m.id: safe_html(m.body_html, case.id) for m in case.messages if m.body_html}
    just_sent = sent if any(m.id == sent for m in case.messages) else None
    return render(
        request,
        "portal/case.html",
        {"case": case, "html": html, "contact": contact, "just_sent": just_sent},
    )


@router.post("/cases/{case_id}/replies")
async def reply(request: Request, contact: Contact, case_id: Id) -> Response:
    text = await text_field(request, "text")
    files = await file_fields(request)
    message_id = await run_in_threadpool(
        writes.reply,
        database(request),
        _blobs(request),
        contact.caller,
        case_id,
        text,
        files,
        _max_bytes(request),
    )
    # The address differs from the page the reply was sent from (the new message's id
    # is in the query), so the browser loads it anew: with only a new anchor it would
    # just scroll, leaving the message unseen and the text still in the box.
    return _go(request, f"/portal/cases/{case_id}?sent={message_id}#message-{message_id}")


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def download(request: Request, contact: Contact, case_id: Id, attachment_id: Id) -> Response:
    """Always a download, never rendered: the type sniffed at upload, ``nosniff``, and a
    policy that disarms anything a browser still opens."""
    found = portal.open_attachment(
        database(request), _blobs(request), contact.caller, case_id, attachment_id
    )
    headers = download_headers(found.filename, found.sha256)
    return FileResponse(found.path, media_type=found.content_type, headers=headers)
