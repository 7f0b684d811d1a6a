"""One raw mail in, from any source (IMAP, the MTA pipe endpoint, ``mail import``):
size limit, parsing, then ``services.mail.intake``. A mail too large or that cannot be
parsed is quarantined with its raw bytes; nothing raises for bad mail. A quarantined
mail released by hand goes through the same parsing (``release_quarantined``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casedesk.channels.email.parse import MailRejected, loose_message_id, parse
from casedesk.config import Settings
from casedesk.domain.errors import Conflict
from casedesk.domain.permissions import Principal
from casedesk.services.mail import intake as mail_intake
from casedesk.services.mail import quarantine
from casedesk.services.mail.incoming import IntakeResult
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database


@dataclass(frozen=True, slots=True)
class Limits:
    """What the process's settings say about taking mail in."""

    max_mail_bytes: int
    max_mime_depth: int
    max_attachment_bytes: int
    #: The address mail is sent from when a corporation names none
    #: (``CASEDESK_MAIL_FROM``): mail from it is our own.
    default_from: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.max_mail_bytes,
            settings.max_mime_depth,
            settings.max_attachment_bytes,
            settings.mail_from,
        )


def ingest_raw(
    db: Database,
    store: BlobStore,
    corporation_id: int,
    raw: bytes,
    limits: Limits,
    *,
    mailbox_id: int | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    if len(raw) > limits.max_mail_bytes:
        return too_large(db, store, corporation_id, raw, mailbox_id=mailbox_id, now=now)
    try:
        mail = parse(raw, max_depth=limits.max_mime_depth)
    except MailRejected as rejected:
        return mail_intake.quarantine(
            db,
            store,
            corporation_id,
            raw,
            rejected.reason,
            message_id=rejected.message_id,
            sender=rejected.sender,
            mailbox_id=mailbox_id,
            now=now,
        )
    return mail_intake.ingest(
        db,
        store,
        corporation_id,
        mail,
        raw,
        mailbox_id=mailbox_id,
        max_attachment_bytes=limits.max_attachment_bytes,
        default_from=limits.default_from,
        now=now,
    )


def too_large(
    db: Database,
    store: BlobStore,
    corporation_id: int,
    raw: bytes,
    *,
    mailbox_id: int | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """Quarantine a mail over the size limit (``raw`` may be its header alone)."""
    return mail_intake.quarantine(
        db,
        store,
        corporation_id,
        raw,
        "too-large",
        message_id=loose_message_id(raw),
        mailbox_id=mailbox_id,
        now=now,
    )


def release_quarantined(
    db: Database,
    store: BlobStore,
    principal: Principal,
    inbound_id: int,
    limits: Limits,
    *,
    now: datetime | None = None,
) -> IntakeResult:
    """Take in a quarantined mail as if its sender were allowed (see
    ``services.mail.quarantine``). Conflict if the mail still breaks a limit or cannot be
    parsed: those reasons do not go away by allowing the sender."""
    raw = quarantine.raw_mail(db, store, principal, inbound_id)
    if len(raw) > limits.max_mail_bytes:
        raise Conflict(f"mail {inbound_id} is over the size limit and cannot be taken in")
    try:
        mail = parse(raw, max_depth=limits.max_mime_depth)
    except MailRejected as rejected:
        raise Conflict(
            f"mail {inbound_id} cannot be taken in ({rejected.reason})", reason=rejected.reason
        ) from None
    return quarantine.release(
        db,
        store,
        principal,
        inbound_id,
        mail,
        max_attachment_bytes=limits.max_attachment_bytes,
        default_from=limits.default_from,
        now=now,
    )
