"""Setting up a mailbox's OAuth2 sign-in and authorising it in the console.

An admin picks a provider (Microsoft 365, Google, or a custom one naming its endpoints
and scopes), gives the client id and secret of the app registered there, and starts the
authorisation: casedesk sends the browser to the provider with an authorization-code
request protected by PKCE (S256) and a ``state``; the provider sends it back to the
callback with a code, which is exchanged for the tokens. Only the refresh token is
needed for good; it is kept encrypted, like the client secret, and never shown.

Like the mailbox itself, all of it needs ``manage_reference``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from ipaddress import ip_address
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

import httpx
from authlib.common.errors import AuthlibBaseError
from pydantic import Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.mail_oauth import PRESETS
from casedesk.domain.permissions import Principal
from casedesk.services.identity.sealing import seal, unseal
from casedesk.services.kernel import audit
from casedesk.services.mail.mailbox_tokens import client, registration, store_tokens
from casedesk.services.reference.common import In, Out, get_row, require_manager
from casedesk.store.db import Database
from casedesk.store.models import Mailbox, MailboxOAuth

#: How long an authorisation may take between leaving for the provider and coming back.
FLOW_LIFE = timedelta(minutes=15)

Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)]


class OAuthSetup(In):
    provider: Literal["microsoft", "google", "custom"]
    client_id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)
    ]
    client_secret: Short | None = Field(None, description="Write-only; empty keeps the stored one")
    #: Only for ``custom``; the presets name their own.
    authorize_url: Url | None = None
    token_url: Url | None = None
    scopes: Url | None = None
    smtp_url: Url | None = Field(None, description="smtp://user@host:587?starttls, or empty")


class OAuthOut(Out):
    provider: str
    client_id: str
    has_client_secret: bool
    authorize_url: str
    token_url: str
    scopes: str
    smtp_url: str | None
    authorised: bool
    needs_authorisation: bool
    problem: str
    problem_at: datetime | None
    authorised_at: datetime | None
    access_expires_at: datetime | None


def oauth_of(db: Database, principal: Principal, mailbox_id: int) -> OAuthOut | None:
    require_manager(principal)
    with db.read() as s:
        get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox")
        row = s.get(MailboxOAuth, mailbox_id)
        return _out(row) if row else None


def oauth_states(db: Database, principal: Principal) -> dict[int, bool]:
    """For the mailbox list: which of the corporation's mailboxes sign in with OAuth2,
    and whether each needs to be authorised."""
    require_manager(principal)
    with db.read() as s:
        rows = s.execute(
            select(MailboxOAuth.mailbox_id, MailboxOAuth.needs_authorisation)
            .join(Mailbox, Mailbox.id == MailboxOAuth.mailbox_id)
            .where(Mailbox.corporation_id == principal.corporation_id)
        )
        return {int(box): bool(needs) for box, needs in rows}


def set_up_oauth(
    db: Database, principal: Principal, mailbox_id: int, data: OAuthSetup, secret_key: str
) -> OAuthOut:
    """Sign the mailbox in with OAuth2 from now on. Changing the provider, client or
    endpoints drops the tokens: they were issued to the old registration."""
    require_manager(principal)
    preset = PRESETS.get(data.provider)
    authorize_url = (
        preset.authorize_url if preset else _endpoint(data.authorize_url, "authorize_url")
    )
    token_url = preset.token_url if preset else _endpoint(data.token_url, "token_url")
    scopes = preset.scopes if preset else (data.scopes or "")
    if not scopes:
        raise ValidationFailed("a custom provider needs its scopes", field="scopes")
    smtp_url = _smtp_url(data.smtp_url) if data.smtp_url else None
    with db.write() as s:
        box = get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox")
        row = s.get(MailboxOAuth, box.id)
        if row is None:
            row = MailboxOAuth(mailbox_id=box.id, needs_authorisation=True, problem="")
            s.add(row)
        new_client = (row.provider, row.client_id, row.authorize_url, row.token_url) != (
            data.provider,
            data.client_id,
            authorize_url,
            token_url,
        )
        row.provider, row.client_id = data.provider, data.client_id
        row.authorize_url, row.token_url, row.scopes = authorize_url, token_url, scopes
        row.smtp_url = smtp_url
        if data.client_secret:
            row.client_secret_encrypted = seal(secret_key, data.client_secret)
        if new_client:
            _forget_tokens(row)
        s.flush()
        audit.record(
            s,
            principal,
            box.corporation_id,
            "mailbox.oauth_set_up",
            "mailbox",
            box.id,
            changes={"provider": {"from": None, "to": data.provider}},
        )
        return _out(row)


def remove_oauth(db: Database, principal: Principal, mailbox_id: int) -> None:
    """Back to a password; the stored tokens are deleted."""
    require_manager(principal)
    with db.write() as s:
        box = get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox")
        row = s.get(MailboxOAuth, box.id)
        if row is not None:
            s.delete(row)
            audit.record(
                s, principal, box.corporation_id, "mailbox.oauth_removed", "mailbox", box.id
            )


def start_authorisation(
    db: Database,
    principal: Principal,
    mailbox_id: int,
    redirect_uri: str,
    secret_key: str,
    now: datetime,
) -> str:
    """Where to send the admin's browser: the provider's authorisation page."""
    require_manager(principal)
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(32)
    with db.write() as s:
        box = get_row(s, Mailbox, mailbox_id, principal.corporation_id, "mailbox")
        row = s.get(MailboxOAuth, box.id)
        if row is None:
            raise NotFound("the mailbox does not sign in with OAuth2", mailbox_id=mailbox_id)
        row.flow_state = state
        row.flow_verifier_encrypted = seal(secret_key, verifier)
        row.flow_started_at = now
        reg = registration(row, secret_key)
        preset = PRESETS.get(row.provider)
        extra = dict(preset.authorize_params) if preset else {}
        login = _login_hint(box.imap_url)
        authorize_url = row.authorize_url
    with client(reg, redirect_uri=redirect_uri, code_challenge_method="S256") as oauth:
        url, _ = oauth.create_authorization_url(
            authorize_url, state=state, code_verifier=verifier, login_hint=login, **extra
        )
    return str(url)


def finish_authorisation(
    db: Database,
    principal: Principal,
    *,
    state: str,
    code: str | None,
    error: str | None,
    redirect_uri: str,
    secret_key: str,
    now: datetime,
) -> int:
    """Exchange the provider's code for the tokens; the mailbox's id. A refusal at the
    provider, an unknown or stale ``state`` or a failed exchange is a ValidationFailed
    and leaves the stored tokens as they were."""
    require_manager(principal)
    with db.write() as s:
        row = _flow(s, principal, state, now)
        mailbox_id = row.mailbox_id
        verifier = unseal(secret_key, row.flow_verifier_encrypted or "")
        reg = registration(row, secret_key)
        row.flow_state = row.flow_verifier_encrypted = row.flow_started_at = None
    if error or not code:
        _note(db, mailbox_id, f"the provider did not authorise the mailbox: {error}", now)
        raise ValidationFailed(f"the provider did not authorise the mailbox: {error}", "code")
    try:
        with client(reg, redirect_uri=redirect_uri) as oauth:
            token = dict(oauth.fetch_token(reg.token_url, code=code, code_verifier=verifier))
    except (AuthlibBaseError, httpx.HTTPError) as exc:
        detail = f"the code could not be exchanged for tokens: {exc}"
        _note(db, mailbox_id, detail, now)
        raise ValidationFailed(detail, field="code") from None
    if not token.get("refresh_token") or not token.get("access_token"):
        detail = "the provider gave no refresh token: the scopes must ask for offline access"
        _note(db, mailbox_id, detail, now)
        raise ValidationFailed(detail, field="scopes")
    with db.write() as s:
        row = s.get_one(MailboxOAuth, mailbox_id)
        store_tokens(row, token, secret_key, now)
        row.authorised_at = now
        corp = s.get_one(Mailbox, mailbox_id).corporation_id
        audit.record(s, principal, corp, "mailbox.oauth_authorised", "mailbox", mailbox_id)
    return mailbox_id


def _flow(s: Session, principal: Principal, state: str, now: datetime) -> MailboxOAuth:
    row = s.scalar(
        select(MailboxOAuth)
        .join(Mailbox, Mailbox.id == MailboxOAuth.mailbox_id)
        .where(
            MailboxOAuth.flow_state == state,
            Mailbox.corporation_id == principal.corporation_id,
        )
    )
    if (
        not state
        or row is None
        or row.flow_started_at is None
        or now - row.flow_started_at > FLOW_LIFE
    ):
        raise ValidationFailed("this authorisation is unknown or has expired", field="state")
    return row


def _note(db: Database, mailbox_id: int, detail: str, now: datetime) -> None:
    with db.write() as s:
        row = s.get_one(MailboxOAuth, mailbox_id)
        row.problem, row.problem_at = detail[:1000], now


def _forget_tokens(row: MailboxOAuth) -> None:
    row.refresh_token_encrypted = row.access_token_encrypted = None
    row.access_expires_at = row.authorised_at = None
    row.needs_authorisation = True


def _login_hint(imap_url: str) -> str:
    return unquote(urlsplit(imap_url).username or "")


def _endpoint(url: str | None, field: str) -> str:
    """An endpoint of a custom provider: https, or http only on this machine."""
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return str(url)
    if parts.scheme == "http" and _is_loopback(host):
        return str(url)
    raise ValidationFailed("a custom provider's endpoint is an https:// address", field=field)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _smtp_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or not parts.username:
        raise ValidationFailed(
            "the SMTP URL is smtp://user@host:587?starttls or smtps://user@host", "smtp_url"
        )
    if parts.password:
        raise ValidationFailed("an OAuth2 mailbox's SMTP URL has no password", "smtp_url")
    return url


def _out(row: MailboxOAuth) -> OAuthOut:
    return OAuthOut(
        provider=row.provider,
        client_id=row.client_id,
        has_client_secret=row.client_secret_encrypted is not None,
        authorize_url=row.authorize_url,
        token_url=row.token_url,
        scopes=row.scopes,
        smtp_url=row.smtp_url,
        authorised=row.refresh_token_encrypted is not None,
        needs_authorisation=row.needs_authorisation,
        problem=row.problem,
        problem_at=row.problem_at,
        authorised_at=row.authorised_at,
        access_expires_at=row.access_expires_at,
    )
