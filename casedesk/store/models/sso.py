"""Single sign-on through OpenID Connect providers: the providers an admin set up for a
corporation (the client secret kept sealed), which provider account is which user,
the provider behind a console session (for signing out there too), and whether the
corporation still lets its users sign in with a password."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class SignInProvider(Base):
    """An OpenID provider agents of the corporation sign in through. Its endpoints and
    keys come from the issuer's discovery document at sign-in; what its claims make of
    a user is ``group_map`` (claim value -> group ids) and ``admin_values``."""

    __tablename__ = "sign_in_providers"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    #: Shown on the sign-in button ("Sign in with …").
    name: Mapped[str] = mapped_column(String(100))
    #: Who signs in through it: ``agents`` (the console) or ``contacts`` (the portal).
    audience: Mapped[str] = mapped_column(String(16), default="agents")
    issuer: Mapped[str] = mapped_column(String(1000))
    client_id: Mapped[str] = mapped_column(String(500))
    #: The client secret, encrypted with a key derived from CASEDESK_SECRET_KEY.
    client_secret_sealed: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(500), default="openid email profile")
    groups_claim: Mapped[str] = mapped_column(String(100), default="groups")
    #: ``[{"value": claim value, "group_id": id}, …]``.
    group_map: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    admin_claim: Mapped[str] = mapped_column(String(100), default="groups")
    admin_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Whether a multi-factor sign-in at the provider (its ``amr``) counts as the
    #: second factor; otherwise casedesk's own second factor still applies.
    provider_mfa_counts: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Whether signing out of casedesk also signs out at the provider.
    sign_out_at_provider: Mapped[bool] = mapped_column(Boolean, default=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SignInIdentity(Base):
    """The user a provider's subject (``sub``) signs in as."""

    __tablename__ = "sign_in_identities"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("sign_in_providers.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ProviderSession(Base):
    """The provider a console session came through, with its ID token (the hint the
    provider's end-session endpoint asks for)."""

    __tablename__ = "provider_sessions"

    web_session_id: Mapped[int] = mapped_column(
        ForeignKey("web_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("sign_in_providers.id", ondelete="CASCADE"), index=True
    )
    id_token: Mapped[str] = mapped_column(Text)


class PasswordSignInPolicy(Base):
    """Whether a corporation's agents may sign in with a password (no row: they may)."""

    __tablename__ = "password_sign_in_policies"

    corporation_id: Mapped[int] = mapped_column(
        ForeignKey("corporations.id", ondelete="CASCADE"), primary_key=True
    )
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
