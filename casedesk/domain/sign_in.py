"""Rules for signing in: how long browser sessions and links live, and when failed
attempts lock an account or a client out for a while. The limits hold for every check
of a password or a token, on every face (``services.credential_limits``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

#: A browser session ends after this long, signed out or not.
SESSION_LIFETIME = timedelta(hours=12)
#: An emailed sign-in link works once, within this time.
LINK_LIFETIME = timedelta(minutes=30)
#: Failed attempts are counted over this window.
FAILURE_WINDOW = timedelta(minutes=15)
#: Failures within the window after which an account is refused (guessing one password).
MAX_FAILURES_PER_ACCOUNT = 5
#: Failures within the window after which a client is refused (trying many accounts).
MAX_FAILURES_PER_CLIENT = 30
#: Sign-in links one client may ask for within the window, whatever the addresses.
MAX_LINK_REQUESTS_PER_CLIENT = 10


@dataclass(frozen=True, slots=True)
class Attempts:
    """Failures within the window, for the account tried and the client trying."""

    account: int
    client: int

    @property
    def throttled(self) -> bool:
        return self.account >= MAX_FAILURES_PER_ACCOUNT or self.client >= MAX_FAILURES_PER_CLIENT


def account_key(email: str) -> str:
    return "email:" + email.strip().lower()


def client_key(address: str) -> str:
    return "ip:" + address


def link_request_key(address: str) -> str:
    return "link:ip:" + address
