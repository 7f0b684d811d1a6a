"""The OAuth2 part of a mailbox's page: presets fill in the provider's endpoints, a
custom provider needs https endpoints, the client secret is never shown, other
corporations' mailboxes and agents stay out, and the page passes the markup checks in
each of its states."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.mail_oauth import MICROSOFT
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.mail import mailbox_admin, mailbox_oauth, mailbox_tokens
from casedesk.services.mail.mailbox_admin import MailboxCreate
from casedesk.store.db import Database
from casedesk.store.models import MailboxOAuth
from tests.factories import World, make_actor
from tests.web.admin_client import Browser, notice_of, redirected_to
from tests.web.markup import markup_problems

SECRET = "client-secret-never-shown"


def _mailbox(db: Database, world: World) -> int:
    return mailbox_admin.create_mailbox(
        db,
        world.admin.principal,
        MailboxCreate(name="Office", imap_url="imaps://help@outlook.office365.com/INBOX"),
    ).id


def test_a_preset_fills_in_the_provider_and_the_secret_stays_hidden(
    admin: Browser, db: Database, world: World
) -> None:
    box = _mailbox(db, world)
    page = admin.get(f"/console/admin/mailboxes/{box}")
    assert markup_problems(page.text) == []
    assert "signs in with a password" in page.text

    redirected_to(
        admin.post(
            f"/console/admin/mailbox-oauth/{box}",
            {"provider": "microsoft", "client_id": "app-id", "client_secret": SECRET},
        )
    )
    oauth = mailbox_oauth.oauth_of(db, world.admin.principal, box)
    assert oauth is not None
    assert (oauth.authorize_url, oauth.token_url, oauth.scopes) == (
        MICROSOFT.authorize_url,
        MICROSOFT.token_url,
        MICROSOFT.scopes,
    )
    assert "offline_access" in oauth.scopes and "SMTP.Send" in oauth.scopes
    assert oauth.has_client_secret and oauth.needs_authorisation
    page = admin.get(f"/console/admin/mailboxes/{box}")
    assert markup_problems(page.text) == []
    assert "Not authorised yet." in page.text and SECRET not in page.text
    listing = admin.get("/console/admin/mailboxes").text
    assert "OAuth2" in listing and "needs authorisation" in listing

    mailbox_tokens.refused(db, box, "the IMAP server refused the access token", datetime.now(UTC))
    page = admin.get(f"/console/admin/mailboxes/{box}")
    assert markup_problems(page.text) == []
    assert "the IMAP server refused the access token" in page.text


def test_a_custom_provider_needs_https_endpoints_and_scopes(
    admin: Browser, db: Database, world: World
) -> None:
    box = _mailbox(db, world)
    base = {"provider": "custom", "client_id": "app", "scopes": "mail offline"}
    plain = admin.post(
        f"/console/admin/mailbox-oauth/{box}",
        base
        | {"authorize_url": "http://idp.example/authorize", "token_url": "https://idp.example/t"},
    )
    assert plain.status_code == 422
    assert "https://" in notice_of(plain)
    no_scopes = admin.post(
        f"/console/admin/mailbox-oauth/{box}",
        base
        | {
            "scopes": "",
            "authorize_url": "https://idp.example/authorize",
            "token_url": "https://idp.example/token",
        },
    )
    assert no_scopes.status_code == 422
    assert mailbox_oauth.oauth_of(db, world.admin.principal, box) is None


def test_other_corporations_and_agents_cannot_touch_a_mailboxs_sign_in(
    settings: Settings, admin: Browser, db: Database, world: World
) -> None:
    box = _mailbox(db, world)
    with db.write() as s:
        corp_id = create_corporation(s, "Globex", "GX-").id
    make_actor(db, "admin@globex.test", "admin", [], corp_id)
    stranger = Browser(TestClient(create_app(settings, db)), "admin@globex.test")
    form = {"provider": "google", "client_id": "theirs"}
    assert stranger.post(f"/console/admin/mailbox-oauth/{box}", form).status_code == 404
    assert stranger.post(f"/console/admin/mailbox-oauth/{box}/authorise", {}).status_code == 404
    agent = Browser(TestClient(create_app(settings, db)), world.agent_a.email)
    assert agent.post(f"/console/admin/mailbox-oauth/{box}", form).status_code == 403
    assert mailbox_oauth.oauth_of(db, world.admin.principal, box) is None


def test_deleting_a_mailbox_deletes_its_sign_in_and_tokens(
    admin: Browser, db: Database, world: World
) -> None:
    box = _mailbox(db, world)
    form = {"provider": "google", "client_id": "app-id", "client_secret": SECRET}
    redirected_to(admin.post(f"/console/admin/mailbox-oauth/{box}", form))
    redirected_to(admin.post(f"/console/admin/mailboxes/{box}/delete", {}))
    with db.read() as s:
        assert s.scalars(select(MailboxOAuth)).all() == []
