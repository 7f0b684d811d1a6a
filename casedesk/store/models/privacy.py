"""Retention policies: how long a corporation keeps closed cases' personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, UtcDateTime, utcnow


class RetentionPolicy(Base):
    """Closed cases older than ``days`` (since closing) are anonymised or deleted by
    the ``retention`` job; ``action`` is ``anonymise`` or ``delete``."""

    __tablename__ = "retention_policies"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    action: Mapped[str] = mapped_column(String(16))
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AnonymisedCase(Base):
    """A case the retention job has anonymised, so it is not taken again."""

    __tablename__ = "anonymised_cases"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


__all__ = ["AnonymisedCase", "RetentionPolicy"]
