"""What the console's bell shows: one row per user and thing that happened on a case
they work, and which kinds each user also wants by email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class Notification(Base):
    """One notification for one user about one case; ``read_at`` null while unread."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: ``assigned``, ``mentioned``, ``replied``, ``sla_breach`` or ``escalated``.
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class NotificationSetting(Base):
    """A user's choice for one kind: also by email or not (no row: by email)."""

    __tablename__ = "notification_settings"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    email: Mapped[bool] = mapped_column(Boolean, default=True)
