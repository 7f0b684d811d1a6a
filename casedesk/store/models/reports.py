"""Facts kept for the reports: one row per case with what the dashboards count and the
times they take percentiles of, and the cursor of the job that keeps them current.

The rows are derived data: ``services.reports.rollups`` writes them from the cases,
their history and their messages, and can rebuild all of them from those at any time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime


class CaseFact(Base):
    """What the reports read of one case. Days and the weekday/hour are in the
    corporation's time zone; the times are seconds of business time in the calendar of
    the case's priority. ``sla_*`` is True when the target was met, False when it was
    breached, None when the case has no such target or it is still running."""

    __tablename__ = "case_facts"
    __table_args__ = (
        # every column the reports read: a range of created days is read from the
        # index alone, without a look-up of each row (SQLite and PostgreSQL alike)
        Index(
            "ix_case_facts_created",
            "corporation_id",
            "created_day",
            "group_id",
            "channel",
            "agent_id",
            "priority_id",
            "category_id",
            "organization_id",
            "first_response_seconds",
            "resolution_seconds",
            "reopen_count",
            "message_count",
            "sla_first_response",
            "sla_resolution",
            "created_weekday",
            "created_hour",
            "closed_day",
            "is_open",
        ),
        Index("ix_case_facts_closed", "corporation_id", "closed_day"),
        Index("ix_case_facts_group_created", "group_id", "created_day"),
    )

    case_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    corporation_id: Mapped[int] = mapped_column(BigInteger)
    group_id: Mapped[int] = mapped_column(BigInteger)
    organization_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    agent_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    priority_id: Mapped[int] = mapped_column(BigInteger)
    category_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    channel: Mapped[str] = mapped_column(String(32))
    is_open: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_day: Mapped[date] = mapped_column(Date)
    created_weekday: Mapped[int] = mapped_column(SmallInteger)
    created_hour: Mapped[int] = mapped_column(SmallInteger)
    closed_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    first_response_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reopen_count: Mapped[int] = mapped_column(Integer)
    message_count: Mapped[int] = mapped_column(Integer)
    sla_first_response: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    sla_resolution: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class ReportCursor(Base):
    """How far the facts job has read the audit log: the id of the last entry seen, and
    how many entries it saw in the window it reads again behind that id (a different
    count later means an entry in the window committed late)."""

    __tablename__ = "report_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    seen: Mapped[int] = mapped_column(Integer)
