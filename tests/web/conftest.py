"""The web pages under test: the app served by uvicorn on a loopback port
(``casedesk.server.serving``), and a real headless Chromium (Debian's ``chromium``)
driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.server import serving
from casedesk.store.db import Database
from tests.factories import World, make_world
from tests.support.browser import CHROMIUM, launch
from tests.web import admin_client


@dataclass
class LiveServer:
    url: str
    db: Database
    settings: Settings


class _CurrentApp:
    """What the session's server answers with: the app of the test that runs."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("a request reached the test server between tests")
        await self.app(scope, receive, send)


@pytest.fixture(scope="session")
def _server() -> Iterator[tuple[str, _CurrentApp]]:
    """One uvicorn server for the session instead of one per test: stopping a server
    waits out uvicorn's ticks, some 0.2 s every time."""
    current = _CurrentApp()
    with serving(current) as url:
        yield url, current


@pytest.fixture
def live_server(
    settings: Settings, db: Database, _server: tuple[str, _CurrentApp]
) -> Iterator[LiveServer]:
    """The test's own app over its own database, served on the session's server."""
    url, current = _server
    current.app = create_app(settings, db)
    try:
        yield LiveServer(url, db, settings)
    finally:
        current.app = None


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: scripts/test installs it (apt-get)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch(playwright)
    yield browser
    browser.close()


#: How long a page may take to load, and an element to appear, before a test fails. A
#: navigation gets longer: on a busy machine (both stores' suites side by side) a page
#: load now and then takes several seconds.
ELEMENT_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 30_000
#: A test's own HTTP request to the live server waits as long as a navigation would
#: (httpx's default is 5 s).
REQUEST_TIMEOUT_S = NAVIGATION_TIMEOUT_MS / 1000
# Assertions wait as long as actions do (Playwright's own default for them is 5 s).
expect.set_options(timeout=ELEMENT_TIMEOUT_MS)


def fresh_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context of its own (no cookies shared), with the suite's timeouts."""
    context = browser.new_context(**({"viewport": {"width": 1280, "height": 900}} | options))
    context.set_default_timeout(ELEMENT_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies shared with other tests)."""
    context = fresh_context(browser)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def app_client(settings: Settings, db: Database) -> TestClient:
    """The app in process, without a server: for the pages' HTTP answers."""
    return TestClient(create_app(settings, db))


@pytest.fixture
def admin(app_client: TestClient, world: World) -> admin_client.Browser:
    """The world's administrator signed in to the console over ``app_client``."""
    return admin_client.Browser(app_client, world.admin.email)


def sign_in_agent(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/console/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
