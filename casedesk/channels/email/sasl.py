"""Signing in to IMAP and SMTP with an OAuth2 access token (SASL XOAUTH2, or
OAUTHBEARER when the server offers only that).

A server that refuses the token gets one more try with a freshly refreshed token; if
it refuses that too, the mailbox is marked as needing authorisation (``refused``) and
``BearerRefused`` is raised.
"""

from __future__ import annotations

import imaplib
import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx

from casedesk.domain.mail_oauth import oauthbearer, xoauth2
from casedesk.services.mail import mailbox_tokens
from casedesk.store.db import Database


class BearerRefused(smtplib.SMTPException):
    """No access token the server takes: it refused a fresh one, the provider refused
    the refresh token, or the provider could not be reached. Delivery tries the mail
    again later, as when the server is away."""


class Bearer(Protocol):
    """Where a client gets its access token, and says it was refused for good."""

    def token(self, fresh: bool) -> str: ...

    def refused(self, detail: str) -> None: ...


@dataclass(frozen=True, slots=True)
class MailboxBearer:
    """The tokens of one OAuth2 mailbox, as of ``now``."""

    db: Database
    mailbox_id: int
    secret_key: str
    now: datetime

    def token(self, fresh: bool) -> str:
        return mailbox_tokens.access_token(
            self.db, self.mailbox_id, self.secret_key, self.now, fresh=fresh
        )

    def refused(self, detail: str) -> None:
        mailbox_tokens.refused(self.db, self.mailbox_id, detail, self.now)


def imap_login(conn: imaplib.IMAP4, user: str, bearer: Bearer) -> None:
    mechanism = _choose(
        {c.removeprefix("AUTH=") for c in conn.capabilities if c.startswith("AUTH=")}
    )
    last = ""
    for fresh in (False, True):
        first = _first_message(mechanism, user, bearer.token(fresh))
        try:
            conn.authenticate(mechanism, _Answers(first))
            return
        except imaplib.IMAP4.error as exc:
            last = str(exc)
    _give_up(bearer, "IMAP", last)


def smtp_login(conn: smtplib.SMTP, user: str, bearer: Bearer) -> None:
    conn.ehlo_or_helo_if_needed()
    mechanism = _choose(set(conn.esmtp_features.get("auth", "").upper().split()))
    last = ""
    for fresh in (False, True):
        try:
            token = bearer.token(fresh)
        except (mailbox_tokens.NotAuthorised, httpx.HTTPError) as exc:
            raise BearerRefused(f"no access token for SMTP: {exc}") from None
        first = _first_message(mechanism, user, token)
        try:
            conn.auth(mechanism, _SmtpAnswers(first), initial_response_ok=True)
            return
        except smtplib.SMTPAuthenticationError as exc:
            error = exc.smtp_error
            text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
            last = f"{exc.smtp_code} {text}"
    _give_up(bearer, "SMTP", last)


def _give_up(bearer: Bearer, server: str, last: str) -> None:
    detail = f"the {server} server refused the access token: {last}"
    bearer.refused(detail)
    raise BearerRefused(detail)


def _choose(offered: set[str]) -> str:
    """XOAUTH2 (Microsoft's and Google's), else OAUTHBEARER if that is all there is."""
    if "XOAUTH2" not in offered and "OAUTHBEARER" in offered:
        return "OAUTHBEARER"
    return "XOAUTH2"


def _first_message(mechanism: str, user: str, token: str) -> bytes:
    return oauthbearer(user, token) if mechanism == "OAUTHBEARER" else xoauth2(user, token)


class _Answers:
    """The client's side of the exchange: the token first; after a refusal the server
    sends its reasons as a challenge, and an empty answer ends the exchange."""

    def __init__(self, first: bytes) -> None:
        self._first: bytes | None = first

    def __call__(self, challenge: bytes) -> bytes:
        first, self._first = self._first, None
        return first if first is not None else b""


class _SmtpAnswers:
    def __init__(self, first: bytes) -> None:
        self._answers = _Answers(first)

    def __call__(self, challenge: bytes | None = None) -> str:
        return self._answers(challenge or b"").decode()
