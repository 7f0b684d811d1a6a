"""The import ledger: which records of an import file are in the database.

One row per imported record, written in the same transaction as the batch that holds
the record's case, so after a crash the rows say exactly which records are in and an
import run again skips them (no duplicate, nothing missing).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class ImportRecord(Base):
    """A record taken in by ``casedesk import``: its external id (or ``file:line`` when
    it had none), the line it was read from and the case it became."""

    __tablename__ = "import_ledger"
    __table_args__ = (UniqueConstraint("corporation_id", "external_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    line: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
