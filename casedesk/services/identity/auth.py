"""Who is calling: API tokens (Bearer) and passwords (HTTP Basic, argon2).

Tokens are random, shown once, stored only as SHA-256 (they carry 256 bits of entropy,
so a fast hash is enough; argon2 is for low-entropy passwords), and revocable.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from casedesk.domain.permissions import (
    DEFAULT_AGENT_PERMISSIONS,
    Principal,
    Role,
    parse_permissions,
)
from casedesk.domain.token_scopes import format_scopes, implied_scopes
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import require_ref
from casedesk.store.db import Database
from casedesk.store.models import ApiToken, GroupMembership, Organization, User

_hasher = PasswordHasher()
TOKEN_PREFIX = "cd_"
#: A hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a real password")


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Replace the argon2 parameters (e.g. cheaper ones for a test suite). Hashes made
    with other parameters still verify: argon2 stores them in the hash."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not a real password")


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValidationFailed("a password has at least 8 characters", field="password")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(
    session: Session, user: User, organization_id: int | None = None, credential: str = ""
) -> Principal:
    groups = frozenset(
        session.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user.id))
    )
    role = Role(user.role)
    perms = (
        parse_permissions(user.permissions)
        if user.permissions is not None
        else DEFAULT_AGENT_PERMISSIONS
    )
    return Principal(user.id, user.corporation_id, role, groups, perms, organization_id, credential)


_users = User.__table__.c
_tokens = ApiToken.__table__.c
_memberships = GroupMembership.__table__.c

#: Everything a bearer token's request needs, in one statement: the token's state, its
#: user, and the user's groups (joined into one string). Core columns, not ORM entities:
#: it runs on every request.
_TOKEN_CALLER = (
    select(
        _users.id,
        _users.corporation_id,
        _users.role,
        _users.permissions,
        _users.is_active,
        _tokens.revoked_at,
        _tokens.expires_at,
        _tokens.organization_id,
        _tokens.id,
        _tokens.rate_limit_per_minute,
        _tokens.scopes,
        select(func.aggregate_strings(cast(_memberships.group_id, String), ","))
        .where(_memberships.user_id == _users.id)
        .scalar_subquery(),
    )
    .select_from(ApiToken.__table__.join(User.__table__, _users.id == _tokens.user_id))
    .where(_tokens.token_hash == bindparam("token_hash"))
)


def authenticate_token(db: Database, token: str, *, now: datetime | None = None) -> Principal:
    """The caller behind a bearer token. Read afresh on every request (one indexed
    statement), so a revoked or expired token or a disabled user is refused at once
    by every process."""
    with db.read() as s:
        return authenticate_token_in(s, token, now=now)


def authenticate_token_in(s: Session, token: str, *, now: datetime | None = None) -> Principal:
    """``authenticate_token`` in a transaction the caller owns (e.g. the read that
    serves the request)."""
    return token_caller_in(s, token, now=now).principal


@dataclass(frozen=True, slots=True)
class TokenCaller:
    """The caller behind a token, with the token's id and its own requests-a-minute
    quota (None: the deployment's default), for the rate limit."""

    principal: Principal
    token_id: int
    rate_limit: int | None


def token_caller_in(s: Session, token: str, *, now: datetime | None = None) -> TokenCaller:
    """The caller behind a bearer token and the token's rate quota, read in ``s``."""
    now = now or utcnow()
    row = s.connection().execute(_TOKEN_CALLER, {"token_hash": token_hash(token)}).first()
    if row is None:
        raise Unauthenticated("invalid or revoked token")
    (
        user_id,
        corporation_id,
        role,
        permissions,
        is_active,
        revoked_at,
        expires_at,
        organization_id,
        token_id,
        rate_limit,
        scopes,
        groups,
    ) = row
    if revoked_at is not None or (expires_at is not None and expires_at <= now):
        raise Unauthenticated("invalid or revoked token")
    if not is_active:
        raise Unauthenticated("user is disabled")
    principal = Principal(
        user_id,
        corporation_id,
        Role(role),
        frozenset(int(g) for g in groups.split(",")) if groups else frozenset(),
        parse_permissions(permissions) if permissions is not None else DEFAULT_AGENT_PERMISSIONS,
        organization_id,
        f"token:{token_id}",
        scopes=implied_scopes() if scopes is None else frozenset(scopes.split()),
    )
    return TokenCaller(principal, token_id, rate_limit)


def token_callers(
    db: Database, tokens: Collection[str], *, now: datetime | None = None
) -> dict[str, TokenCaller | DomainError]:
    """``token_caller_in`` for several tokens in one read: each caller, or why not."""
    callers: dict[str, TokenCaller | DomainError] = {}
    with db.read() as s:
        for token in tokens:
            try:
                callers[token] = token_caller_in(s, token, now=now)
            except DomainError as exc:
                callers[token] = exc
    return callers


def authenticate_password(db: Database, email: str, password: str) -> Principal:
    with db.read() as s:
        user = s.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
        ok = verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.is_active:
            raise Unauthenticated("wrong email or password")
        return principal_for(s, user, credential="password")


def create_token(
    db: Database,
    user_email: str,
    *,
    name: str = "",
    expires_at: datetime | None = None,
    actor: Principal | None = None,
    organization_id: int | None = None,
    rate_limit_per_minute: int | None = None,
    scopes: frozenset[str] | None = None,
) -> tuple[int, str]:
    """Create a token for the user; returns (token id, the token). The token itself is
    not stored and cannot be shown again. With ``organization_id`` the token sees only
    that organization's cases (only admins create such tokens). Without ``scopes`` the
    token gets every scope (``token_scopes.implied_scopes``)."""
    token = new_secret()
    with db.write() as s:
        user = s.scalars(select(User).where(User.email == user_email.strip().lower())).one_or_none()
        if user is None or (actor is not None and actor.corporation_id != user.corporation_id):
            raise NotFound(f"no user {user_email}")
        if actor is not None and not actor.is_admin and actor.user_id != user.id:
            raise NotFound(f"no user {user_email}")
        if organization_id is not None:
            if actor is not None and not actor.is_admin:
                raise Forbidden("only admins create tokens limited to an organization")
            require_ref(s, Organization, organization_id, user.corporation_id, "organization_id")
        if rate_limit_per_minute is not None and actor is not None and not actor.is_admin:
            raise Forbidden("only admins set a token's rate limit")
        row = ApiToken(
            user_id=user.id,
            name=name,
            token_hash=token_hash(token),
            prefix=token[:8],
            expires_at=expires_at,
            organization_id=organization_id,
            rate_limit_per_minute=rate_limit_per_minute,
            scopes=format_scopes(implied_scopes() if scopes is None else scopes),
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            actor,
            user.corporation_id,
            "token.created",
            "api_token",
            row.id,
            changes={"user_id": {"from": None, "to": user.id}}
            | (
                {"organization_id": {"from": None, "to": organization_id}}
                if organization_id
                else {}
            ),
        )
        return row.id, token


def _own_token(s: Session, actor: Principal, token_id: int) -> tuple[ApiToken, User]:
    """The token and its user, if the actor may manage it: an administrator any token of
    the corporation, anyone else their own. NotFound otherwise, as for no token at all."""
    row = s.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.id == token_id)
    ).first()
    if row is None:
        raise NotFound(f"token {token_id} not found")
    tok, user = row
    if user.corporation_id != actor.corporation_id or (
        not actor.is_admin and user.id != actor.user_id
    ):
        raise NotFound(f"token {token_id} not found")
    return tok, user


def revoke_token(db: Database, actor: Principal, token_id: int) -> None:
    with db.write() as s:
        tok, user = _own_token(s, actor, token_id)
        if tok.revoked_at is None:
            tok.revoked_at = utcnow()
            audit.record(s, actor, user.corporation_id, "token.revoked", "api_token", tok.id)


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def rotate_token(db: Database, actor: Principal, token_id: int) -> str:
    """Give a live token a new secret, keeping its scopes, expiry and limits; the old
    secret stops working at once. Returns the new secret (shown once)."""
    token = new_secret()
    with db.write() as s:
        tok, user = _own_token(s, actor, token_id)
        if tok.revoked_at is not None:
            raise Conflict(f"token {token_id} is revoked")
        tok.token_hash = token_hash(token)
        tok.prefix = token[:8]
        audit.record(s, actor, user.corporation_id, "token.rotated", "api_token", tok.id)
    return token
