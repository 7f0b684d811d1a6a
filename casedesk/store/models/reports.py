"""Reports: case exports too large to stream in one request, run as background jobs;
and the facts kept for the dashboards: one row per case with what they count and the
times they take percentiles of, and the cursor of the job that keeps them current.

The facts are derived data: ``services.reports.rollups`` writes them from the cases,
their history and their messages, and can rebuild all of them from those at any time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class ExportJob(Base):
    """One export of a filtered case list, written to a file by the ``exports`` job.

    ``spec`` is what the caller asked for (format, columns, filters) as plain JSON; the
    job runs it with the rights of ``user_id`` as they are when it runs, and only that
    user may download the result (``file_name`` under the data folder's ``exports/``).
    """

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: queued | running | done | failed | expired (done, file removed)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


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
            # last, so that a sample of the cases is drawn from the index alone too
            "case_id",
        ),
        Index("ix_case_facts_closed", "corporation_id", "closed_day"),
        Index(
            "ix_case_facts_open",
            "corporation_id",
            "is_open",
            "agent_id",
            "group_id",
            "organization_id",
            "channel",
        ),
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


class ReportDay(Base):
    """The facts of one day added up, for one group and channel: the ``all`` rows carry
    every count (created and closed that day, and of the cases created that day: ever
    closed, reopened, messages, SLA targets met and missed); the ``agent``, ``priority``,
    ``category`` and ``hour`` rows count the cases created that day per ``key`` (an id,
    0 for none; weekday * 24 + hour for ``hour``).

    Derived from ``case_facts`` by ``services.reports.day_rollups``, day by day."""

    __tablename__ = "report_days"

    corporation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    created: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    ever_closed: Mapped[int] = mapped_column(Integer)
    reopened: Mapped[int] = mapped_column(Integer)
    messages: Mapped[int] = mapped_column(Integer)
    first_response_met: Mapped[int] = mapped_column(Integer)
    first_response_missed: Mapped[int] = mapped_column(Integer)
    resolution_met: Mapped[int] = mapped_column(Integer)
    resolution_missed: Mapped[int] = mapped_column(Integer)


class ReportCursor(Base):
    """How far the facts job has read the audit log: the id of the last entry seen, and
    how many entries it saw in the window it reads again behind that id (a different
    count later means an entry in the window committed late)."""

    __tablename__ = "report_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    seen: Mapped[int] = mapped_column(Integer)
