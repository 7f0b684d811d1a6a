"""Single sign-on against a real OpenID provider (panva's oidc-provider under Node, on a
loopback port): the authorization-code flow with PKCE driven over HTTP like a browser
(the provider's sign-in form filled in), claims mapped to role and groups and mapped
again at the next sign-in, refusals (no group, tampered ID tokens, a foreign state),
the second factor, signing out at the provider, and password sign-in turned off."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterator

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.identity import second_factors, sso_providers
from casedesk.services.identity.sso_providers import (
    GroupRuleIn,
    PasswordSignIn,
    ProviderCreate,
)
from casedesk.services.reference import contacts
from casedesk.services.reference.contacts import ContactCreate
from casedesk.store.db import Database
from casedesk.store.models import Group, GroupMembership, User
from tests.factories import PASSWORD, World, make_case, make_world
from tests.support.openid_provider import (
    AFTER_SIGN_OUT,
    PUBLIC_URL,
    SECRET,
    TAMPERED,
    OpenIdProvider,
    local,
    openid_provider,
    visit_provider,
)
from tests.web.console_support import form_token
from tests.web.markup import markup_problems

__all__ = ["openid_provider"]


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_url": PUBLIC_URL})


@pytest.fixture
def idp_browser() -> Iterator[httpx.Client]:
    """The browser's side at the provider (its cookies there)."""
    with httpx.Client(timeout=30) as client:
        yield client


def add_provider(
    db: Database,
    world: World,
    idp: OpenIdProvider,
    client_id: str = "casedesk",
    *,
    mfa_counts: bool = False,
) -> int:
    created = sso_providers.create_provider(
        db,
        world.admin.principal,
        ProviderCreate(
            name="Test ID",
            issuer=idp.issuer,
            client_id=client_id,
            client_secret=SECRET,
            scopes="openid email profile groups",
            group_rules=[
                GroupRuleIn(value="support", group_id=world.group_a),
                GroupRuleIn(value="billing", group_id=world.group_b),
            ],
            admin_values=["casedesk-admins"],
            provider_mfa_counts=mfa_counts,
        ),
        "test-secret-key",
    )
    return created.id


def console(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url=PUBLIC_URL)


def sign_in_through(
    client: TestClient,
    idp_browser: httpx.Client,
    provider_id: int,
    account: str,
    *,
    mfa: bool = False,
) -> httpx.Response:
    """The whole flow: casedesk -> provider (its form) -> casedesk's callback."""
    start = client.get(f"/console/sign-in/oidc/{provider_id}", follow_redirects=False)
    assert start.status_code == 303, start.text
    back = visit_provider(idp_browser, start.headers["location"], account=account, mfa=mfa)
    return client.get(local(back), follow_redirects=False)


def user_row(db: Database, email: str) -> tuple[str, str, set[int]] | None:
    with db.read() as s:
        user = s.scalars(select(User).where(User.email == email)).one_or_none()
        if user is None:
            return None
        groups = set(
            s.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user.id))
        )
        return user.role, user.name, groups


