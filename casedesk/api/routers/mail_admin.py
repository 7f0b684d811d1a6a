"""/mailboxes and /mail/quarantine: the mailboxes the email channel polls and the mail
it kept instead of taking in. Reading and writing both need manage_reference (or an
admin): mailboxes hold credentials, the quarantine other people's mail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from casedesk.api.deps import MAX_ID, Caller, Db, get_settings
from casedesk.api.routers.attachments import Blobs
from casedesk.api.routers.mail import InboundOut
from casedesk.api.routers.reference_params import ERRORS, Limit, Offset, RowId
from casedesk.api.routing import NativeRoute
from casedesk.channels.email.intake import Limits, release_quarantined
from casedesk.config import Settings
from casedesk.services.mail import mailbox_admin, quarantine
from casedesk.services.mail.mailbox_admin import MailboxCreate, MailboxOut, MailboxPatch
from casedesk.services.mail.quarantine import QuarantinedMail

_ERRORS: dict[int | str, dict[str, Any]] = ERRORS | {
    403: {**ERRORS[403], "description": "Missing the manage_reference permission"},
    409: {**ERRORS[409], "description": "Duplicate name, or a mail that cannot be taken in"},
}

router = APIRouter(route_class=NativeRoute, responses=_ERRORS)


@router.get("/mailboxes", response_model=list[MailboxOut], tags=["mail"])
def list_mailboxes(caller: Caller, db: Db) -> list[MailboxOut]:
    """The IMAP mailboxes polled for new mail, by name. Passwords are never shown."""
    return mailbox_admin.list_mailboxes(db, caller)


@router.post("/mailboxes", status_code=201, response_model=MailboxOut, tags=["mail"])
def create_mailbox(data: MailboxCreate, caller: Caller, db: Db) -> MailboxOut:
    """`imap_url` is `imaps://user@host[:port]/Folder` or `imap://…?starttls` (plain
    `imap://` only for a server on this machine). The password goes in the URL or in
    `password`; it is write-only."""
    return mailbox_admin.create_mailbox(db, caller, data)


@router.get("/mailboxes/{mailbox_id}", response_model=MailboxOut, tags=["mail"])
def get_mailbox(mailbox_id: RowId, caller: Caller, db: Db) -> MailboxOut:
    return mailbox_admin.get_mailbox(db, caller, mailbox_id)


@router.patch("/mailboxes/{mailbox_id}", response_model=MailboxOut, tags=["mail"])
def update_mailbox(mailbox_id: RowId, patch: MailboxPatch, caller: Caller, db: Db) -> MailboxOut:
    """A new `imap_url` without a password or folder keeps the stored ones; `password`
    and `folder` replace them (`password: null` removes it)."""
    return mailbox_admin.update_mailbox(db, caller, mailbox_id, patch)


@router.delete("/mailboxes/{mailbox_id}", status_code=204, tags=["mail"])
def delete_mailbox(mailbox_id: RowId, caller: Caller, db: Db) -> None:
    """Stop polling it and forget it; the mail it brought in stays."""
    mailbox_admin.delete_mailbox(db, caller, mailbox_id)


@router.get("/mail/quarantine", response_model=list[QuarantinedMail], tags=["mail"])
def list_quarantine(
    caller: Caller,
    db: Db,
    limit: Limit = 100,
    offset: Offset = 0,
    reason: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z-]+$")] = None,
    mailbox_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[QuarantinedMail]:
    """Mail kept instead of taken in, newest first: `reason` is `unknown-sender`,
    `too-large`, `too-deep`, `unparseable`, `no-sender`, `attachment-too-large`…"""
    return quarantine.list_quarantine(
        db, caller, limit=limit, offset=offset, reason=reason, mailbox_id=mailbox_id
    )


@router.post("/mail/quarantine/{mail_id}/release", response_model=InboundOut, tags=["mail"])
async def release_mail(
    mail_id: RowId,
    caller: Caller,
    db: Db,
    store: Blobs,
    settings: Annotated[Settings, Depends(get_settings)],
) -> InboundOut:
    """Take the mail in now as if its sender were allowed: the sender becomes a contact
    (so their next mail comes in directly) and the mail a case or a reply. 409 when the
    mail cannot be taken in (too large, not parseable)."""
    result = await run_in_threadpool(
        release_quarantined, db, store, caller, mail_id, Limits.from_settings(settings)
    )
    return InboundOut(
        outcome=result.outcome.value,
        reason=result.reason,
        case_id=result.case_id,
        duplicate=result.duplicate,
    )


@router.delete("/mail/quarantine/{mail_id}", status_code=204, tags=["mail"])
def discard_mail(mail_id: RowId, caller: Caller, db: Db, store: Blobs) -> None:
    """Drop the mail. Its Message-ID stays known, so the same mail is not quarantined
    again if it comes back."""
    quarantine.discard(db, store, caller, mail_id)
