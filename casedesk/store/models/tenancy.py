"""Corporations, groups, users, group membership, API tokens and their request counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class Corporation(Base):
    """The tenant: every case, user and reference row belongs to one."""

    __tablename__ = "corporations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    case_prefix: Mapped[str] = mapped_column(String(16), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CaseCounter(Base):
    """The next case number of a corporation. Bumped with an UPDATE in the create
    transaction, which serialises concurrent creates on the row (or the SQLite write lock)."""

    __tablename__ = "case_counters"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    #: Explicit permission set for agents; None means the role's default set.
    permissions: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: IANA zone the pages show times in (None: not chosen yet, shown in UTC).
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: Preferred language of the pages (a BCP 47 tag such as ``en`` or ``de``).
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)


class GroupMembership(Base):
    __tablename__ = "group_memberships"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored; the token is shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: A token limited to one customer organization sees and touches only its cases.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=True
    )
    #: Requests a minute this token may make; the deployment's default when None.
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Space-separated scopes (``domain/token_scopes.py``); None: every scope.
    scopes: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: When and from which address the token was last used (written at most once a
    #: minute per token and process, not on every request).
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_used_from: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ApiTokenUsage(Base):
    """Requests a token made in one rate window (the Unix second the window started),
    as the server processes added them up; old windows are deleted."""

    __tablename__ = "api_token_usage"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
