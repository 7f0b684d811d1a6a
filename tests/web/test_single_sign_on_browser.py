"""Single sign-on in Chromium: the sign-in page's button, the real provider's sign-in
form (oidc-provider under Node), back in the console with the mapped group's cases, and
signing out at the provider through its own confirmation page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from casedesk.config import Settings
from casedesk.services.identity import sso_providers
from casedesk.services.identity.sso_providers import GroupRuleIn, ProviderCreate
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.support.openid_provider import SECRET, OpenIdProvider, running_provider
from tests.web.conftest import LiveServer, _CurrentApp


@pytest.fixture(scope="module")
def browser_provider(
    _server: tuple[str, _CurrentApp], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OpenIdProvider]:
    """A provider sending browsers back to the live server of the browser tests."""
    with running_provider(tmp_path_factory.mktemp("browser-provider"), _server[0]) as provider:
        yield provider


@pytest.fixture
def settings(settings: Settings, _server: tuple[str, _CurrentApp]) -> Settings:
    return settings.model_copy(update={"public_url": _server[0]})


def test_an_agent_signs_in_and_out_through_the_provider_in_chromium(
    page: Page,
    live_server: LiveServer,
    db: Database,
    world: World,
    browser_provider: OpenIdProvider,
) -> None:
    sso_providers.create_provider(
        db,
        world.admin.principal,
        ProviderCreate(
            name="Staff ID",
            issuer=browser_provider.issuer,
            client_id="casedesk",
            client_secret=SECRET,
            scopes="openid email profile groups",
            group_rules=[GroupRuleIn(value="support", group_id=world.group_a)],
        ),
        live_server.settings.secret_key,
    )
    browser_provider.set_account(
        "hana-9", email="hana@acme.test", name="Hana Berg", groups=["support"]
    )
    make_case(db, world.agent_a, title="Seen through group A", group_id=world.group_a)
    make_case(db, world.agent_b, title="Hidden in group B", group_id=world.group_b)

    page.goto(f"{live_server.url}/console/sign-in")
    page.get_by_role("link", name="Sign in with Staff ID").click()
    page.get_by_label("Account").fill("hana-9")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/console")
    page.goto(f"{live_server.url}/console/cases")
    expect(page.get_by_text("Seen through group A")).to_be_visible()
    expect(page.get_by_text("Hidden in group B")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/console/sign-in")
    page.goto(f"{live_server.url}/console/cases")
    page.wait_for_url(f"{live_server.url}/console/sign-in*")
    # Signed out at the provider too: it asks for the account again.
    page.get_by_role("link", name="Sign in with Staff ID").click()
    expect(page.get_by_label("Account")).to_be_visible()
