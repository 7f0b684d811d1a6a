"""OAuth2 mailboxes in: an admin authorises the mailbox in the console against a real
authorization server, the poller reads it over IMAP by XOAUTH2 through Dovecot's OAuth2
passdb, an expired or refused access token is replaced by a refreshed one, and a
withdrawn or refused consent shows on the mailbox page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.config import Settings
from casedesk.services.identity.sealing import unseal
from casedesk.services.mail.mailbox_tokens import NotAuthorised, access_token
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case, MailboxOAuth
from tests.channels.email.oauth.conftest import (
    CALLBACK,
    CORPUS,
    authorise,
    authorised_mailbox,
    now_of,
    poll,
    set_up_mailbox,
    stored_access_token,
)
from tests.channels.email.oauth.servers import drop_mail
from tests.channels.email.world import MailWorld
from tests.support import dovecot
from tests.support.oauth_server import CLIENT_SECRET, OAuthServer
from tests.web.admin_client import Browser


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
    first = stored_access_token(db, settings, box)
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
    second = stored_access_token(db, settings, box)
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
    first = stored_access_token(db, settings, box)
    casedesk_now = now_of(oauth)
    oauth.advance(400)  # expired at the provider, not yet by casedesk's clock
    drop_mail(imap, oauth.user, (CORPUS / "01_plain_text_new.eml").read_bytes())
    assert poll(db, blobs, settings, casedesk_now) == 1
    assert (first, False) in oauth.seen.introspected
    second = stored_access_token(db, settings, box)
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
    assert mine == theirs[0] == stored_access_token(db, settings, box)
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
