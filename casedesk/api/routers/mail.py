"""/mail/inbound: raw mail from an MTA (a pipe or ``curl --data-binary @-``).

The body is the mail itself (``Content-Type: message/rfc822``), read up to the mail
size limit; the answer says what became of it. Bad mail is not an HTTP error: it is
quarantined and the answer says so; only a request that is not a mail is refused.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from casedesk.api.deps import Caller, Db, get_settings
from casedesk.api.errors import PROBLEM
from casedesk.api.routers.attachments import Blobs
from casedesk.api.routing import NativeRoute
from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.config import Settings
from casedesk.domain.errors import PayloadTooLarge, ValidationFailed
from casedesk.services.mail import intake as mail_intake

router = APIRouter(route_class=NativeRoute, prefix="/mail", tags=["mail"])


class InboundOut(BaseModel):
    outcome: str
    reason: str
    case_id: int | None
    duplicate: bool


@router.post(
    "/inbound",
    response_model=InboundOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    responses={
        code: {"description": desc, "content": {PROBLEM: {}}}
        for code, desc in (
            (400, "Malformed request"),
            (401, "Not authenticated"),
            (403, "Missing the ingest_mail permission"),
            (413, "The mail is over the size limit"),
            (415, "The body is not message/rfc822"),
            (422, "The body is empty"),
        )
    },
)
async def inbound(
    request: Request,
    caller: Caller,
    db: Db,
    store: Blobs,
    settings: Annotated[Settings, Depends(get_settings)],
) -> InboundOut:
    """Take in one raw mail for the caller's corporation."""
    mail_intake.check_may_ingest(caller)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "message/rfc822":
        raise HTTPException(415, "send the mail as Content-Type: message/rfc822")
    limit = settings.max_mail_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise PayloadTooLarge(f"mail is limited to {limit} bytes", limit=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"mail is limited to {limit} bytes", limit=limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ValidationFailed("the mail is empty", field="body")
    limits = Limits.from_settings(settings)
    result = await run_in_threadpool(ingest_raw, db, store, caller.corporation_id, raw, limits)
    return InboundOut(
        outcome=result.outcome.value,
        reason=result.reason,
        case_id=result.case_id,
        duplicate=result.duplicate,
    )
