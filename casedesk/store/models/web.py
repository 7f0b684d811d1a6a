"""Browser sign-in: sessions of agents and contacts, emailed sign-in links, failed
attempts (for rate limiting) and agents' saved case filters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class WebSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept, so a copy of
    the database signs nobody in. Exactly one of ``user_id`` and ``contact_id`` is set."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: Sent with every form and htmx request; compared with the session's own.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    #: What the session still lacks before it may do anything: ``"verify"`` (a second
    #: factor), ``"enrol"`` (setting one up, when the corporation requires it); None
    #: once complete.
    pending: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: The WebAuthn challenge last handed to this browser (base64url), used once.
    challenge: Mapped[str | None] = mapped_column(String(200), nullable=True)


class SignInLink(Base):
    """A one-time sign-in link mailed to a contact; only its SHA-256 is kept."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SignInFailure(Base):
    """One failed sign-in, by account (``email:…``) and by client (``ip:…``)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(340))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class SavedFilter(Base):
    """An agent's named case search (the query string of the console's case list)."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: None (only its owner) | "group" (members of ``group_id``) | "everyone"
    shared_with: Mapped[str | None] = mapped_column(String(16), nullable=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), nullable=True, index=True
    )
    #: The list columns shown for it, comma-separated (None: the default columns).
    columns: Mapped[str | None] = mapped_column(String(200), nullable=True)
