"""Agents' browser sign-in over HTTP: sessions, CSRF, rate limiting and signing out."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.sign_in import MAX_FAILURES_PER_ACCOUNT
from casedesk.store.db import Database
from tests.factories import PASSWORD, World, make_world


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver")


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str, next_url: str = "") -> object:
    token = form_token(client.get("/console/sign-in").text)
    return client.post(
        "/console/sign-in",
        data={"email": email, "password": password, "csrf_token": token, "next": next_url},
        follow_redirects=False,
    )


def test_a_page_of_the_console_sends_a_stranger_to_sign_in(client: TestClient) -> None:
    answer = client.get("/console?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?next=%2Fconsole%3Fx%3D1"


def test_an_agent_signs_in_and_out(client: TestClient, world: World) -> None:
    answer = sign_in(client, world.agent_a.email, PASSWORD, "/console")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    home = client.get("/console")
    assert home.status_code == 200
    assert "Sign out" in home.text
    assert "default-src 'self'" in home.headers["content-security-policy"]
    cookie = client.cookies.get("casedesk_session")
    assert cookie

    client.post("/console/sign-out", data={"csrf_token": form_token(home.text)})
    assert client.get("/console", follow_redirects=False).status_code == 303
    # The old cookie is dead on the server, not only forgotten by this browser.
    client.cookies.set("casedesk_session", cookie)
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused_with_the_form_again(client: TestClient, world: World) -> None:
    answer = sign_in(client, world.agent_a.email, "not the password")
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert "wrong email or password" in answer.text  # type: ignore[attr-defined]
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_sign_in_without_the_form_token_is_refused(client: TestClient, world: World) -> None:
    client.get("/console/sign-in")
    answer = client.post(
        "/console/sign-in",
        data={"email": world.agent_a.email, "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert client.cookies.get("casedesk_session") is None


def test_a_change_without_the_session_token_is_refused(client: TestClient, world: World) -> None:
    sign_in(client, world.agent_a.email, PASSWORD)
    assert client.post("/console/sign-out", data={}).status_code == 403
    assert client.post("/console/sign-out", headers={"X-CSRF-Token": "x"}).status_code == 403
    # Still signed in: the forged sign-out did nothing.
    assert client.get("/console").status_code == 200


def test_repeated_failures_lock_the_account_for_a_while(client: TestClient, world: World) -> None:
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert sign_in(client, world.agent_a.email, "wrong").status_code == 401  # type: ignore[attr-defined]
    # Now even the right password is refused, so guessing on cannot succeed.
    locked = sign_in(client, world.agent_a.email, PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "too many failed sign-ins" in locked.text  # type: ignore[attr-defined]
    # Another account from elsewhere is not affected.
    assert sign_in(TestClient(client.app), world.agent_b.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_after_sign_in_the_browser_goes_only_to_a_console_page(
    client: TestClient, world: World
) -> None:
    answer = sign_in(client, world.agent_a.email, PASSWORD, "//evil.example/console")
    assert answer.headers["location"] == "/console"  # type: ignore[attr-defined]


def test_errors_on_web_pages_are_pages_and_the_api_keeps_problem_json(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.agent_a.email, PASSWORD)
    page = client.get("/console/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/no-such-thing")
    assert api.headers["content-type"] == "application/problem+json"
