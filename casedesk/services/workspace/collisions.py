"""Collision detection for replies: a reply written before a newer message arrived.

The composer carries the id of the newest message its page showed (``seen_message_id``).
Sending a reply when a customer's or another agent's external message came after it is
refused with :class:`NewerMessages`, so the agent reads the new message first and sends
again on purpose (without the id, or with the newer one). Internal notes and system
messages do not count: they do not change what the customer was told.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import CaseMessage


class NewerMessages(Conflict):
    """Messages the customer sees arrived after the composer's page was loaded."""

    code = "newer-messages"

    def __init__(self, message_ids: list[int]) -> None:
        super().__init__(
            "a newer message arrived on this case since the page was loaded",
            message_ids=message_ids,
        )
        self.message_ids = message_ids


def newer_messages_in(s: Session, case_id: int, seen_message_id: int) -> list[int]:
    """Ids of external, non-system messages on the case after ``seen_message_id``."""
    stmt = (
        select(CaseMessage.id)
        .where(
            CaseMessage.case_id == case_id,
            CaseMessage.id > seen_message_id,
            CaseMessage.visibility == "external",
            CaseMessage.is_system.is_(False),
        )
        .order_by(CaseMessage.id)
    )
    return list(s.scalars(stmt))


def check_seen_in(s: Session, case_id: int, seen_message_id: int | None) -> None:
    """Refuse with :class:`NewerMessages` when the composer had not seen the newest."""
    if seen_message_id is None:
        return
    newer = newer_messages_in(s, case_id, seen_message_id)
    if newer:
        raise NewerMessages(newer)


def check_seen(
    db: Database, principal: Principal, case_id: int, seen_message_id: int | None
) -> None:
    """:func:`check_seen_in` before a send, so no file is kept for a refused reply
    (the send checks again in its own transaction)."""
    with db.read() as s:
        case = load_case(s, principal, case_id, Permission.ADD_NOTE)
        check_seen_in(s, case.id, seen_message_id)
