"""Time-keeping: business calendars, SLA policies, recorded breaches and who read what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class Calendar(Base):
    """Office hours in a time zone, with holidays: a priority's "timeframe" (seed 001).

    ``hours`` maps a weekday ("0" Monday .. "6" Sunday) to a list of ``["HH:MM", "HH:MM"]``
    local intervals (``"24:00"`` ends at midnight); ``holidays`` is a list of ISO dates.
    """

    __tablename__ = "calendars"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    time_zone: Mapped[str] = mapped_column(String(64))
    hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    holidays: Mapped[list[str]] = mapped_column(JSON)


class SlaPolicy(Base):
    """Targets for first response, next response and resolution, in office minutes.

    A policy applies to the cases matching all of its set conditions (priority, category,
    organization); the most specific one wins, then the lowest ``position``.
    ``alert_levels`` lists the escalation levels, each at a share of the target or at
    minutes from the due date (``domain.escalation.AlertLevel``).
    """

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("priorities.id", ondelete="CASCADE"), nullable=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), nullable=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=True
    )
    first_response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_response_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alert_levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class SlaBreach(Base):
    """A target that was missed: recorded once per case, target and due date."""

    __tablename__ = "sla_breaches"
    __table_args__ = (
        UniqueConstraint("case_id", "target", "due_at"),
        # the reports list the latest breaches first
        Index("ix_sla_breaches_breached", "breached_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL"), nullable=True
    )
    target: Mapped[str] = mapped_column(String(32))  # first_response | next_response | resolution
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    breached_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseRead(Base):
    """When a user first and last opened a case: the basis of the owner's read status."""

    __tablename__ = "case_reads"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: The latest read, and the first one (kept when the user reads again).
    read_at: Mapped[datetime] = mapped_column(UtcDateTime)
    first_read_at: Mapped[datetime] = mapped_column(UtcDateTime)
