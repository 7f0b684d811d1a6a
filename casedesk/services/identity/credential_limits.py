"""The one brute-force limit for every check of a credential, on every face.

Each failed check (a password through the console, the portal, HTTP Basic on the API or
a dialect, the Track-It! token grant; an unknown bearer token or ITFlow ``api_key``) is
a row of ``sign_in_failures``, by account (``email:…``) when there is one and by client
address (``ip:…``). Past the limits of ``domain.sign_in`` the account, or the client, is
refused with ``TooManyAttempts`` for a while, whether or not the next password is right,
so guessing gains nothing; and since the rows are in the database, every process of a
deployment and every face sees the same counts: an account locked on the console is
locked on the API too.

A valid bearer token is never refused here: it cannot be guessed, and refusing it would
let someone behind the same address lock an integration out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import TooManyAttempts
from casedesk.domain.sign_in import (
    FAILURE_WINDOW,
    MAX_LINK_REQUESTS_PER_CLIENT,
    Attempts,
    account_key,
    client_key,
    link_request_key,
)
from casedesk.store.db import Database
from casedesk.store.models import SignInFailure

#: Seconds a refused caller is told to wait: until its failures have left the window.
RETRY_AFTER = int(FAILURE_WINDOW.total_seconds())


def _count(s: Session, key: str, now: datetime) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(SignInFailure)
            .where(SignInFailure.key == key, SignInFailure.at > now - FAILURE_WINDOW)
        )
        or 0
    )


def attempts(db: Database, account: str | None, client: str, now: datetime) -> Attempts:
    """Failures within the window for ``account`` (an email or user name, if any) and
    for the client address."""
    with db.read() as s:
        return Attempts(
            account=_count(s, account_key(account), now) if account else 0,
            client=_count(s, client_key(client), now),
        )


def check(db: Database, account: str | None, client: str, now: datetime) -> None:
    """Refuse with ``TooManyAttempts`` if the account or the client is locked out."""
    if attempts(db, account, client, now).throttled:
        raise TooManyAttempts(
            "too many failed sign-ins; try again in a few minutes", retry_after=RETRY_AFTER
        )


def record_failure(db: Database, account: str | None, client: str, now: datetime) -> None:
    """Count one failed check against the account (if any) and the client."""
    keys = [client_key(client)] + ([account_key(account)] if account else [])
    _record(db, keys, now)


def admit_link_request(db: Database, client: str, now: datetime) -> None:
    """Count a request for a portal sign-in link from ``client``; past the limit,
    refuse with ``TooManyAttempts`` (whatever address it names)."""
    key = link_request_key(client)
    with db.read() as s:
        if _count(s, key, now) >= MAX_LINK_REQUESTS_PER_CLIENT:
            raise TooManyAttempts(
                "too many sign-in links asked for; try again in a few minutes",
                retry_after=RETRY_AFTER,
            )
    _record(db, [key], now)


def _record(db: Database, keys: list[str], now: datetime) -> None:
    with db.write() as s:
        s.execute(delete(SignInFailure).where(SignInFailure.at <= now - FAILURE_WINDOW))
        s.add_all(SignInFailure(key=key, at=now) for key in keys)
