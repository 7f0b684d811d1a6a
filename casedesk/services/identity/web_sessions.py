"""Browser sessions for agents (password) and customer contacts (password or an emailed
one-time link).

The cookie carries a random token; the database keeps only its SHA-256, with the
session's CSRF token, so a copy of the database signs nobody in and signing out ends the
session in every process at once. Failed attempts count towards the one brute-force
limit of every face (``credential_limits``): past it, the account or the client is
refused for a while, whether or not the password is right, so guessing gains nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.permissions import ContactCaller, Principal
from casedesk.domain.sign_in import LINK_LIFETIME, SESSION_LIFETIME
from casedesk.services.identity import credential_limits, second_factors, sso_providers
from casedesk.services.identity.auth import principal_for, verify_password
from casedesk.services.identity.preferences import browser_zone
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import (
    Contact,
    ContactEmail,
    SignInLink,
    User,
    WebSession,
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: ``token`` goes in the cookie and is not stored anywhere else."""

    token: str
    csrf_token: str
    #: What the session still lacks (``"verify"``, ``"enrol"``), or None.
    pending: str | None = None


class SecondStepPending(Unauthenticated):
    """The session has its password but still lacks a second factor (``"verify"``) or
    must set one up first (``"enrol"``): it may do nothing else yet."""

    def __init__(self, pending: str) -> None:
        super().__init__("a second factor is needed to go on")
        self.pending = pending


class PasswordSignInOff(Unauthenticated):
    """A right password of a user whose corporation turned password sign-in off."""


@dataclass(frozen=True, slots=True)
class AgentSession:
    principal: Principal
    csrf_token: str
    email: str
    name: str
    #: The reader's zone for the times pages show (None: UTC) and language.
    time_zone: str | None = None
    language: str | None = None
    #: What the session still lacks, when the caller allowed a pending session.
    pending: str | None = None


@dataclass(frozen=True, slots=True)
class ContactSession:
    caller: ContactCaller
    csrf_token: str
    email: str
    name: str
    time_zone: str | None = None
    #: The contact's own language (None: the browser's).
    language: str | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: How a session's cookie token is kept (for other modules that find a session).
session_hash = _hash


def _fail(db: Database, email: str, client: str, now: datetime) -> Unauthenticated:
    credential_limits.record_failure(db, email, client, now)
    return Unauthenticated("wrong email or password")


def _open(
    s: Session,
    corporation_id: int,
    now: datetime,
    *,
    user_id: int | None = None,
    contact_id: int | None = None,
    pending: str | None = None,
) -> SignedIn:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    s.execute(delete(WebSession).where(WebSession.expires_at <= now))
    s.add(
        WebSession(
            token_hash=_hash(token),
            corporation_id=corporation_id,
            user_id=user_id,
            contact_id=contact_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            pending=pending,
        )
    )
    return SignedIn(token, csrf, pending)


def open_user_session(
    s: Session, user: User, now: datetime, pending: str | None
) -> tuple[SignedIn, int]:
    """A new console session of ``user`` (signed in some other way than a password,
    e.g. through an OpenID provider), and the session row's id."""
    signed_in = _open(s, user.corporation_id, now, user_id=user.id, pending=pending)
    s.flush()
    session_id = s.scalar(
        select(WebSession.id).where(WebSession.token_hash == _hash(signed_in.token))
    )
    assert session_id is not None
    return signed_in, session_id


def open_contact_session(s: Session, contact: Contact, now: datetime, method: str) -> SignedIn:
    """A new portal session of ``contact`` (signed in through an OpenID provider)."""
    _record_contact_sign_in(s, contact.corporation_id, contact.id, method, now)
    return _open(s, contact.corporation_id, now, contact_id=contact.id)


def sign_in_agent(
    db: Database,
    email: str,
    password: str,
    client: str,
    *,
    now: datetime | None = None,
    time_zone: str = "",
) -> SignedIn:
    """A session for the user with this email and password (admins and agents). A
    user with a second factor gets a session that waits for it (``pending="verify"``);
    one whose corporation requires a factor they lack, a session that may only set one
    up (``"enrol"``). ``time_zone`` is the browser's, taken while the user has chosen
    none."""
    now = now or utcnow()
    email = email.strip().lower()
    credential_limits.check(db, email, client, now)
    with db.write() as s:
        user = s.scalars(select(User).where(User.email == email)).one_or_none()
        ok = verify_password(user.password_hash if user else None, password)
        if user is not None and ok and user.is_active:
            if not sso_providers.password_allowed(s, user.corporation_id):
                raise PasswordSignInOff(
                    "your organization signs in through single sign-on: use its button"
                )
            browser_zone(user, time_zone)
            pending = (
                "verify"
                if second_factors.has_second_factor(s, user.id)
                else "enrol"
                if second_factors.required_for(s, user.corporation_id)
                else None
            )
            signed_in = _open(s, user.corporation_id, now, user_id=user.id, pending=pending)
            audit.record(
                s,
                principal_for(s, user),
                user.corporation_id,
                "user.signed_in",
                "user",
                user.id,
                at=now,
            )
            return signed_in
    raise _fail(db, email, client, now)


def _contact_by_email(s: Session, email: str) -> Contact | None:
    return s.scalars(
        select(Contact)
        .join(ContactEmail, ContactEmail.contact_id == Contact.id)
        .where(ContactEmail.email == email)
        .order_by(Contact.id)
    ).first()


