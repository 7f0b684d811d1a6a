"""Every check of a credential goes through here, whatever the face: a password (HTTP
Basic, the Track-It! token grant) or a bearer token (the API, the dialects, ITFlow's
``api_key``).

A password is checked against the brute-force limit first (``credential_limits``), so
an account or client locked out on one face is locked out on every face, and a wrong
one counts against both. An unknown token counts against its client; once the client
is past the limit it is told so (429) instead of 401. A valid token is then held to its
rate quota (``rate_limits``), which refuses with ``RateLimited``. A user with a second
factor is refused by password here even when it is right (``TokensOnly``): a password
alone would otherwise get round the second factor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from casedesk.domain.errors import DomainError, RateLimited, TooManyAttempts, Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.domain.rate_limits import RateState
from casedesk.services.identity import auth, credential_limits, second_factors, sso_providers
from casedesk.services.identity.auth import TokenCaller
from casedesk.services.identity.rate_limits import TokenRateLimiter
from casedesk.store.db import Database

#: Now, as a Unix time in seconds.
Clock = Callable[[], float]


class Credentials:
    """The credential checks of one server process (module docstring)."""

    def __init__(
        self,
        db: Database,
        *,
        requests_per_minute: int,
        flush_seconds: float = 1.0,
        clock: Clock = time.time,
    ) -> None:
        self.db = db
        self.clock = clock
        self.rates = TokenRateLimiter(
            db, requests_per_minute, flush_seconds=flush_seconds, clock=clock
        )

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # ----------------------------------------------------------------- passwords

    def password(self, email: str, password: str, client: str) -> Principal:
        """The user with this email and password; ``TooManyAttempts`` while the
        account or the client is locked out, right password or not."""
        now = self.now()
        account = email.strip().lower()
        credential_limits.check(self.db, account, client, now)
        try:
            principal = auth.authenticate_password(self.db, account, password)
        except Unauthenticated:
            credential_limits.record_failure(self.db, account, client, now)
            raise
        with self.db.read() as s:
            if not sso_providers.password_allowed(s, principal.corporation_id):
                raise TokensOnly(
                    "this organization signs in through single sign-on: sign in to the API "
                    "with an API token, not a password"
                )
            if second_factors.has_second_factor(s, principal.user_id):
                raise TokensOnly(
                    "this account has a second factor: sign in to the API with an API token, "
                    "not a password"
                )
        return principal

    # -------------------------------------------------------------------- tokens

    def token(self, token: str, client: str) -> tuple[Principal, RateState | None]:
        """The caller behind a bearer token, and its place in its rate window."""
        try:
            with self.db.read() as s:
                caller = auth.token_caller_in(s, token, now=self.now())
        except Unauthenticated as exc:
            raise self.token_refused(exc, client) from None
        return caller.principal, self.meter(caller, client)

    def token_in(
        self, s: Session, token: str, client: str = ""
    ) -> tuple[Principal, RateState | None]:
        """``token`` in a read the caller owns; an unknown token raises
        ``Unauthenticated`` uncounted (the caller hands it to ``token_refused``)."""
        caller = auth.token_caller_in(s, token, now=self.now())
        return caller.principal, self.meter(caller, client)

    def tokens(self, tokens: Collection[str]) -> dict[str, TokenCaller | DomainError]:
        """``token`` for several tokens in one read (a batch of creates), unmetered."""
        return auth.token_callers(self.db, tokens, now=self.now())

    def meter(self, caller: TokenCaller, client: str = "") -> RateState | None:
        """Count a request of the caller's token, and note when and from where it was
        used (written with the next flush of the counts, at most once a minute);
        ``RateLimited`` past its quota."""
        self.rates.touch(caller.token_id, client)
        state = self.rates.hit(caller.token_id, caller.rate_limit)
        if state is not None and not state.allowed:
            raise RateLimitExceeded(state)
        return state

    def token_refused(self, exc: Unauthenticated, client: str) -> DomainError:
        """What to answer a token that is not valid: counted against the client, and
        ``TooManyAttempts`` once the client is past the limit."""
        now = self.now()
        try:
            credential_limits.check(self.db, None, client, now)
        except TooManyAttempts as refused:
            return refused
        credential_limits.record_failure(self.db, None, client, now)
        return exc


class TokensOnly(Unauthenticated):
    """A right password of a user with a second factor: a password alone does not
    sign them in anywhere but the console's two steps, so the API wants a token."""


class RateLimitExceeded(RateLimited):
    """``RateLimited`` with the state of the window that refused it."""

    def __init__(self, state: RateState) -> None:
        super().__init__(
            f"this token may make {state.limit} requests a minute; try again in "
            f"{state.reset} seconds",
            retry_after=state.reset,
        )
        self.state = state
