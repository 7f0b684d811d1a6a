"""A passkey registered on the security page and used at the second sign-in step, in
Chromium with its virtual authenticator (the DevTools protocol's WebAuthn domain): the
real browser API, a real signature, checked by the server.

WebAuthn needs a host name, not an IP address, as the relying party, so the test opens
the server as ``localhost`` and sets ``CASEDESK_PUBLIC_URL`` to match."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import CDPSession, Page, expect

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database
from tests.factories import PASSWORD, World
from tests.web.conftest import _CurrentApp, sign_in_agent


@pytest.fixture
def base_url(settings: Settings, db: Database, _server: tuple[str, _CurrentApp]) -> Iterator[str]:
    url, current = _server
    local = url.replace("127.0.0.1", "localhost")
    current.app = create_app(settings.model_copy(update={"public_url": local}), db)
    try:
        yield local
    finally:
        current.app = None


def add_authenticator(page: Page) -> tuple[CDPSession, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def test_a_passkey_is_registered_and_signs_in(page: Page, base_url: str, world: World) -> None:
    cdp, authenticator = add_authenticator(page)
    sign_in_agent(page, base_url, world.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.goto(f"{base_url}/console/security")
    page.get_by_label("Name of the new passkey").fill("Laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("status").first).to_contain_text("Passkey added.")
    expect(page.get_by_text("Laptop")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1

    page.get_by_role("button", name="Sign out").click()
    sign_in_agent(page, base_url, world.agent_a.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm it is you")
    # Only a passkey is set up: no code field.
    expect(page.get_by_label("Code from your authenticator app, or a recovery code")).to_have_count(
        0
    )
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page).to_have_url(f"{base_url}/console")


def test_without_its_passkey_the_browser_stays_at_the_second_step(
    page: Page, base_url: str, world: World
) -> None:
    """The passkey is gone from the authenticator: nothing signs, the session stays held."""
    cdp, authenticator = add_authenticator(page)
    sign_in_agent(page, base_url, world.agent_a.email, PASSWORD)
    page.goto(f"{base_url}/console/security")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("status").first).to_contain_text("Passkey added.")
    page.get_by_role("button", name="Sign out").click()
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})

    sign_in_agent(page, base_url, world.agent_a.email, PASSWORD)
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("#passkey-status")).to_contain_text("No passkey was used")
    page.goto(f"{base_url}/console/cases")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm it is you")
