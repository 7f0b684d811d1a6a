"""The second step of a console sign-in, and the end of a forced enrolment.

After the password, a user with a second factor holds a session that may do nothing
but this step (``web_sessions``): a code from the authenticator app, a recovery code, or
a passkey completes it. A wrong code or passkey counts against the account and the
client like a wrong password (``credential_limits``), so the six digits cannot be
guessed either; past the limit the step is refused for a while, right code or not.
"""

from __future__ import annotations

from datetime import datetime

from casedesk.domain.errors import Unauthenticated
from casedesk.services.identity import credential_limits, passkeys, second_factors
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.web_sessions import live_session
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import User


def complete(
    db: Database,
    session_token: str,
    client: str,
    *,
    secret_key: str,
    public_url: str,
    code: str = "",
    passkey: str = "",
    now: datetime | None = None,
) -> None:
    """Complete the session's second step with ``code`` or a ``passkey`` answer (JSON);
    ``Unauthenticated`` when it is wrong, ``TooManyAttempts`` past the limit."""
    now = now or utcnow()
    with db.read() as s:
        row = live_session(s, session_token, now)
        user = s.get(User, row.user_id) if row is not None and row.user_id else None
        if row is None or user is None or row.pending != "verify":
            raise Unauthenticated("please sign in")
        email = user.email
    credential_limits.check(db, email, client, now)
    with db.write() as s:
        row = live_session(s, session_token, now)
        if row is None or row.user_id is None or row.pending != "verify":
            raise Unauthenticated("please sign in")
        if passkey:
            method = "passkey" if passkeys.use_passkey(s, row, passkey, public_url, now) else None
        else:
            method = second_factors.use_code(s, row.user_id, code, secret_key, now)
        if method is not None:
            row.pending = None
            user = s.get_one(User, row.user_id)
            audit.record(
                s,
                principal_for(s, user),
                user.corporation_id,
                "user.second_factor_used",
                "user",
                user.id,
                changes={"method": {"from": None, "to": method}},
                at=now,
            )
            return
    credential_limits.record_failure(db, email, client, now)
    raise Unauthenticated(
        "that code is not right" if not passkey else "the passkey was not accepted"
    )


def finish_enrolment(db: Database, session_token: str, *, now: datetime | None = None) -> bool:
    """Let a session that had to set up a second factor go on once the user has one;
    whether it may now."""
    with db.write() as s:
        row = live_session(s, session_token, now or utcnow())
        if row is None or row.user_id is None:
            return False
        if row.pending == "enrol" and second_factors.has_second_factor(s, row.user_id):
            row.pending = None
        return row.pending is None