def test_an_agent_signs_in_with_groups_from_claims_updated_at_the_next_sign_in(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    openid_provider.set_account(
        "carol-1", email="Carol@Acme.test", name="Carol Jones", groups=["support", "other"]
    )
    seen_a = make_case(db, world.agent_a, title="Case of group A", group_id=world.group_a)
    hidden_b = make_case(db, world.agent_b, title="Case of group B", group_id=world.group_b)
    client = console(app_settings, db)
    page = client.get("/console/sign-in")
    assert "Sign in with Test ID" in page.text
    assert markup_problems(page.text) == []

    done = sign_in_through(client, idp_browser, provider_id, "carol-1")
    assert done.status_code == 303 and done.headers["location"] == "/console"
    assert user_row(db, "carol@acme.test") == ("agent", "Carol Jones", {world.group_a})
    assert client.get(f"/console/cases/{seen_a.id}").status_code == 200
    assert client.get(f"/console/cases/{hidden_b.id}").status_code == 404

    # At the provider, Carol moves to billing and becomes an admin; a new sign-in (a
    # fresh casedesk browser, the provider's session still open) maps her again.
    openid_provider.set_account(
        "carol-1",
        email="carol@acme.test",
        name="Carol Smith",
        groups=["billing", "casedesk-admins"],
    )
    again = console(app_settings, db)
    done = sign_in_through(again, idp_browser, provider_id, "carol-1")
    assert done.status_code == 303
    assert user_row(db, "carol@acme.test") == ("admin", "Carol Smith", {world.group_b})
    assert again.get("/console/admin/users").status_code == 200


def test_an_existing_user_is_taken_over_by_email_and_keeps_their_tokens(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    openid_provider.set_account("bob-2", email="bob@acme.test", name="Bob", groups=["support"])
    client = console(app_settings, db)
    assert sign_in_through(client, idp_browser, provider_id, "bob-2").status_code == 303
    # Bob was in B only; the provider says support (A), and the provider decides.
    assert user_row(db, "bob@acme.test") == ("agent", "Bob", {world.group_a})
    api = console(app_settings, db)
    assert api.get("/api/v1/cases", headers=world.agent_b.headers).status_code == 200


def test_someone_who_maps_to_no_group_or_role_is_refused_with_a_page(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    openid_provider.set_account("dan-3", email="dan@acme.test", name="Dan", groups=["visitors"])
    client = console(app_settings, db)
    refused = sign_in_through(client, idp_browser, provider_id, "dan-3")
    assert refused.status_code == 403
    assert "no group and no role" in refused.text
    assert markup_problems(refused.text) == []
    assert user_row(db, "dan@acme.test") is None
    assert client.get("/console/cases", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("mode", TAMPERED)
def test_a_tampered_id_token_is_refused(
    mode: str,
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    """The provider's ID token altered between the parties: a changed signature, one
    made with another key, or a validly signed token for another audience, with
    another nonce or issuer, or expired. Each is refused and nobody is signed in."""
    provider_id = add_provider(db, world, openid_provider, f"tamper-{mode}")
    openid_provider.set_account("eve-4", email="eve@acme.test", name="Eve", groups=["support"])
    client = console(app_settings, db)
    refused = sign_in_through(client, idp_browser, provider_id, "eve-4")
    assert refused.status_code == 401, refused.text
    assert "ID token was refused" in refused.text
    assert user_row(db, "eve@acme.test") is None
    assert client.get("/console/cases", follow_redirects=False).status_code == 303


def test_an_answer_for_another_state_or_browser_is_refused(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    openid_provider.set_account("fay-5", email="fay@acme.test", name="Fay", groups=["support"])
    client = console(app_settings, db)
    start = client.get(f"/console/sign-in/oidc/{provider_id}", follow_redirects=False)
    back = local(visit_provider(idp_browser, start.headers["location"], account="fay-5"))
    forged = re.sub(r"state=[^&]+", "state=someone-elses-state", back)
    refused = client.get(forged, follow_redirects=False)
    assert refused.status_code == 401
    assert "does not belong to this sign-in" in refused.text
    # The right answer in another browser (no flow cookie) is refused too.
    elsewhere = console(app_settings, db)
    other = elsewhere.get(back, follow_redirects=False)
    assert other.status_code == 401 and "not started in this browser" in other.text
    assert user_row(db, "fay@acme.test") is None


def test_the_second_factor_still_applies_unless_the_providers_counts(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    plain = add_provider(db, world, openid_provider)
    openid_provider.set_account("alice-6", email="alice@acme.test", name="A", groups=["support"])
    secret = second_factors.start_totp(db, world.agent_a.principal, "test-secret-key").secret
    second_factors.confirm_totp(
        db, world.agent_a.principal, pyotp.TOTP(secret).now(), "test-secret-key"
    )
    client = console(app_settings, db)
    done = sign_in_through(client, idp_browser, plain, "alice-6", mfa=True)
    assert done.headers["location"] == "/console/sign-in/second-step"
    assert client.get("/console/cases", follow_redirects=False).status_code == 303

    # A provider whose multi-factor sign-in counts: with amr ["pwd", "otp"] no second
    # step; with a password alone at the provider, the step is still asked for.
    counting = sso_providers.update_provider(
        db,
        world.admin.principal,
        plain,
        sso_providers.ProviderPatch(provider_mfa_counts=True),
        "test-secret-key",
    )
    assert counting.provider_mfa_counts
    strong = console(app_settings, db)
    with httpx.Client(timeout=30) as fresh:
        done = sign_in_through(strong, fresh, plain, "alice-6", mfa=True)
    assert done.headers["location"] == "/console"
    assert strong.get("/console/cases").status_code == 200
    weak = console(app_settings, db)
    with httpx.Client(timeout=30) as fresh:
        done = sign_in_through(weak, fresh, plain, "alice-6", mfa=False)
    assert done.headers["location"] == "/console/sign-in/second-step"


def test_signing_out_ends_the_session_and_signs_out_at_the_provider(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    openid_provider.set_account("gus-7", email="gus@acme.test", name="Gus", groups=["support"])
    client = console(app_settings, db)
    assert sign_in_through(client, idp_browser, provider_id, "gus-7").status_code == 303
    page = client.get("/console")
    out = client.post(
        "/console/sign-out", data={"csrf_token": form_token(page.text)}, follow_redirects=False
    )
    # A page sends the browser on (the console's forms may post only to casedesk).
    assert out.status_code == 200 and markup_problems(out.text) == []
    link = re.search(r'id="end-session" href="([^"]+)"', out.text)
    assert link and f'content="0;url={link.group(1)}"' in out.text
    end_session = html.unescape(link.group(1))
    assert end_session.startswith(f"{openid_provider.issuer}/session/end?")
    assert "id_token_hint=" in end_session
    assert client.get("/console/cases", follow_redirects=False).status_code == 303
    # At the provider: its confirmation form, then back to casedesk's sign-in page.
    confirm = idp_browser.get(end_session)
    assert confirm.status_code == 200
    action = re.search(r'action="([^"]+)"', confirm.text)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm.text))
    assert action and fields
    done = idp_browser.post(
        httpx.URL(end_session).join(action.group(1)), data=fields | {"logout": "yes"}
    )
    while done.is_redirect and not done.headers["location"].startswith(PUBLIC_URL):
        done = idp_browser.get(httpx.URL(end_session).join(done.headers["location"]))
    assert done.headers["location"] == AFTER_SIGN_OUT
    # Signed out at the provider: the next sign-in asks for the account again.
    again = console(app_settings, db)
    start = again.get(f"/console/sign-in/oidc/{provider_id}", follow_redirects=False)
    asked = idp_browser.get(start.headers["location"], follow_redirects=True)
    assert 'name="login"' in asked.text


def test_password_sign_in_turned_off_leaves_the_providers_and_tokens(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    sso_providers.set_password_sign_in(db, world.admin.principal, PasswordSignIn(allowed=False))
    client = console(app_settings, db)
    page = client.get("/console/sign-in")
    assert "Sign in with Test ID" in page.text
    assert 'type="password"' not in page.text
    refused = client.post(
        "/console/sign-in",
        data={
            "email": "alice@acme.test",
            "password": PASSWORD,
            "csrf_token": client.cookies.get("casedesk_sign_in"),
        },
        follow_redirects=False,
    )
    assert refused.status_code == 401 and "single sign-on" in refused.text
    basic = base64.b64encode(f"alice@acme.test:{PASSWORD}".encode()).decode()
    by_basic = client.get("/api/v1/cases", headers={"Authorization": f"Basic {basic}"})
    assert by_basic.status_code == 401
    assert "single sign-on" in by_basic.json()["detail"]
    assert client.get("/api/v1/cases", headers=world.agent_a.headers).status_code == 200
    openid_provider.set_account("alice-8", email="alice@acme.test", name="A", groups=["support"])
    assert sign_in_through(client, idp_browser, provider_id, "alice-8").status_code == 303
    assert client.get("/console/cases").status_code == 200


def test_a_rule_naming_a_group_removed_since_maps_to_nothing(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    with db.write() as s:
        group = Group(corporation_id=world.corporation_id, name="QA")
        s.add(group)
        s.flush()
        qa = group.id
    provider_id = add_provider(db, world, openid_provider)
    sso_providers.update_provider(
        db,
        world.admin.principal,
        provider_id,
        sso_providers.ProviderPatch(group_rules=[GroupRuleIn(value="qa", group_id=qa)]),
        "test-secret-key",
    )
    with db.write() as s:
        s.execute(delete(Group).where(Group.id == qa))
    openid_provider.set_account("ivy-10", email="ivy@acme.test", name="Ivy", groups=["qa"])
    refused = sign_in_through(console(app_settings, db), idp_browser, provider_id, "ivy-10")
    assert refused.status_code == 403 and "no group and no role" in refused.text


def test_a_customer_contact_signs_in_to_the_portal_through_a_provider_of_contacts(
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    contact = contacts.create_contact(
        db,
        world.admin.principal,
        ContactCreate(first_name="Cleo", last_name="Client", emails=["cleo@client.test"]),
    )
    mine = make_case(db, world.agent_a, title="Cleo's printer", contact_id=contact.id)
    other = make_case(db, world.agent_a, title="Someone else's case")
    provider_id = sso_providers.create_provider(
        db,
        world.admin.principal,
        ProviderCreate(
            name="Customer ID",
            audience="contacts",
            issuer=openid_provider.issuer,
            client_id="casedesk",
            client_secret=SECRET,
        ),
        "test-secret-key",
    ).id
    client = console(app_settings, db)
    page = client.get("/portal/sign-in")
    assert "Sign in with Customer ID" in page.text and markup_problems(page.text) == []
    assert "Sign in with Customer ID" not in client.get("/console/sign-in").text
    # A provider of contacts does not sign anyone in to the console, nor the reverse.
    assert client.get(f"/console/sign-in/oidc/{provider_id}").status_code == 404

    openid_provider.set_account("cleo-11", email="cleo@client.test", name="Cleo")
    start = client.get(f"/portal/sign-in/oidc/{provider_id}", follow_redirects=False)
    back = visit_provider(idp_browser, start.headers["location"], account="cleo-11")
    done = client.get(local(back), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/portal"
    assert client.get(f"/portal/cases/{mine.id}").status_code == 200
    assert client.get(f"/portal/cases/{other.id}").status_code == 404
    assert client.get("/console/cases", follow_redirects=False).status_code == 303
    assert user_row(db, "cleo@client.test") is None

    # Someone the helpdesk does not know is refused, and no contact is made.
    openid_provider.set_account("zed-12", email="zed@client.test", name="Zed")
    stranger = console(app_settings, db)
    start = stranger.get(f"/portal/sign-in/oidc/{provider_id}", follow_redirects=False)
    with httpx.Client(timeout=30) as fresh:
        back = visit_provider(fresh, start.headers["location"], account="zed-12")
    refused = stranger.get(local(back), follow_redirects=False)
    assert refused.status_code == 403 and "no customer account" in refused.text


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [("/console/cases?q=printer", "/console/cases?q=printer"), ("//evil.example/", "/console")],
)
def test_the_sign_in_goes_on_to_the_page_asked_for_within_the_console(
    next_url: str,
    landing: str,
    app_settings: Settings,
    db: Database,
    world: World,
    openid_provider: OpenIdProvider,
    idp_browser: httpx.Client,
) -> None:
    provider_id = add_provider(db, world, openid_provider)
    openid_provider.set_account("jo-13", email="jo@acme.test", name="Jo", groups=["support"])
    client = console(app_settings, db)
    start = client.get(
        f"/console/sign-in/oidc/{provider_id}", params={"next": next_url}, follow_redirects=False
    )
    back = visit_provider(idp_browser, start.headers["location"], account="jo-13")
    done = client.get(local(back), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == landing
