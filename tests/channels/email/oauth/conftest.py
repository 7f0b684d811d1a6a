"""Fixtures of the OAuth2 mailbox tests: the authorization server (Authlib's, on
loopback) and a Dovecot that asks it about every token, shared by the package; a
console signed in as the admin; and the admin's way through the console to an
authorised mailbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.channels.email.poller import poll_all
from casedesk.config import Settings
from casedesk.services.identity.sealing import unseal
from casedesk.services.mail import mailbox_admin
from casedesk.services.mail.mailbox_admin import MailboxCreate
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import MailboxOAuth
from tests.channels.email.conftest import LIMITS
from tests.channels.email.oauth.servers import oauth_dovecot
from tests.channels.email.world import MailWorld
from tests.support import dovecot, oauth_server
from tests.support.oauth_server import CLIENT_ID, CLIENT_SECRET, OAuthServer
from tests.web.admin_client import Browser, redirected_to

CORPUS = Path(__file__).parent.parent / "corpus"
CALLBACK = "/console/admin/mailbox-oauth/callback"


@pytest.fixture(scope="package")
def oauth_module() -> Iterator[OAuthServer]:
    with oauth_server.run(access_life=300) as server:
        yield server


@pytest.fixture
def oauth(oauth_module: OAuthServer) -> OAuthServer:
    """The authorization server with its clock back in step with casedesk's, and a
    user of its own for this test (so a mailbox of its own at Dovecot)."""
    oauth_module.offset = 0.0
    oauth_module.user = f"u{uuid.uuid4().hex[:10]}"
    return oauth_module


@pytest.fixture(scope="package")
def imap(oauth_module: OAuthServer) -> Iterator[dovecot.ImapServer]:
    server = oauth_dovecot(oauth_module)
    try:
        yield server
    finally:
        dovecot.stop(server)


@pytest.fixture
def console(settings: Settings, db: Database, mail_world: MailWorld) -> Browser:
    return Browser(TestClient(create_app(settings, db)), mail_world.base.admin.email)


def now_of(oauth: OAuthServer) -> datetime:
    """The authorization server's clock, which the tests move."""
    return datetime.fromtimestamp(oauth.now(), UTC)


def authorised_mailbox(
    console: Browser,
    db: Database,
    world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
    smtp_url: str = "",
) -> int:
    """A mailbox set up and authorised through the console's pages, the way an admin
    does it: save the provider, press Authorise, consent at the provider, come back."""
    box = set_up_mailbox(console, db, world, settings, oauth, imap, smtp_url)
    answer = authorise(console, oauth, box)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(f"/console/admin/mailboxes/{box}")
    return box


def set_up_mailbox(
    console: Browser,
    db: Database,
    world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
    smtp_url: str = "",
    login: str = "",
) -> int:
    oauth.register(settings.link_base_url + CALLBACK)
    user = login or oauth.user
    box = mailbox_admin.create_mailbox(
        db,
        world.base.admin.principal,
        MailboxCreate(name="Office", imap_url=f"imap://{user}@127.0.0.1:{imap.port}/INBOX"),
    )
    redirected_to(
        console.post(
            f"/console/admin/mailbox-oauth/{box.id}",
            {
                "provider": "custom",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "authorize_url": oauth.endpoints["authorize_url"],
                "token_url": oauth.endpoints["token_url"],
                "scopes": "imap smtp offline_access",
                "smtp_url": smtp_url,
            },
        )
    )
    return box.id


def authorise(console: Browser, oauth: OAuthServer, box: int) -> httpx.Response:
    """Press Authorise, answer at the provider, follow it back: the callback's answer."""
    provider_page = redirected_to(console.post(f"/console/admin/mailbox-oauth/{box}/authorise", {}))
    assert provider_page.startswith(oauth.endpoints["authorize_url"])
    assert "code_challenge_method=S256" in provider_page
    consent = httpx.get(provider_page)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["location"])
    assert back.path == CALLBACK
    return console.get(f"{back.path}?{back.query}")


def poll(db: Database, blobs: LocalBlobStore, settings: Settings, now: datetime) -> int:
    return poll_all(db, blobs, LIMITS, now, secret_key=settings.secret_key)


def stored_access_token(db: Database, settings: Settings, box: int) -> str:
    with db.read() as s:
        sealed = s.get_one(MailboxOAuth, box).access_token_encrypted
    assert sealed is not None
    return unseal(settings.secret_key, sealed)
