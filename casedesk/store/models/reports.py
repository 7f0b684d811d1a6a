"""Reports: case exports too large to stream in one request, run as background jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
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
