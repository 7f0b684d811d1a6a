"""Second factors of console users: an authenticator app (TOTP), single-use recovery
codes, and the corporation's rule that every console user must have a factor.

A TOTP secret is made on the user's security page and becomes a factor only when a
first code from the app confirms it; it is kept sealed (``sealing``). Each accepted code
moves the secret's ``last_step`` on, and no code of that time step or an earlier one is
accepted again, so a code seen over a shoulder or in a log cannot be replayed. Ten
recovery codes are made when the app is confirmed (and again on request, replacing the
old ones); they are shown once and kept as argon2 hashes, like passwords, and each works
once. Passkeys, the other kind of factor, are in ``passkeys``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, Forbidden, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.identity import auth
from casedesk.services.identity.sealing import seal, unseal
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Passkey, RecoveryCode, SecondFactorPolicy, TotpSecret, User

#: How many recovery codes a user gets at a time.
RECOVERY_CODES = 10
#: Time steps before and after the present one whose codes are accepted (clock drift).
DRIFT_STEPS = 1
ISSUER = "casedesk"


@dataclass(frozen=True, slots=True)
class TotpSetup:
    """A secret waiting for its first code: shown as text and as a QR code of ``uri``."""

    secret: str
    uri: str


@dataclass(frozen=True, slots=True)
class FactorStatus:
    totp: bool
    recovery_codes_left: int
    passkeys: list[tuple[int, str, datetime]]
    required: bool


def has_second_factor(s: Session, user_id: int) -> bool:
    """Whether the user has a confirmed authenticator app or a passkey."""
    app = exists().where(TotpSecret.user_id == user_id, TotpSecret.confirmed_at.is_not(None))
    key = exists().where(Passkey.user_id == user_id)
    return bool(s.scalar(select(app | key)))


def required_for(s: Session, corporation_id: int) -> bool:
    """Whether the corporation requires a second factor of its console users."""
    return bool(
        s.scalar(
            select(SecondFactorPolicy.required).where(
                SecondFactorPolicy.corporation_id == corporation_id
            )
        )
    )


def set_required(db: Database, actor: Principal, required: bool) -> None:
    """Require (or stop requiring) a second factor of the actor's corporation's users."""
    if not actor.is_admin:
        raise Forbidden("only admins change the sign-in rules")
    with db.write() as s:
        row = s.get(SecondFactorPolicy, actor.corporation_id)
        before = bool(row and row.required)
        if row is None:
            row = SecondFactorPolicy(corporation_id=actor.corporation_id, required=required)
            s.add(row)
        row.required = required
        s.flush()
        if before != required:
            audit.record(
                s,
                actor,
                actor.corporation_id,
                "corporation.second_factor_required",
                "corporation",
                actor.corporation_id,
                changes={"required": {"from": before, "to": required}},
            )


def status(db: Database, principal: Principal) -> FactorStatus:
    """What the user has set up, for their security page."""
    with db.read() as s:
        totp = s.get(TotpSecret, principal.user_id)
        left = s.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == principal.user_id, RecoveryCode.used_at.is_(None))
        )
        keys = s.execute(
            select(Passkey.id, Passkey.name, Passkey.created_at)
            .where(Passkey.user_id == principal.user_id)
            .order_by(Passkey.id)
        ).all()
        return FactorStatus(
            totp=totp is not None and totp.confirmed_at is not None,
            recovery_codes_left=left or 0,
            passkeys=[(k.id, k.name, k.created_at) for k in keys],
            required=required_for(s, principal.corporation_id),
        )


def start_totp(db: Database, principal: Principal, secret_key: str) -> TotpSetup:
    """A new secret for the user's app, not yet a factor (``confirm_totp``). While one
    is waiting, the same secret is shown again, so reloading the page keeps the QR code
    the app has already scanned."""
    with db.write() as s:
        user = s.get_one(User, principal.user_id)
        row = s.get(TotpSecret, user.id)
        if row is not None and row.confirmed_at is not None:
            raise Conflict("an authenticator app is already set up; remove it first")
        if row is None:
            row = TotpSecret(
                user_id=user.id, secret_encrypted=seal(secret_key, pyotp.random_base32())
            )
            s.add(row)
        secret = unseal(secret_key, row.secret_encrypted)
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
        return TotpSetup(secret, uri)


def confirm_totp(
    db: Database, principal: Principal, code: str, secret_key: str, *, now: datetime | None = None
) -> list[str]:
    """Make the waiting secret a factor once ``code`` is right for it; returns the new
    recovery codes (shown once)."""
    now = now or utcnow()
    with db.write() as s:
        row = s.get(TotpSecret, principal.user_id, with_for_update=True)
        if row is None or row.confirmed_at is not None:
            raise Conflict("there is no authenticator app waiting to be confirmed")
        step = _matching_step(unseal(secret_key, row.secret_encrypted), code, now, row.last_step)
        if step is None:
            raise ValidationFailed("that code is not right; try the one shown now", field="code")
        row.confirmed_at = now
        row.last_step = step
        codes = _new_recovery_codes(s, principal.user_id)
        audit.record(
            s, principal, principal.corporation_id, "user.totp_enabled", "user", principal.user_id
        )
        return codes


def remove_totp(db: Database, principal: Principal) -> None:
    """Remove the user's authenticator app (and, with no passkey left, the recovery
    codes: they are a way round a factor the user no longer has)."""
    with db.write() as s:
        s.execute(delete(TotpSecret).where(TotpSecret.user_id == principal.user_id))
        if not has_second_factor(s, principal.user_id):
            keep_one(s, principal)
            s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == principal.user_id))
        audit.record(
            s, principal, principal.corporation_id, "user.totp_removed", "user", principal.user_id
        )


def keep_one(s: Session, principal: Principal) -> None:
    """Refuse to remove a user's last factor while their corporation requires one."""
    if required_for(s, principal.corporation_id):
        raise Conflict("your organization requires a second factor: add another one first")


