"""Templates, scheduled cases and the leases that keep background jobs exactly-once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class CaseTemplate(Base):
    """Named default field values for new cases (Track-It templates).

    ``fields`` holds the fields of a case create request; a create from the template
    starts from them and lets the request override each one.
    """

    __tablename__ = "case_templates"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseSchedule(Base):
    """A case created from a template on a recurrence, at local time (ITFlow scheduled
    tickets). ``next_run_at`` is the next occurrence in UTC, which the scheduler polls."""

    __tablename__ = "case_schedules"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    template_id: Mapped[int] = mapped_column(ForeignKey("case_templates.id"), index=True)
    #: The user the cases are created as (their rights apply).
    run_as_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: daily | weekly | monthly | yearly | cron, with the fields that kind needs.
    recurrence: Mapped[dict[str, Any]] = mapped_column(JSON)
    time_zone: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Occurrences at or before this instant never run (set on creation and on edits).
    anchor_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    next_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ScheduleRun(Base):
    """One occurrence of a schedule. The primary key makes each occurrence happen once,
    however many workers reach it together."""

    __tablename__ = "schedule_runs"

    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("case_schedules.id", ondelete="CASCADE"), primary_key=True
    )
    occurrence_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), nullable=True
    )
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class JobLease(Base):
    """Which process holds a periodic job, until when, and when it last ran."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class CategoryAgent(Base):
    """An agent who takes cases of a category when it assigns automatically."""

    __tablename__ = "category_agents"
    __table_args__ = (Index("ix_category_agents_user", "user_id"),)

    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
