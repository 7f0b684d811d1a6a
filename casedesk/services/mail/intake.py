"""Taking in one mail: a new case, a message on an existing one, or a record of why not.

The email channel parses the raw mail into an ``IncomingMail`` and calls ``ingest``.
Everything a mail changes (case, message, attachment rows, a new contact, and the
``inbound_mails`` record of the decision) is written in one transaction, and the record
is unique per corporation and Message-ID, so the same mail taken in twice (a crash
between commit and flagging it in the mailbox, two pollers at once) is stored once.
Blobs (attachments, the raw mail of quarantined ones) go to the blob store before that
transaction and are removed again if it fails or does not use them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casedesk.domain.errors import PayloadTooLarge
from casedesk.domain.mail import title_from_subject
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments import files
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.kernel import event_hooks
from casedesk.services.kernel.clock import utcnow
from casedesk.services.mail import senders, threading
from casedesk.services.mail.inbound_messages import add_mail_message, mail_uploads
from casedesk.services.mail.incoming import IncomingMail, IntakeResult, Outcome
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import InboundMail, Mailbox, MailSettings, Organization

MAX_TEXT = 100_000


def check_may_ingest(principal: Principal) -> None:
    """Raw mail from outside (the MTA pipe) needs the ``ingest_mail`` permission."""
    principal.require(Permission.INGEST_MAIL)


def seen(db: Database, corporation_id: int, message_id: str) -> IntakeResult | None:
    """The earlier result for this Message-ID, if the mail was taken in before."""
    with db.read() as s:
        return _seen(s, corporation_id, message_id)


def ingest(
    db: Database,
    store: BlobStore,
    corporation_id: int,
    mail: IncomingMail,
    raw: bytes,
    *,
    mailbox_id: int | None = None,
    max_attachment_bytes: int,
    default_from: str = "",
    now: datetime | None = None,
) -> IntakeResult:
    """Take in ``mail``. ``default_from`` is the address the process sends from for a
    corporation without mail settings (mail from it is our own)."""
    now = now or utcnow()
    with db.read() as s:
        earlier = _seen(s, corporation_id, mail.message_id)
        if earlier is not None:
            return earlier
        known = senders.is_known(s, corporation_id, mail.sender)
        routing = event_hooks.route_mail(s, corporation_id, routing_facts(mail, mailbox_id))
    held = not known or routing.get("outcome") == "quarantine"
    raw_key = store.put([raw]) if held else None
    stored: files.Stored = []
    try:
        if known:
            stored = store_parts(store, mail, max_attachment_bytes)
    except PayloadTooLarge:
        raw_key = raw_key or store.put([raw])
        return quarantine(
            db,
            store,
            corporation_id,
            raw,
            "attachment-too-large",
            message_id=mail.message_id,
            sender=mail.sender,
            subject=mail.subject,
            mailbox_id=mailbox_id,
            raw_key=raw_key,
            now=now,
        )
    try:
        with db.write() as s:
            result = decide_in(
                s,
                corporation_id,
                mail,
                mailbox_id,
                stored,
                raw_key,
                now,
                default_from,
                routing=routing,
            )
    except IntegrityError:
        drop(store, stored, raw_key)
        again = seen(db, corporation_id, mail.message_id)
        if again is None:
            raise
        return again
    except BaseException:
        drop(store, stored, raw_key)
        raise
    if result.outcome not in (Outcome.CREATED, Outcome.APPENDED):
        files.discard(store, stored)
    if result.outcome != Outcome.QUARANTINED and raw_key is not None:
        store.delete(raw_key)
    return result


def quarantine(
    db: Database,
    store: BlobStore,
    corporation_id: int,
    raw: bytes,
    reason: str,
    *,
    message_id: str | None = None,
    sender: str = "",
    subject: str = "",
    mailbox_id: int | None = None,
    raw_key: str | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """Keep a mail that was not taken in (unparseable, too large, too deep…) with its
    raw bytes, for someone to look at. Stored once per Message-ID too."""
    now = now or utcnow()
    message_id = message_id or fallback_message_id(raw)
    earlier = seen(db, corporation_id, message_id)
    if earlier is not None:
        if raw_key is not None:
            store.delete(raw_key)
        return earlier
    key = raw_key or store.put([raw])
    try:
        with db.write() as s:
            row = _record(
                s,
                corporation_id,
                mailbox_id,
                message_id,
                Outcome.QUARANTINED,
                reason,
                sender=sender,
                subject=subject,
                size=len(raw),
                raw_key=key,
                now=now,
            )
            return IntakeResult(Outcome.QUARANTINED, reason, inbound_id=row.id)
    except IntegrityError:
        store.delete(key)
        again = seen(db, corporation_id, message_id)
        if again is None:
            raise
        return again
    except BaseException:
        store.delete(key)
        raise


def fallback_message_id(raw: bytes) -> str:
    """A stable Message-ID for a mail that has none: the same bytes get the same id."""
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@casedesk.invalid>"


def _seen(s: Session, corporation_id: int, message_id: str) -> IntakeResult | None:
    row = s.scalars(
        select(InboundMail).where(
            InboundMail.corporation_id == corporation_id, InboundMail.message_id == message_id
        )
    ).one_or_none()
    if row is None:
        return None
    return IntakeResult(Outcome(row.outcome), row.reason, row.case_id, row.id, duplicate=True)


def store_parts(store: BlobStore, mail: IncomingMail, max_attachment_bytes: int) -> files.Stored:
    """Store the mail's attachments ahead of the transaction that takes it in; nothing
    for mail that will not become a message. PayloadTooLarge if one is over the limit."""
    if not mail.parts or mail.own or mail.automatic == "bounce":
        return []
    return files.store_uploads(store, mail_uploads(mail), max_attachment_bytes)


def decide_in(
    s: Session,
    corporation_id: int,
    mail: IncomingMail,
    mailbox_id: int | None,
    stored: files.Stored,
    raw_key: str | None,
    now: datetime,
    default_from: str = "",
    *,
    routing: dict[str, Any] | None = None,
) -> IntakeResult:
    """Decide about one mail and write what it changes, in the caller's transaction.
    ``routing`` is what the registered mail routers (rules on ``mail_received``)
    decided; asked here when not given."""

    def record(outcome: Outcome, reason: str = "", **kw: object) -> IntakeResult:
        row = _record(
            s,
            corporation_id,
            mailbox_id,
            mail.message_id,
            outcome,
            reason,
            sender=mail.sender,
            subject=mail.subject,
            size=mail.size,
            now=now,
            **kw,  # type: ignore[arg-type]
        )
        return IntakeResult(outcome, reason, row.case_id, row.id)

    if mail.own or _from_us(s, corporation_id, mail.sender, default_from):
        return record(Outcome.IGNORED, "own-mail")
    if mail.automatic == "bounce":
        return record(Outcome.IGNORED, "bounce")
    if routing is None:
        routing = event_hooks.route_mail(s, corporation_id, routing_facts(mail, mailbox_id))
    if routing.get("outcome") == "drop":
        return record(Outcome.IGNORED, f"dropped by rule {routing.get('rule_id')}")
    if routing.get("outcome") == "quarantine" and raw_key is not None:
        return record(
            Outcome.QUARANTINED, f"quarantined by rule {routing.get('rule_id')}", raw_key=raw_key
        )
    contact = senders.find_contact(s, corporation_id, mail.sender)
    case = threading.case_for_mail(s, corporation_id, mail.references, mail.subject)
    principal = senders.channel_principal(s, corporation_id)
    if case is not None and contact is not None and senders.may_add_to(s, contact, case):
        message_id = add_mail_message(s, principal, case.id, contact.id, mail, stored, now)
        return record(
            Outcome.APPENDED,
            mail.automatic or "",
            case_id=case.id,
            case_message_id=message_id,
            original_text=mail.original_text,
        )
    if mail.automatic:
        return record(Outcome.IGNORED, mail.automatic)
    if contact is None:
        organization_id = senders.organization_for_domain(s, corporation_id, mail.sender)
        if organization_id is None:
            return record(Outcome.QUARANTINED, "unknown-sender", raw_key=raw_key)
        contact = senders.add_contact(
            s, corporation_id, organization_id, mail.sender, mail.sender_name, now
        )
    group_id = routing.get("group_id") or _group_for(s, mailbox_id, contact.organization_id)
    opened = open_case_in(
        s,
        principal,
        CaseCreate(
            title=title_from_subject(mail.subject),
            description=mail.text[:MAX_TEXT],
            origin="email",
            from_address=mail.sender,
            contact_id=contact.id,
            organization_id=contact.organization_id,
            group_id=group_id,
            **{k: routing[k] for k in ("queue_id", "category_id", "priority_id") if k in routing},
        ),
        now,
    )
    message_id = add_mail_message(s, principal, opened.id, contact.id, mail, stored, now)
    return record(
        Outcome.CREATED,
        case_id=opened.id,
        case_message_id=message_id,
        original_text=mail.original_text,
    )


def routing_facts(mail: IncomingMail, mailbox_id: int | None) -> dict[str, Any]:
    """What mail routers may look at, before the mail is matched to a case."""
    return {
        "mailbox_id": mailbox_id,
        "sender": mail.sender,
        "subject": mail.subject,
        "headers": dict(mail.all_headers or mail.headers),
        "text": mail.text,
    }


def _from_us(s: Session, corporation_id: int, sender: str, default_from: str) -> bool:
    """Whether ``sender`` is the address we send this corporation's mail from: its mail
    settings' address, or the process's default when it has none (as notifications
    choose it)."""
    ours = s.scalar(
        select(MailSettings.from_address).where(MailSettings.corporation_id == corporation_id)
    )
    if ours is None:
        ours = default_from
    return bool(ours) and ours.strip().lower() == sender


def _group_for(s: Session, mailbox_id: int | None, organization_id: int | None) -> int | None:
    if mailbox_id is not None:
        group = s.scalar(select(Mailbox.default_group_id).where(Mailbox.id == mailbox_id))
        if group is not None:
            return int(group)
    if organization_id is not None:
        return s.scalar(select(Organization.group_id).where(Organization.id == organization_id))
    return None


def _record(
    s: Session,
    corporation_id: int,
    mailbox_id: int | None,
    message_id: str,
    outcome: Outcome,
    reason: str,
    *,
    sender: str,
    subject: str,
    size: int,
    now: datetime,
    case_id: int | None = None,
    case_message_id: int | None = None,
    original_text: str | None = None,
    raw_key: str | None = None,
) -> InboundMail:
    row = InboundMail(
        corporation_id=corporation_id,
        mailbox_id=mailbox_id,
        message_id=message_id[:998],
        outcome=outcome.value,
        reason=reason[:64],
        sender=sender[:320],
        subject=subject[:500],
        size=size,
        case_id=case_id,
        case_message_id=case_message_id,
        original_text=original_text,
        raw_key=raw_key,
        received_at=now,
    )
    s.add(row)
    s.flush()
    return row


def drop(store: BlobStore, stored: files.Stored, raw_key: str | None) -> None:
    files.discard(store, stored)
    if raw_key is not None:
        store.delete(raw_key)
