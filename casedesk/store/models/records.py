"""Append-only records written alongside changes: audit log, outbox, idempotency keys,
and the documents the full-text index is built from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class AuditEntry(Base):
    """Who changed what, from and to, as structured data (``changes``:
    ``{field: {"from": old, "to": new}}``)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "id"),
        Index("ix_audit_log_feed", "txid", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    case_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: The writing transaction's id on PostgreSQL (a server default set by migration
    #: 0021, ``pg_current_xact_id()``), which orders the change feed; NULL on SQLite,
    #: where the row id alone is in commit order (docs/changes.md).
    txid: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class OutboxEvent(Base):
    """An event to deliver after commit (notifications, webhooks). Written in the same
    transaction as the change, so nothing is lost if the process dies after commit."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "delivered_at", "available_at"),
        Index("ix_outbox_webhook_pending", "webhooks_seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: When the webhooks looked at it (and queued what it asked for). Apart from
    #: ``delivered_at``, which is the mail delivery's: each reader keeps its own mark.
    webhooks_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class IdempotencyRecord(Base):
    """The first answer to a create sent with an ``Idempotency-Key``, kept for the user
    and the credential (``Principal.credential``) that sent it: another credential of
    the same user, perhaps limited to less, gets nothing from it."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SearchDocument(Base):
    """Text to search, one row per case (title + description) and per message.
    The backend-specific index (FTS5 table or GIN tsvector index) is built over it
    by the migration; see ``casedesk.store.search_index``."""

    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_source", "source", "source_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # case | message
    source_id: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)
