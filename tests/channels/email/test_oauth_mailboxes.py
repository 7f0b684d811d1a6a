"""OAuth2 mailboxes end to end: an admin authorises the mailbox in the console against
a real authorization server (Authlib's, on loopback), the poller reads it over IMAP by
XOAUTH2 through Dovecot's OAuth2 passdb, an expired or refused access token is replaced
by a refreshed one, a withdrawn consent shows on the mailbox page, and replies go out
over SMTP signed in by XOAUTH2."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.api.app import create_app
from casedesk.channels.email.delivery import deliver_outbox
from casedesk.channels.email.poller import poll_all
from casedesk.config import Settings
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.identity.sealing import unseal
from casedesk.services.mail import mailbox_admin
from casedesk.services.mail.mailbox_admin import MailboxCreate
from casedesk.services.mail.mailbox_tokens import NotAuthorised, access_token
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case, MailboxOAuth
from tests.channels.email.conftest import LIMITS
from tests.channels.email.oauth_servers import bearer_smtp, drop_mail, oauth_dovecot
from tests.channels.email.world import MailWorld
from tests.support import dovecot, oauth_server
from tests.support.oauth_server import CLIENT_ID, CLIENT_SECRET, OAuthServer
from tests.web.admin_client import Browser, redirected_to

CORPUS = Path(__file__).parent / "corpus"
CALLBACK = "/console/admin/mailbox-oauth/callback"


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
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


def test_the_console_authorises_a_mailbox_and_keeps_its_refresh_token_encrypted(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    with db.read() as s:
        row = s.get_one(MailboxOAuth, box)
        sealed = row.refresh_token_encrypted
        assert sealed is not None and row.client_secret_encrypted is not None
        stored = unseal(settings.secret_key, sealed)
        assert not row.needs_authorisation
    issued = oauth.find(refresh_token=stored)
    assert issued is not None and issued.user == oauth.user
    assert stored not in sealed and CLIENT_SECRET not in (row.client_secret_encrypted or "")
    page = console.get(f"/console/admin/mailboxes/{box}").text
    assert "Authorised" in page
    assert stored not in page and CLIENT_SECRET not in page
    assert settings.link_base_url + CALLBACK in page


def test_a_callback_with_an_unknown_state_is_refused_and_changes_nothing(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    with db.read() as s:
        before = s.get_one(MailboxOAuth, box).refresh_token_encrypted
    answer = console.get(f"{CALLBACK}?state=forged&code=whatever")
    assert answer.status_code == 422
    with db.read() as s:
        assert s.get_one(MailboxOAuth, box).refresh_token_encrypted == before


def test_the_poller_reads_the_mailbox_by_xoauth2_and_refreshes_the_token_after_expiry(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    blobs: LocalBlobStore,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    first = _access_token(db, settings, box)
    drop_mail(imap, oauth.user, (CORPUS / "01_plain_text_new.eml").read_bytes())
    assert poll(db, blobs, settings, now_of(oauth)) == 1
    assert (first, True) in oauth.seen.introspected
    with db.read() as s:
        assert s.scalars(select(Case).where(Case.origin == "email")).first() is not None

    # The access token runs out (the server's clock and casedesk's move on together).
    refreshes = oauth.seen.grants.count("refresh_token:200")
    oauth.advance(400)
    drop_mail(imap, oauth.user, (CORPUS / "32_attachment_pdf.eml").read_bytes())
    assert poll(db, blobs, settings, now_of(oauth)) == 1
    oauth.seen.wait_for(lambda: oauth.seen.grants.count("refresh_token:200") == refreshes + 1)
    second = _access_token(db, settings, box)
    assert second != first
    assert (second, True) in oauth.seen.introspected


def test_a_token_the_server_refuses_is_refreshed_once_and_used(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    blobs: LocalBlobStore,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    first = _access_token(db, settings, box)
    casedesk_now = now_of(oauth)
    oauth.advance(400)  # expired at the provider, not yet by casedesk's clock
    drop_mail(imap, oauth.user, (CORPUS / "01_plain_text_new.eml").read_bytes())
    assert poll(db, blobs, settings, casedesk_now) == 1
    assert (first, False) in oauth.seen.introspected
    second = _access_token(db, settings, box)
    assert second != first and (second, True) in oauth.seen.introspected


def test_a_refresh_token_rotated_meanwhile_by_another_process_is_no_reason_to_reauthorise(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    theirs: list[str] = []

    def other_process() -> None:  # refreshes with the same refresh token, and wins
        theirs.append(access_token(db, box, settings.secret_key, now_of(oauth), fresh=True))

    oauth.before_refresh = other_process
    mine = access_token(db, box, settings.secret_key, now_of(oauth), fresh=True)
    assert oauth.seen.grants[-2:] == ["refresh_token:200", "refresh_token:400"]
    assert mine == theirs[0] == _access_token(db, settings, box)
    with db.read() as s:
        assert not s.get_one(MailboxOAuth, box).needs_authorisation


def test_tokens_sealed_under_another_secret_key_ask_for_a_new_authorisation(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    with pytest.raises(NotAuthorised):
        access_token(db, box, "another-secret-key", now_of(oauth))
    with db.read() as s:
        row = s.get_one(MailboxOAuth, box)
        assert row.needs_authorisation and "CASEDESK_SECRET_KEY" in row.problem


def test_a_server_refusing_even_a_fresh_token_marks_the_mailbox(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    blobs: LocalBlobStore,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    # The admin consented as another user than the mailbox signs in as.
    box = set_up_mailbox(console, db, mail_world, settings, oauth, imap, login="someone-else")
    assert authorise(console, oauth, box).status_code == 303
    refreshes = oauth.seen.grants.count("refresh_token:200")
    assert poll(db, blobs, settings, now_of(oauth)) == 0
    assert oauth.seen.grants.count("refresh_token:200") == refreshes + 1  # one more try
    with db.read() as s:
        row = s.get_one(MailboxOAuth, box)
        assert row.needs_authorisation and row.access_token_encrypted is None
    page = console.get(f"/console/admin/mailboxes/{box}").text
    assert "Needs to be authorised again." in page
    assert "the IMAP server refused the access token" in page


def test_a_withdrawn_consent_marks_the_mailbox_and_shows_on_its_page(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    blobs: LocalBlobStore,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = authorised_mailbox(console, db, mail_world, settings, oauth, imap)
    oauth.revoke_all()
    drop_mail(imap, oauth.user, (CORPUS / "01_plain_text_new.eml").read_bytes())
    assert poll(db, blobs, settings, now_of(oauth)) == 0
    assert oauth.seen.grants[-1] == "refresh_token:400"
    with db.read() as s:
        row = s.get_one(MailboxOAuth, box)
        assert row.needs_authorisation
        assert "refused the refresh token" in row.problem
    page = console.get(f"/console/admin/mailboxes/{box}").text
    assert "Needs to be authorised again." in page
    assert "refused the refresh token" in page

    # Until someone authorises it again, the provider is not asked again.
    asked = len(oauth.seen.grants)
    assert poll(db, blobs, settings, now_of(oauth)) == 0
    assert len(oauth.seen.grants) == asked


def test_a_reply_goes_out_over_smtp_signed_in_by_xoauth2(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    blobs: LocalBlobStore,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    with bearer_smtp(oauth, oauth.user) as (smtp, handler):
        box = authorised_mailbox(console, db, mail_world, settings, oauth, imap, smtp.url)
        drop_mail(imap, oauth.user, (CORPUS / "01_plain_text_new.eml").read_bytes())
        assert poll(db, blobs, settings, now_of(oauth)) == 1
        deliver_outbox(
            db, None, now_of(oauth), default_from="x@y.example", secret_key=settings.secret_key
        )
        with db.read() as s:
            case = s.scalars(select(Case).where(Case.origin == "email")).one()
        before = len(smtp.inbox.mails)
        agent = mail_world.base.admin.principal
        messages.add_message(db, agent, case.id, MessageCreate(body_text="Tray 2, please."))
        oauth.advance(400)  # the reply needs a refreshed token
        deliver_outbox(
            db, None, now_of(oauth), default_from="x@y.example", secret_key=settings.secret_key
        )
        reply = smtp.inbox.wait_for(before + 1)[-1]
    assert reply.recipients == ["carol@customer.example"]
    assert "Tray 2" in reply.message.get_content()
    token = _access_token(db, settings, box)
    assert ("XOAUTH2", oauth.user, token, True) in handler.logins
    assert all(user == oauth.user and good for _, user, _, good in handler.logins)


def test_a_server_that_offers_only_oauthbearer_gets_it(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    with bearer_smtp(oauth, oauth.user, without=("XOAUTH2",)) as (smtp, handler):
        box = authorised_mailbox(console, db, mail_world, settings, oauth, imap, smtp.url)
        deliver_outbox(
            db, None, now_of(oauth), default_from="x@y.example", secret_key=settings.secret_key
        )
        smtp.inbox.wait_for(1)
    token = _access_token(db, settings, box)
    assert handler.logins == [("OAUTHBEARER", oauth.user, token, True)]


def _access_token(db: Database, settings: Settings, box: int) -> str:
    with db.read() as s:
        sealed = s.get_one(MailboxOAuth, box).access_token_encrypted
    assert sealed is not None
    return unseal(settings.secret_key, sealed)


def test_a_consent_refused_at_the_provider_shows_on_the_page_and_stores_nothing(
    console: Browser,
    db: Database,
    mail_world: MailWorld,
    settings: Settings,
    oauth: OAuthServer,
    imap: dovecot.ImapServer,
) -> None:
    box = set_up_mailbox(console, db, mail_world, settings, oauth, imap)
    oauth.refuse_consent = True
    try:
        answer = authorise(console, oauth, box)
    finally:
        oauth.refuse_consent = False
    assert answer.status_code == 422
    with db.read() as s:
        row = s.get_one(MailboxOAuth, box)
        assert row.refresh_token_encrypted is None and row.needs_authorisation
        assert "access_denied" in row.problem
    page = console.get(f"/console/admin/mailboxes/{box}").text
    assert "Not authorised yet." in page and "access_denied" in page
