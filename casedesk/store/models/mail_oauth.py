"""A mailbox's OAuth2 sign-in (Microsoft 365, Google, or another provider): the client
registration, the tokens (kept encrypted), and whether an admin must authorise it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, UtcDateTime


class MailboxOAuth(Base):
    """One row per mailbox that signs in with OAuth2 instead of a password. The client
    secret, refresh token, access token and the PKCE verifier of an authorisation under
    way are encrypted with a key derived from CASEDESK_SECRET_KEY."""

    __tablename__ = "mailbox_oauth"

    mailbox_id: Mapped[int] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``microsoft``, ``google`` or ``custom``.
    provider: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[str] = mapped_column(String(400))
    client_secret_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    authorize_url: Mapped[str] = mapped_column(String(1000))
    token_url: Mapped[str] = mapped_column(String(1000))
    scopes: Mapped[str] = mapped_column(String(1000))
    #: Where the mailbox's mail is sent with the same token (``smtp://user@host:587?starttls``).
    smtp_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    refresh_token_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    access_token_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    access_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    authorised_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: Set until an admin authorised the mailbox, and again when the provider refuses
    #: its refresh token or the server its access token.
    needs_authorisation: Mapped[bool] = mapped_column(Boolean, default=True)
    #: What went wrong last, for the mailbox page; empty once it works again.
    problem: Mapped[str] = mapped_column(String(1000), default="")
    problem_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: The authorisation under way: its ``state`` and PKCE code verifier.
    flow_state: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    flow_verifier_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    flow_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
