"""/console/admin/quarantine: mail the email channel kept instead of taking in.

A mail's page shows its raw text as text (escaped, never rendered: it is someone
else's mail, maybe hostile), cut at ``SHOWN_BYTES``. Release takes it in through the
same intake as the API's release (the sender becomes a contact); delete discards it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from casedesk.channels.email.intake import Limits, release_quarantined
from casedesk.domain.errors import Conflict
from casedesk.services.mail import quarantine
from casedesk.web.routes.admin_forms import RowId, done, show
from casedesk.web.routes.console_context import blob_store, settings
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/quarantine")
HOME = "/console/admin/quarantine"
PAGE = 50
#: The raw text shown on a mail's page; the rest is cut (the mail stays whole).
SHOWN_BYTES = 256 * 1024
REASONS = [
    "unknown-sender",
    "too-large",
    "too-deep",
    "unparseable",
    "no-sender",
    "ambiguous-sender",
    "attachment-too-large",
]

Page = Annotated[int, Query(ge=1, le=100_000)]
Reason = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z-]*$")]


@router.get("")
def list_quarantine(
    request: Request, agent: Agent, page: Page = 1, reason: Reason = None
) -> Response:
    db = database(request)
    rows = quarantine.list_quarantine(
        db, agent.principal, limit=PAGE + 1, offset=(page - 1) * PAGE, reason=reason or None
    )
    return show(
        request,
        "admin/quarantine.html",
        {
            "mails": rows[:PAGE],
            "page": page,
            "more": len(rows) > PAGE,
            "reason": reason or "",
            "reasons": [(r, r) for r in REASONS],
        },
    )


@router.get("/{mail_id}")
def show_mail(request: Request, agent: Agent, mail_id: RowId) -> Response:
    db = database(request)
    mail = quarantine.get_quarantined(db, agent.principal, mail_id)
    try:
        raw = quarantine.raw_mail(db, blob_store(request), agent.principal, mail_id)
        missing = ""
    except Conflict as exc:
        raw, missing = b"", exc.detail
    return show(
        request,
        "admin/quarantined_mail.html",
        {
            "mail": mail,
            "raw_text": raw[:SHOWN_BYTES].decode("utf-8", errors="replace"),
            "cut": len(raw) > SHOWN_BYTES,
            "missing": missing,
        },
    )


@router.post("/{mail_id}/release")
async def release_mail(request: Request, agent: Agent, mail_id: RowId) -> Response:
    limits = Limits.from_settings(settings(request))
    await run_in_threadpool(
        release_quarantined,
        database(request),
        blob_store(request),
        agent.principal,
        mail_id,
        limits,
    )
    return done(request, HOME, "released")


@router.post("/{mail_id}/delete")
def delete_mail(request: Request, agent: Agent, mail_id: RowId) -> Response:
    quarantine.discard(database(request), blob_store(request), agent.principal, mail_id)
    return done(request, HOME, "discarded")
