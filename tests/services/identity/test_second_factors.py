"""Second factors in the identity context: an authenticator app confirmed by a first
code, replay of a code refused, single-use recovery codes, and wrong codes counted by
the one brute-force limit. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from casedesk.domain.errors import Conflict, TooManyAttempts, Unauthenticated, ValidationFailed
from casedesk.domain.sign_in import MAX_FAILURES_PER_ACCOUNT
from casedesk.services.identity import second_factors, second_step, web_sessions
from casedesk.store.db import Database
from casedesk.store.models import RecoveryCode, TotpSecret, WebSession
from tests.factories import PASSWORD, World, make_world

KEY = "test-secret-key"
URL = "http://localhost:8000"
NOW = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)
CLIENT = "192.0.2.7"


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def enrol(db: Database, world: World) -> tuple[pyotp.TOTP, list[str]]:
    setup = second_factors.start_totp(db, world.agent_a.principal, KEY)
    app = pyotp.TOTP(setup.secret)
    codes = second_factors.confirm_totp(db, world.agent_a.principal, app.at(NOW), KEY, now=NOW)
    return app, codes


def password_step(db: Database, world: World, now: datetime) -> str:
    signed_in = web_sessions.sign_in_agent(db, world.agent_a.email, PASSWORD, CLIENT, now=now)
    assert signed_in.pending == "verify"
    return signed_in.token


def second(db: Database, token: str, code: str, now: datetime) -> None:
    second_step.complete(db, token, CLIENT, secret_key=KEY, public_url=URL, code=code, now=now)


def test_an_app_becomes_a_factor_only_once_a_first_code_confirms_it(
    db: Database, world: World
) -> None:
    principal = world.agent_a.principal
    setup = second_factors.start_totp(db, principal, KEY)
    assert setup.uri.startswith("otpauth://totp/") and setup.secret in setup.uri
    # Shown again while waiting: the app that scanned it stays right.
    assert second_factors.start_totp(db, principal, KEY).secret == setup.secret
    with db.read() as s:
        assert not second_factors.has_second_factor(s, principal.user_id)
        stored = s.get_one(TotpSecret, principal.user_id).secret_encrypted
    assert setup.secret not in stored  # sealed at rest

    with pytest.raises(ValidationFailed):
        second_factors.confirm_totp(db, principal, "000000", KEY, now=NOW)
    codes = second_factors.confirm_totp(
        db, principal, pyotp.TOTP(setup.secret).at(NOW), KEY, now=NOW
    )
    assert len(codes) == 10 and len(set(codes)) == 10
    with db.read() as s:
        assert second_factors.has_second_factor(s, principal.user_id)
        hashes = list(s.scalars(select(RecoveryCode.code_hash)))
    assert len(hashes) == 10 and all(h.startswith("$argon2") for h in hashes)
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)


def test_a_password_alone_leaves_the_session_waiting_for_the_code(
    db: Database, world: World
) -> None:
    app, _ = enrol(db, world)
    later = NOW + timedelta(minutes=5)
    token = password_step(db, world, later)
    with pytest.raises(web_sessions.SecondStepPending):
        web_sessions.agent_session(db, token, now=later)
    second(db, token, app.at(later), later)
    assert web_sessions.agent_session(db, token, now=later).principal.user_id == (
        world.agent_a.user_id
    )


def test_a_code_is_accepted_once(db: Database, world: World) -> None:
    app, _ = enrol(db, world)
    later = NOW + timedelta(minutes=5)
    code = app.at(later)
    second(db, password_step(db, world, later), code, later)

    again = password_step(db, world, later + timedelta(seconds=5))
    with pytest.raises(Unauthenticated):
        second(db, again, code, later + timedelta(seconds=5))
    # The code of the confirming step is spent too.
    with pytest.raises(Unauthenticated):
        second(db, again, app.at(NOW), later + timedelta(seconds=5))
    # The next time step's code works.
    next_step = later + timedelta(seconds=30)
    second(db, again, app.at(next_step), next_step)


def test_a_recovery_code_signs_in_once(db: Database, world: World) -> None:
    _, codes = enrol(db, world)
    token = password_step(db, world, NOW)
    second(db, token, codes[3].upper(), NOW)
    assert web_sessions.agent_session(db, token, now=NOW).pending is None

    again = password_step(db, world, NOW)
    with pytest.raises(Unauthenticated):
        second(db, again, codes[3], NOW)
    status = second_factors.status(db, world.agent_a.principal)
    assert status.recovery_codes_left == 9


def test_new_recovery_codes_replace_the_old_ones(db: Database, world: World) -> None:
    _, old = enrol(db, world)
    new = second_factors.regenerate_recovery_codes(db, world.agent_a.principal)
    token = password_step(db, world, NOW)
    with pytest.raises(Unauthenticated):
        second(db, token, old[0], NOW)
    second(db, token, new[0], NOW)


def test_wrong_codes_count_against_the_account(db: Database, world: World) -> None:
    app, _ = enrol(db, world)
    token = password_step(db, world, NOW)
    wrong = f"{(int(app.at(NOW)) + 1) % 1_000_000:06d}"
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(Unauthenticated):
            second(db, token, wrong, NOW)
    # Past the limit even the right code is refused, and so is the password.
    with pytest.raises(TooManyAttempts):
        second(db, token, app.at(NOW + timedelta(seconds=30)), NOW + timedelta(seconds=30))
    with pytest.raises(TooManyAttempts):
        web_sessions.sign_in_agent(db, world.agent_a.email, PASSWORD, CLIENT, now=NOW)
    with db.read() as s:
        assert s.scalars(select(WebSession.pending)).all() == ["verify"]


def test_a_required_factor_holds_a_user_without_one_at_enrolment(
    db: Database, world: World
) -> None:
    second_factors.set_required(db, world.admin.principal, True)
    signed_in = web_sessions.sign_in_agent(db, world.agent_a.email, PASSWORD, CLIENT, now=NOW)
    assert signed_in.pending == "enrol"
    with pytest.raises(web_sessions.SecondStepPending):
        web_sessions.agent_session(db, signed_in.token, now=NOW)
    assert not second_step.finish_enrolment(db, signed_in.token, now=NOW)

    enrol(db, world)
    assert second_step.finish_enrolment(db, signed_in.token, now=NOW)
    session = web_sessions.agent_session(db, signed_in.token, now=NOW)
    assert session.principal.user_id == world.agent_a.user_id


def test_the_last_factor_stays_while_one_is_required(db: Database, world: World) -> None:
    enrol(db, world)
    second_factors.set_required(db, world.admin.principal, True)
    with pytest.raises(Conflict):
        second_factors.remove_totp(db, world.agent_a.principal)
    assert second_factors.status(db, world.agent_a.principal).totp

    second_factors.set_required(db, world.admin.principal, False)
    second_factors.remove_totp(db, world.agent_a.principal)
    status = second_factors.status(db, world.agent_a.principal)
    assert not status.totp and status.recovery_codes_left == 0
    signed_in = web_sessions.sign_in_agent(db, world.agent_a.email, PASSWORD, CLIENT, now=NOW)
    assert signed_in.pending is None
