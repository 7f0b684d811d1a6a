"""Moving messages and their attachments from one case to another (merge and split).

A moved message keeps its id, author and timestamps; only the case it belongs to
changes, and its search document follows it, so the receiving case is found by the
moved text. Attachments stay the same files in the blob store: moving them is a change
of the row, never a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casedesk.services.cases.search_text import move_message_documents
from casedesk.store.models import Attachment, CaseMessage


@dataclass(frozen=True, slots=True)
class Moved:
    """The ids of what moved, in id order (for the audit records of both cases)."""

    message_ids: list[int] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)

    def changes(self, *, leaving: bool) -> dict[str, dict[str, object]]:
        """Audit changes for the case the content left (``leaving``) or arrived at."""
        out: dict[str, dict[str, object]] = {}
        for name, ids in (("messages", self.message_ids), ("attachments", self.attachment_ids)):
            if ids:
                key = f"{name}.removed" if leaving else f"{name}.added"
                out[key] = {"from": ids, "to": None} if leaving else {"from": None, "to": ids}
        return out


def move_everything(s: Session, from_case_id: int, to_case_id: int) -> Moved:
    """Every message and every attachment of one case (those on no message too)."""
    message_ids = list(
        s.scalars(
            select(CaseMessage.id)
            .where(CaseMessage.case_id == from_case_id)
            .order_by(CaseMessage.id)
        )
    )
    attachment_ids = list(
        s.scalars(
            select(Attachment.id).where(Attachment.case_id == from_case_id).order_by(Attachment.id)
        )
    )
    _move(s, message_ids, attachment_ids, to_case_id)
    return Moved(message_ids, attachment_ids)


def move_message(s: Session, message_id: int, to_case_id: int) -> Moved:
    """One message with the attachments that belong to it."""
    attachment_ids = list(
        s.scalars(
            select(Attachment.id).where(Attachment.message_id == message_id).order_by(Attachment.id)
        )
    )
    _move(s, [message_id], attachment_ids, to_case_id)
    return Moved([message_id], attachment_ids)


def _move(s: Session, message_ids: list[int], attachment_ids: list[int], to_case_id: int) -> None:
    if message_ids:
        s.execute(
            update(CaseMessage).where(CaseMessage.id.in_(message_ids)).values(case_id=to_case_id)
        )
        move_message_documents(s, message_ids, to_case_id)
    if attachment_ids:
        s.execute(
            update(Attachment).where(Attachment.id.in_(attachment_ids)).values(case_id=to_case_id)
        )
