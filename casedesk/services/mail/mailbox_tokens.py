"""Access tokens of OAuth2 mailboxes: the stored one while it is good, a refreshed one
before it expires or after the server refused it, and the mailbox marked as needing
authorisation when the provider refuses the refresh token or the server a fresh token.

The refresh request goes out with Authlib's OAuth2 client outside any transaction; the
tokens are written back encrypted (``identity.sealing``). A provider that rotates the
refresh token hands out a new one with the access token, and it replaces the old.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client
from sqlalchemy import select

from casedesk.domain.mail_oauth import needs_refresh
from casedesk.services.identity.sealing import seal, unseal
from casedesk.store.db import Database
from casedesk.store.models import Mailbox, MailboxOAuth

log = logging.getLogger("casedesk.mail")

TIMEOUT = 30.0
#: The life of an access token whose answer gives none (``expires_in`` is optional).
DEFAULT_LIFE = timedelta(minutes=30)


class NotAuthorised(Exception):
    """The mailbox has no usable refresh token: an admin must authorise it again."""


@dataclass(frozen=True, slots=True)
class Registration:
    """What a token request needs: the client and where to ask."""

    client_id: str
    client_secret: str | None
    token_url: str
    scopes: str


def registration(row: MailboxOAuth, secret_key: str) -> Registration:
    secret = (
        unseal(secret_key, row.client_secret_encrypted) if row.client_secret_encrypted else None
    )
    return Registration(row.client_id, secret, row.token_url, row.scopes)


def client(reg: Registration, **options: object) -> OAuth2Client:
    """Authlib's client for this registration: a confidential client sends its secret in
    the form (both Microsoft and Google take it so), a public one only its id."""
    return OAuth2Client(
        client_id=reg.client_id,
        client_secret=reg.client_secret,
        token_endpoint_auth_method="client_secret_post" if reg.client_secret else "none",
        scope=reg.scopes,
        timeout=TIMEOUT,
        **options,
    )


def store_tokens(
    row: MailboxOAuth, token: dict[str, object], secret_key: str, now: datetime
) -> None:
    """Keep the tokens of a token answer, encrypted, and clear any problem."""
    row.access_token_encrypted = seal(secret_key, str(token["access_token"]))
    expires_in = token.get("expires_in")
    life = timedelta(seconds=float(str(expires_in))) if expires_in else DEFAULT_LIFE
    row.access_expires_at = now + life
    refresh = token.get("refresh_token")
    if refresh:
        row.refresh_token_encrypted = seal(secret_key, str(refresh))
    row.needs_authorisation = row.refresh_token_encrypted is None
    row.problem = ""
    row.problem_at = None


def access_token(
    db: Database, mailbox_id: int, secret_key: str, now: datetime, *, fresh: bool = False
) -> str:
    """A good access token for the mailbox; ``fresh`` refreshes it even if the stored
    one has not run out (the server refused it). ``NotAuthorised`` when there is no
    refresh token or the provider refused it; ``httpx.HTTPError`` when the provider
    cannot be reached (tried again at the next poll, the mailbox is not marked)."""
    try:
        stored = _stored(db, mailbox_id, secret_key, now, fresh)
    except ValueError as exc:  # sealed under another CASEDESK_SECRET_KEY
        refused(db, mailbox_id, str(exc), now)
        raise NotAuthorised(str(exc)) from None
    if isinstance(stored, str):
        return stored
    reg, sealed_refresh, refresh_token = stored
    try:
        with client(reg) as oauth:
            token = dict(oauth.refresh_token(reg.token_url, refresh_token=refresh_token))
    except AuthlibBaseError as exc:
        rotated = _rotated_meanwhile(db, mailbox_id, sealed_refresh, secret_key)
        if rotated is not None:
            return rotated
        detail = f"the provider refused the refresh token: {exc.description or exc.error}"
        refused(db, mailbox_id, detail, now)
        raise NotAuthorised(detail) from None
    except httpx.HTTPError as exc:
        _problem(db, mailbox_id, f"the token endpoint could not be reached: {exc}", now)
        raise
    if "access_token" not in token:
        detail = "the provider's token answer has no access token"
        refused(db, mailbox_id, detail, now)
        raise NotAuthorised(detail)
    with db.write() as s:
        row = s.get_one(MailboxOAuth, mailbox_id)
        store_tokens(row, token, secret_key, now)
    log.info("access token of mailbox %s refreshed", mailbox_id)
    return str(token["access_token"])


def _stored(
    db: Database, mailbox_id: int, secret_key: str, now: datetime, fresh: bool
) -> str | tuple[Registration, str, str]:
    """The stored access token if it is good for use, else what a refresh needs."""
    with db.read() as s:
        row = s.get(MailboxOAuth, mailbox_id)
        if row is None or row.refresh_token_encrypted is None:
            raise NotAuthorised("the mailbox has not been authorised")
        if row.needs_authorisation:
            raise NotAuthorised(row.problem or "the mailbox must be authorised again")
        if (
            not fresh
            and row.access_token_encrypted
            and not needs_refresh(row.access_expires_at, now)
        ):
            return unseal(secret_key, row.access_token_encrypted)
        sealed = row.refresh_token_encrypted
        return registration(row, secret_key), sealed, unseal(secret_key, sealed)


def _rotated_meanwhile(db: Database, mailbox_id: int, used: str, secret_key: str) -> str | None:
    """The access token another process stored while this one refreshed with the same
    refresh token: a provider that rotates refresh tokens refuses the old one then, and
    that is no reason to ask an admin to authorise the mailbox again."""
    with db.read() as s:
        row = s.get(MailboxOAuth, mailbox_id)
        if row is None or row.refresh_token_encrypted in (None, used):
            return None
        return (
            unseal(secret_key, row.access_token_encrypted) if row.access_token_encrypted else None
        )


def refused(db: Database, mailbox_id: int, detail: str, now: datetime) -> None:
    """The provider or the mail server refused the mailbox's credentials for good: it
    is not used until an admin authorises it again, and its page says why."""
    log.warning("mailbox %s needs to be authorised again: %s", mailbox_id, detail)
    with db.write() as s:
        row = s.get(MailboxOAuth, mailbox_id)
        if row is not None:
            row.needs_authorisation = True
            row.access_token_encrypted = None
            row.access_expires_at = None
            row.problem = detail[:1000]
            row.problem_at = now


def _problem(db: Database, mailbox_id: int, detail: str, now: datetime) -> None:
    with db.write() as s:
        row = s.get(MailboxOAuth, mailbox_id)
        if row is not None:
            row.problem = detail[:1000]
            row.problem_at = now


def sending_mailbox(db: Database, corporation_id: int) -> tuple[int, str] | None:
    """The OAuth2 mailbox a corporation's mail goes out through, with its SMTP URL: the
    first active one that names an SMTP server; None when mail goes through
    ``CASEDESK_SMTP_URL``."""
    with db.read() as s:
        found = s.execute(
            select(MailboxOAuth.mailbox_id, MailboxOAuth.smtp_url)
            .join(Mailbox, Mailbox.id == MailboxOAuth.mailbox_id)
            .where(
                Mailbox.corporation_id == corporation_id,
                Mailbox.is_active.is_(True),
                MailboxOAuth.smtp_url.is_not(None),
            )
            .order_by(Mailbox.id)
            .limit(1)
        ).first()
    return (int(found[0]), str(found[1])) if found else None


def any_sending_mailbox(db: Database) -> bool:
    with db.read() as s:
        return (
            s.scalar(
                select(MailboxOAuth.mailbox_id).where(MailboxOAuth.smtp_url.is_not(None)).limit(1)
            )
            is not None
        )