def sign_in_contact(
    db: Database,
    email: str,
    password: str,
    client: str,
    *,
    now: datetime | None = None,
    time_zone: str = "",
) -> SignedIn:
    """A portal session for the contact with this email and portal password
    (``time_zone`` as for agents)."""
    now = now or utcnow()
    email = email.strip().lower()
    credential_limits.check(db, email, client, now)
    with db.write() as s:
        contact = _contact_by_email(s, email)
        ok = verify_password(contact.password_hash if contact else None, password)
        if contact is not None and ok:
            browser_zone(contact, time_zone)
            _record_contact_sign_in(s, contact.corporation_id, contact.id, "password", now)
            return _open(s, contact.corporation_id, now, contact_id=contact.id)
    raise _fail(db, email, client, now)


def _record_contact_sign_in(
    s: Session, corporation_id: int, contact_id: int, method: str, now: datetime
) -> None:
    audit.record(
        s,
        None,
        corporation_id,
        "contact.signed_in",
        "contact",
        contact_id,
        changes={"method": {"from": None, "to": method}},
        at=now,
        actor_label="portal",
    )


def issue_sign_in_link(s: Session, email: str, now: datetime) -> tuple[Contact, str] | None:
    """A one-time sign-in token for the contact with this email, or None when there is
    no such contact (the caller answers alike either way)."""
    contact = _contact_by_email(s, email.strip().lower())
    if contact is None:
        return None
    return contact, issue_contact_link(s, contact, now)


def issue_contact_link(s: Session, contact: Contact, now: datetime) -> str:
    """A one-time sign-in token for ``contact`` (an invitation sent by an agent)."""
    token = secrets.token_urlsafe(32)
    s.add(
        SignInLink(
            token_hash=_hash(token),
            corporation_id=contact.corporation_id,
            contact_id=contact.id,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    return token


def end_contact_access(s: Session, contact_id: int) -> int:
    """End every portal session of the contact and void their unused sign-in links;
    how many sessions ended."""
    s.execute(
        delete(SignInLink).where(SignInLink.contact_id == contact_id, SignInLink.used_at.is_(None))
    )
    result = s.execute(delete(WebSession).where(WebSession.contact_id == contact_id))
    return int(cast(CursorResult[Any], result).rowcount)


def redeem_sign_in_link(
    db: Database, token: str, *, now: datetime | None = None, time_zone: str = ""
) -> SignedIn:
    """A portal session for the link's contact; a link works once and only in time."""
    now = now or utcnow()
    with db.write() as s:
        link = s.scalars(
            select(SignInLink).where(SignInLink.token_hash == _hash(token)).with_for_update()
        ).one_or_none()
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise Unauthenticated("this sign-in link is not valid any more; ask for a new one")
        link.used_at = now
        contact = s.get(Contact, link.contact_id)
        if contact is not None:
            browser_zone(contact, time_zone)
        _record_contact_sign_in(s, link.corporation_id, link.contact_id, "link", now)
        return _open(s, link.corporation_id, now, contact_id=link.contact_id)


def sign_out(db: Database, token: str) -> None:
    with db.write() as s:
        s.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def live_session(s: Session, token: str, now: datetime) -> WebSession | None:
    """The unexpired session row of a cookie's token, pending or not."""
    return _live(s, token, now)


def _live(s: Session, token: str, now: datetime) -> WebSession | None:
    row = s.scalars(select(WebSession).where(WebSession.token_hash == _hash(token))).one_or_none()
    if row is None or row.expires_at <= now:
        return None
    return row


def agent_session(
    db: Database, token: str, *, now: datetime | None = None, allow: frozenset[str] = frozenset()
) -> AgentSession:
    """The signed-in agent or admin behind a session cookie; ``SecondStepPending`` while
    the session lacks a second factor, unless what it lacks is in ``allow``."""
    now = now or utcnow()
    with db.read() as s:
        row = _live(s, token, now)
        user = s.get(User, row.user_id) if row is not None and row.user_id else None
        if row is None or user is None or not user.is_active:
            raise Unauthenticated("please sign in")
        if row.pending is not None and row.pending not in allow:
            raise SecondStepPending(row.pending)
        principal = principal_for(s, user, credential=f"session:{row.id}")
        return AgentSession(
            principal,
            row.csrf_token,
            user.email,
            user.name,
            time_zone=user.time_zone,
            language=user.language,
            pending=row.pending,
        )


def contact_session(db: Database, token: str, *, now: datetime | None = None) -> ContactSession:
    """The signed-in contact behind a portal session cookie."""
    now = now or utcnow()
    with db.read() as s:
        row = _live(s, token, now)
        contact = s.get(Contact, row.contact_id) if row is not None and row.contact_id else None
        if row is None or contact is None:
            raise Unauthenticated("please sign in")
        email = s.scalar(
            select(ContactEmail.email)
            .where(ContactEmail.contact_id == contact.id)
            .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
            .limit(1)
        )
        caller = ContactCaller(
            contact.id,
            contact.corporation_id,
            contact.organization_id,
            contact.sees_organization_cases,
        )
        name = f"{contact.first_name} {contact.last_name}".strip()
        return ContactSession(
            caller, row.csrf_token, email or "", name, contact.time_zone, contact.language
        )