def regenerate_recovery_codes(db: Database, principal: Principal) -> list[str]:
    """New recovery codes in place of the old ones (used or not)."""
    with db.write() as s:
        if not has_second_factor(s, principal.user_id):
            raise Conflict("set up an authenticator app or a passkey first")
        codes = _new_recovery_codes(s, principal.user_id)
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "user.recovery_codes_created",
            "user",
            principal.user_id,
        )
        return codes


def use_code(s: Session, user_id: int, code: str, secret_key: str, now: datetime) -> str | None:
    """Spend ``code`` as the user's second factor, in the caller's write: ``"totp"`` or
    ``"recovery"`` for what it was, None when it is neither (or was used before)."""
    code = code.strip().replace(" ", "")
    if code.isdigit():
        row = s.get(TotpSecret, user_id, with_for_update=True)
        if row is None or row.confirmed_at is None:
            return None
        step = _matching_step(unseal(secret_key, row.secret_encrypted), code, now, row.last_step)
        if step is None:
            return None
        row.last_step = step
        return "totp"
    wanted = _normal_recovery(code)
    for stored in s.scalars(
        select(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        .with_for_update()
    ):
        if auth.verify_password(stored.code_hash, wanted):
            stored.used_at = now
            return "recovery"
    return None


def _matching_step(secret: str, code: str, now: datetime, last_step: int) -> int | None:
    """The time step near ``now`` whose code is ``code`` and that is later than
    ``last_step``; None if there is none."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    present = totp.timecode(now)
    for step in range(present - DRIFT_STEPS, present + DRIFT_STEPS + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normal_recovery(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "")


def _new_recovery_codes(s: Session, user_id: int) -> list[str]:
    s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    s.add_all(
        RecoveryCode(user_id=user_id, code_hash=auth.hash_password(_normal_recovery(code)))
        for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]
