"""The email channel: mailboxes to poll, each inbound mail as it was decided, mail sent,
per-corporation mail settings and template overrides, and the automatic-mail counters
that cap how much automatic mail one address gets per hour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class Mailbox(Base):
    """An IMAP folder polled for new mail (``imaps://user:pw@host/INBOX``, ``imap://…``
    with ``?starttls``). Processed mail is flagged ``\\Seen`` or moved to ``move_to``."""

    __tablename__ = "mailboxes"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    imap_url: Mapped[str] = mapped_column(String(1000))
    folder: Mapped[str] = mapped_column(String(200), default="INBOX")
    #: ``flag`` (mark seen, stay in the folder) or ``move`` (to ``move_to``).
    processed_action: Mapped[str] = mapped_column(String(8), default="flag")
    move_to: Mapped[str | None] = mapped_column(String(200), nullable=True)
    default_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MailSettings(Base):
    """A corporation's mail identity and notification choices (ITFlow's Settings > Mail)."""

    __tablename__ = "mail_settings"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    from_address: Mapped[str] = mapped_column(String(320))
    from_name: Mapped[str] = mapped_column(String(200), default="")
    #: Where new cases are announced to the team (an address or distribution list).
    new_case_address: Mapped[str | None] = mapped_column(String(320), nullable=True)
    #: Send contacts a mail when their case is created and when it is closed.
    notify_contacts: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Automatic mails one address may get per hour; the rest are dropped.
    auto_mail_hourly_cap: Mapped[int] = mapped_column(Integer, default=10)


class MailTemplate(Base):
    """A corporation's own version of one of the shipped templates."""

    __tablename__ = "mail_templates"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)


class InboundMail(Base):
    """One received mail and what was decided about it. A mail is stored once per
    corporation and Message-ID, so a mail fetched twice (a crash between commit and
    flagging it in the mailbox) is recognised and not taken in again."""

    __tablename__ = "inbound_mails"
    __table_args__ = (
        UniqueConstraint("corporation_id", "message_id"),
        Index("ix_inbound_mails_outcome", "corporation_id", "outcome", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    mailbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="SET NULL"), nullable=True
    )
    message_id: Mapped[str] = mapped_column(String(998))
    #: created | appended | ignored | quarantined
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64), default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True
    )
    case_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_messages.id", ondelete="SET NULL"), nullable=True
    )
    #: The full text as received, quoted replies included (the message shows it without).
    original_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Blob-store key of the raw mail, kept for quarantined mail.
    raw_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboundMail(Base):
    """A mail sent (or dropped by the hourly cap) for an outbox event. Its Message-ID is
    how a reply finds its case again."""

    __tablename__ = "outbound_mails"
    __table_args__ = (UniqueConstraint("outbox_id", "recipient"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    outbox_id: Mapped[int] = mapped_column(BigId)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    #: sent | capped
    state: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MailRate(Base):
    """Automatic mails sent to one address in one clock hour."""

    __tablename__ = "mail_rates"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
