"""Second factors through the console's pages over HTTP: enrolment on the security
page, the second step at sign-in, the admin's rule that forces enrolment, and every
page's markup."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.sign_in import MAX_FAILURES_PER_ACCOUNT
from casedesk.store.db import Database
from tests.factories import PASSWORD, World, make_world
from tests.web.console_support import agent_client, form_token
from tests.web.markup import markup_problems
from tests.web.test_sign_in import sign_in


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def enrol_by_pages(client: TestClient) -> tuple[pyotp.TOTP, list[str]]:
    """Set up an authenticator app on the security page; the app and recovery codes."""
    page = client.get("/console/security")
    assert page.status_code == 200
    setup = client.post("/console/security/totp", data={"csrf_token": form_token(page.text)})
    assert setup.status_code == 200 and "<svg" in setup.text
    assert markup_problems(setup.text) == []
    found = re.search(r'id="totp-secret">([A-Z2-7]+)<', setup.text)
    assert found
    app = pyotp.TOTP(found.group(1))
    wrong = client.post(
        "/console/security/totp/confirm",
        data={"csrf_token": form_token(setup.text), "code": "abc"},
    )
    assert wrong.status_code == 422 and "not right" in wrong.text
    done = client.post(
        "/console/security/totp/confirm",
        data={"csrf_token": form_token(setup.text), "code": app.now()},
    )
    assert done.status_code == 200
    assert markup_problems(done.text) == []
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.text)
    assert len(codes) == 10
    return app, codes


def second_step(client: TestClient, code: str, next_url: str = "") -> Response:
    page = client.get("/console/sign-in/second-step")
    return client.post(
        "/console/sign-in/second-step",
        data={"csrf_token": form_token(page.text), "code": code, "next": next_url},
        follow_redirects=False,
    )


def test_an_agent_sets_up_an_app_and_signs_in_with_a_code(
    settings: Settings, db: Database, world: World
) -> None:
    _, codes = enrol_by_pages(agent_client(settings, db, world.agent_a.email))

    browser = TestClient(create_app(settings, db))
    answer = sign_in(browser, world.agent_a.email, PASSWORD, "/console/cases?q=x")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == (  # type: ignore[attr-defined]
        "/console/sign-in/second-step?next=%2Fconsole%2Fcases%3Fq%3Dx"
    )
    # Nothing but the second step until it is taken.
    held = browser.get("/console/cases", follow_redirects=False)
    assert held.status_code == 303
    assert held.headers["location"].startswith("/console/sign-in/second-step")
    page = browser.get("/console/sign-in/second-step")
    assert page.status_code == 200 and markup_problems(page.text) == []

    assert second_step(browser, "000000").status_code == 401
    done = second_step(browser, codes[0], "/console/cases?q=x")
    assert done.status_code == 303 and done.headers["location"] == "/console/cases?q=x"
    assert browser.get("/console/cases").status_code == 200
    # A complete session has no second step to take.
    again = browser.get("/console/sign-in/second-step", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/console"


def test_a_required_factor_sends_an_agent_to_enrol_first(
    settings: Settings, db: Database, world: World
) -> None:
    admin = agent_client(settings, db, world.admin.email)
    rules = admin.get("/console/admin/sign-in")
    assert rules.status_code == 200 and markup_problems(rules.text) == []
    saved = admin.post(
        "/console/admin/sign-in",
        data={"csrf_token": form_token(rules.text), "require_second_factor": "1"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "checked" in admin.get("/console/admin/sign-in").text

    browser = TestClient(create_app(settings, db))
    answer = sign_in(browser, world.agent_a.email, PASSWORD, "/console/cases")
    assert answer.headers["location"] == "/console/security"  # type: ignore[attr-defined]
    for path in ("/console", "/console/cases", "/console/contacts"):
        held = browser.get(path, follow_redirects=False)
        assert held.status_code == 303 and held.headers["location"] == "/console/security"
    page = browser.get("/console/security")
    assert "requires a second factor" in page.text and markup_problems(page.text) == []

    enrol_by_pages(browser)
    assert browser.get("/console/cases").status_code == 200


def test_only_an_admin_sets_the_rule(settings: Settings, db: Database, world: World) -> None:
    agent = agent_client(settings, db, world.agent_a.email)
    token = form_token(agent.get("/console/cases").text)
    refused = agent.post(
        "/console/admin/sign-in", data={"csrf_token": token, "require_second_factor": "1"}
    )
    assert refused.status_code == 403
    browser = TestClient(create_app(settings, db))
    answer = sign_in(browser, world.agent_b.email, PASSWORD)
    assert answer.headers["location"] == "/console"  # type: ignore[attr-defined]


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    settings: Settings, db: Database, world: World
) -> None:
    app, _ = enrol_by_pages(agent_client(settings, db, world.agent_a.email))
    browser = TestClient(create_app(settings, db))
    sign_in(browser, world.agent_a.email, PASSWORD)
    wrong = f"{(int(app.now()) + 500_000) % 1_000_000:06d}"
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert second_step(browser, wrong).status_code == 401
    locked = second_step(browser, app.now())
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    # The password is locked on every face too.
    assert (
        sign_in(TestClient(create_app(settings, db)), world.agent_a.email, PASSWORD).status_code
        == 429
    )  # type: ignore[attr-defined]


def test_recovery_codes_are_made_again_on_the_security_page(
    settings: Settings, db: Database, world: World
) -> None:
    client = agent_client(settings, db, world.agent_a.email)
    _, old = enrol_by_pages(client)
    page = client.get("/console/security")
    assert "You have 10 unused recovery codes" in page.text
    made = client.post(
        "/console/security/recovery-codes", data={"csrf_token": form_token(page.text)}
    )
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", made.text)
    assert len(new) == 10 and not set(new) & set(old)

    browser = TestClient(create_app(settings, db))
    sign_in(browser, world.agent_a.email, PASSWORD)
    assert second_step(browser, old[0]).status_code == 401
    assert second_step(browser, new[0]).status_code == 303


def test_a_post_of_a_held_session_is_sent_to_its_step_before_its_form_is_read(
    settings: Settings, db: Database, world: World
) -> None:
    enrol_by_pages(agent_client(settings, db, world.agent_a.email))
    browser = TestClient(create_app(settings, db), follow_redirects=False)
    sign_in(browser, world.agent_a.email, PASSWORD)
    broken = {"Content-Type": "multipart/form-data; boundary=xyz"}
    for path in ("/console/filters", "/console/security/totp"):
        r = browser.post(path, content=b"--xyz\r\nbroken", headers=broken)
        assert r.status_code == 303, (path, r.text)
        assert r.headers["location"].startswith("/console/sign-in/second-step")
