"""A mail as the email channel hands it over, and what became of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    CREATED = "created"
    APPENDED = "appended"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"


@dataclass(frozen=True, slots=True)
class MailPart:
    """An attachment or inline image of a mail."""

    filename: str | None
    content_type: str
    data: bytes
    content_id: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMail:
    """A parsed mail, as the email channel hands it over."""

    message_id: str
    sender: str
    sender_name: str
    subject: str
    #: Message-IDs from In-Reply-To and References, oldest first.
    references: Sequence[str]
    #: The text without quoted replies, for display; ``original_text`` keeps all of it.
    text: str
    original_text: str
    #: Sanitized HTML, or None for a text-only mail.
    html: str | None
    parts: Sequence[MailPart] = ()
    #: Headers kept with the message (SuperOffice's per-message email headers).
    headers: dict[str, str] = field(default_factory=dict)
    #: Every header (lower-case names, the first of each, bounded), for mail routing rules.
    all_headers: dict[str, str] = field(default_factory=dict)
    #: Why the mail is automatic (``bounce``, ``auto-submitted``, ``bulk``…), or None.
    automatic: str | None = None
    #: Sent by this system (a loop).
    own: bool = False
    size: int = 0


@dataclass(frozen=True, slots=True)
class IntakeResult:
    outcome: Outcome
    reason: str = ""
    case_id: int | None = None
    inbound_id: int | None = None
    #: The mail had been taken in before; nothing changed now.
    duplicate: bool = False
