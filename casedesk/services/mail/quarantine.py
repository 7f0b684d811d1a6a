"""The quarantine: mail that was kept, not taken in (an unknown sender, too large,
unparseable…), for someone who manages the mail channel to look at, release or discard.

**Release** takes a mail in now as if its sender were allowed: the sender becomes a
contact (of the organization owning their domain, if any, else of none) unless they
are one, and the mail goes through the normal intake: a new case, or a reply on a case
the sender may add to. Later mail from the same address comes in directly; deleting the
contact undoes that. The quarantine record is replaced by the new one in the same
transaction, so the mail is taken in once, whatever happens.

**Discard** drops the raw mail and marks the record ``ignored``/``discarded``; the
record stays, so the same Message-ID fetched again is recognised and not quarantined
a second time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, NotFound, PayloadTooLarge
from casedesk.domain.permissions import Principal
from casedesk.services.attachments import files
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.mail import intake as mail_intake
from casedesk.services.mail import senders
from casedesk.services.mail.incoming import IncomingMail, IntakeResult, Outcome
from casedesk.services.reference.common import Out, require_manager
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import InboundMail, Mailbox

#: Reasons whose stored bytes cannot become a message (only the header may be kept).
NOT_RELEASABLE = frozenset({"too-large"})


class QuarantinedMail(Out):
    id: int
    sender: str
    subject: str
    reason: str
    received_at: datetime
    mailbox_id: int | None
    mailbox_name: str | None
    size: int
    message_id: str


def list_quarantine(
    db: Database,
    principal: Principal,
    *,
    limit: int = 100,
    offset: int = 0,
    reason: str | None = None,
    mailbox_id: int | None = None,
) -> list[QuarantinedMail]:
    """Newest first."""
    require_manager(principal)
    stmt = (
        select(InboundMail, Mailbox.name)
        .outerjoin(Mailbox, Mailbox.id == InboundMail.mailbox_id)
        .where(
            InboundMail.corporation_id == principal.corporation_id,
            InboundMail.outcome == Outcome.QUARANTINED.value,
        )
        .order_by(InboundMail.received_at.desc(), InboundMail.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if reason is not None:
        stmt = stmt.where(InboundMail.reason == reason)
    if mailbox_id is not None:
        stmt = stmt.where(InboundMail.mailbox_id == mailbox_id)
    with db.read() as s:
        return [
            QuarantinedMail(
                id=row.id,
                sender=row.sender,
                subject=row.subject,
                reason=row.reason,
                received_at=row.received_at,
                mailbox_id=row.mailbox_id,
                mailbox_name=name,
                size=row.size,
                message_id=row.message_id,
            )
            for row, name in s.execute(stmt)
        ]


def get_quarantined(db: Database, principal: Principal, inbound_id: int) -> QuarantinedMail:
    """One quarantined mail's record; NotFound for one of another corporation or taken in."""
    require_manager(principal)
    with db.read() as s:
        row = _quarantined(s, principal.corporation_id, inbound_id)
        name = s.scalar(select(Mailbox.name).where(Mailbox.id == row.mailbox_id))
        return QuarantinedMail(
            id=row.id,
            sender=row.sender,
            subject=row.subject,
            reason=row.reason,
            received_at=row.received_at,
            mailbox_id=row.mailbox_id,
            mailbox_name=name,
            size=row.size,
            message_id=row.message_id,
        )


def raw_mail(db: Database, store: BlobStore, principal: Principal, inbound_id: int) -> bytes:
    """The bytes of a quarantined mail that can be released; Conflict if it cannot."""
    require_manager(principal)
    with db.read() as s:
        row = _quarantined(s, principal.corporation_id, inbound_id)
        reason, key = row.reason, row.raw_key
    if reason in NOT_RELEASABLE:
        raise Conflict(f"mail {inbound_id} is over the size limit and cannot be taken in")
    try:
        with store.open(key or "") as blob:
            return blob.read()
    except (KeyError, OSError):
        raise Conflict(f"the raw bytes of mail {inbound_id} are gone") from None


def release(
    db: Database,
    store: BlobStore,
    principal: Principal,
    inbound_id: int,
    mail: IncomingMail,
    *,
    max_attachment_bytes: int,
    default_from: str = "",
    now: datetime | None = None,
) -> IntakeResult:
    """Take in the quarantined mail ``inbound_id``, parsed as ``mail`` (``default_from``
    as in ``mail_intake.ingest``)."""
    require_manager(principal)
    now = now or utcnow()
    corp = principal.corporation_id
    try:
        stored = mail_intake.store_parts(store, mail, max_attachment_bytes)
    except PayloadTooLarge:
        raise Conflict(f"an attachment of mail {inbound_id} is over the size limit") from None
    try:
        with db.write() as s:
            row = _quarantined(s, corp, inbound_id, lock=True)
            raw_key, mailbox_id = row.raw_key, row.mailbox_id
            mail = replace(mail, message_id=row.message_id)
            if senders.find_contact(s, corp, mail.sender) is None:
                organization_id = senders.organization_for_domain(s, corp, mail.sender)
                senders.add_contact(
                    s, corp, organization_id, mail.sender, mail.sender_name, now, by=principal
                )
            s.delete(row)
            s.flush()  # the Message-ID is free again for the record of the intake
            result = mail_intake.decide_in(
                s, corp, mail, mailbox_id, stored, None, now, default_from
            )
            audit.record(
                s,
                principal,
                corp,
                "mail.released",
                "inbound_mail",
                result.inbound_id or 0,
                case_id=result.case_id,
                changes={"outcome": {"from": Outcome.QUARANTINED.value, "to": result.outcome}},
                at=now,
            )
    except BaseException:
        files.discard(store, stored)
        raise
    if result.outcome not in (Outcome.CREATED, Outcome.APPENDED):
        files.discard(store, stored)
    if raw_key is not None:
        store.delete(raw_key)
    return result


def discard(db: Database, store: BlobStore, principal: Principal, inbound_id: int) -> None:
    require_manager(principal)
    with db.write() as s:
        row = _quarantined(s, principal.corporation_id, inbound_id, lock=True)
        raw_key = row.raw_key
        changes = {
            "outcome": {"from": row.outcome, "to": Outcome.IGNORED.value},
            "reason": {"from": row.reason, "to": "discarded"},
        }
        row.outcome, row.reason, row.raw_key = Outcome.IGNORED.value, "discarded", None
        audit.record(
            s,
            principal,
            row.corporation_id,
            "mail.discarded",
            "inbound_mail",
            row.id,
            changes=changes,
        )
    if raw_key is not None:
        store.delete(raw_key)


def _quarantined(
    s: Session, corporation_id: int, inbound_id: int, *, lock: bool = False
) -> InboundMail:
    stmt = select(InboundMail).where(
        InboundMail.id == inbound_id,
        InboundMail.corporation_id == corporation_id,
        InboundMail.outcome == Outcome.QUARANTINED.value,
    )
    row = s.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if row is None:
        raise NotFound(f"quarantined mail {inbound_id} not found")
    return row
