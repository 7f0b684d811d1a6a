"""What an agent keeps while working cases: canned responses (personal or shared with
a group) and the composer's drafts, one per agent, case and tab."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class CannedResponse(Base):
    """A text snippet with placeholders. Exactly one of ``owner_user_id`` (personal) and
    ``group_id`` (shared with the group's members) is set."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ComposerDraft(Base):
    """What an agent has typed in a case's composer and not sent yet."""

    __tablename__ = "composer_drafts"
    __table_args__ = (UniqueConstraint("user_id", "case_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: ``reply`` or ``note``: each tab keeps its own draft.
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    to_addresses: Mapped[str] = mapped_column(String(2000), default="")
    cc_addresses: Mapped[str] = mapped_column(String(2000), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
