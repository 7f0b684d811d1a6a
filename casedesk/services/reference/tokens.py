"""API tokens as the API manages them: anyone creates, lists and revokes their own;
admins also those of the users of their corporation. A token is shown once, when it is
created; afterwards only its first characters identify it."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator
from sqlalchemy import select

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.domain.token_scopes import ALL_SCOPES, parse_scopes
from casedesk.services.identity import auth
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import (
    Email,
    Id,
    In,
    Out,
    Text200,
    UtcInstant,
    require_admin,
)
from casedesk.store.db import Database
from casedesk.store.models import ApiToken, User


class TokenCreate(In):
    name: Text200 = ""
    expires_at: UtcInstant | None = Field(default=None, description="Never expires when omitted.")
    user_email: Email | None = Field(
        default=None, description="Admins only: create the token for this user of theirs."
    )
    organization_id: Id | None = Field(
        default=None,
        description="Admins only: the token sees and touches only this customer "
        "organization's cases (an API key for one client).",
    )
    rate_limit_per_minute: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Admins only: requests a minute this token may make, instead of the "
        "server's default (`CASEDESK_API_REQUESTS_PER_MINUTE`).",
    )
    scopes: list[str] | None = Field(
        default=None,
        description="What the token may be used for, e.g. `cases:read`; every scope when "
        "omitted (docs/access.md lists them).",
    )


class TokenRotated(Out):
    token: str = Field(description="The new secret. It is not stored and not shown again.")


class TokenOut(Out):
    id: int
    user_id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    organization_id: int | None
    rate_limit_per_minute: int | None = Field(
        description="Requests a minute this token may make; the server's default when null."
    )
    scopes: list[str] = Field(description="What the token may be used for (docs/access.md).")
    last_used_at: datetime | None = Field(description="Noted at most once a minute.")
    last_used_from: str | None = Field(description="The client address of that use.")

    @field_validator("scopes", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if value is None:
            return list(ALL_SCOPES)
        return value.split() if isinstance(value, str) else value


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself. It is not stored and not shown again.")


def create_token(
    db: Database, principal: Principal, data: TokenCreate, *, now: datetime | None = None
) -> TokenCreated:
    now = now or utcnow()
    if data.expires_at is not None and data.expires_at <= now:
        raise ValidationFailed("expires_at must be in the future", field="expires_at")
    with db.read() as s:
        own_email = s.scalar(select(User.email).where(User.id == principal.user_id))
    email = data.user_email or own_email or ""
    if email.strip().lower() != own_email:
        require_admin(principal, "create tokens for other users")
    token_id, token = auth.create_token(
        db,
        email,
        name=data.name,
        expires_at=data.expires_at,
        actor=principal,
        organization_id=data.organization_id,
        rate_limit_per_minute=data.rate_limit_per_minute,
        scopes=None if data.scopes is None else parse_scopes(data.scopes),
    )
    with db.read() as s:
        row = s.get_one(ApiToken, token_id)
        return TokenCreated(**TokenOut.model_validate(row).model_dump(), token=token)


def list_tokens(db: Database, principal: Principal, user_id: int | None = None) -> list[TokenOut]:
    """The caller's tokens, revoked and expired ones included; never the secrets."""
    owner = principal.user_id if user_id is None else user_id
    with db.read() as s:
        if owner != principal.user_id:
            user = s.get(User, owner)
            if user is None or user.corporation_id != principal.corporation_id:
                raise NotFound(f"user {owner} not found")
            require_admin(principal, "see other users' tokens")
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == owner).order_by(ApiToken.id))
        return [TokenOut.model_validate(r) for r in rows]


def revoke_token(db: Database, principal: Principal, token_id: int) -> None:
    auth.revoke_token(db, principal, token_id)


def rotate_token(db: Database, principal: Principal, token_id: int) -> TokenRotated:
    """A new secret for a token, same scopes; the old secret stops working."""
    return TokenRotated(token=auth.rotate_token(db, principal, token_id))
