"""What the mail planner reads and writes: an outbox event, the corporation's mail
identity, and a mail planned for one recipient. Kept apart from the planner so that the
modules that plan some of the mails (``case_free_mails``) and those that send them share
the types without importing the planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    corporation_id: int
    topic: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a corporation's mail comes from, and how its cases are named."""

    from_address: str
    from_name: str
    case_prefix: str
    hourly_cap: int


@dataclass(frozen=True, slots=True)
class PlannedMail:
    recipient: str
    recipient_name: str
    template: str
    context: dict[str, Any]
    #: Sent by the system on its own (``Auto-Submitted: auto-generated``, capped per hour).
    automatic: bool
    case_id: int | None = None
    case_number: int | None = None
    #: Message-IDs of the thread, oldest first; the last is the one answered.
    references: list[str] = field(default_factory=list)
    #: The case message this mail carries, which gets the mail's Message-ID.
    case_message_id: int | None = None
    #: Copies: further recipients of the same mail, named in its ``Cc``.
    cc: tuple[str, ...] = ()
    #: The recipient's language (a contact's field, a user's profile); None: English.
    language: str | None = None
