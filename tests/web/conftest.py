"""The web pages under test: the app served by uvicorn on a loopback port
(``casedesk.server.serving``), and a real headless Chromium (Debian's ``chromium``)
driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.server import serving
from casedesk.store.db import Database
from tests.factories import World, make_world
from tests.support.browser import CHROMIUM, launch


@dataclass
class LiveServer:
    url: str
    db: Database
    settings: Settings


@pytest.fixture
def live_server(settings: Settings, db: Database) -> Iterator[LiveServer]:
    with serving(create_app(settings, db)) as url:
        yield LiveServer(url, db, settings)


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


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies shared with other tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def sign_in_agent(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/console/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
