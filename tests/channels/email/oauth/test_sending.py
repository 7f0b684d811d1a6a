"""OAuth2 mailboxes out: replies go over SMTP signed in by XOAUTH2 (or OAUTHBEARER
where that is all the server offers) with the mailbox's token, refreshed when it ran out."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.config import Settings
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case
from tests.channels.email.oauth.conftest import (
    CORPUS,
    authorised_mailbox,
    now_of,
    poll,
    stored_access_token,
)
from tests.channels.email.oauth.servers import bearer_smtp, drop_mail
from tests.channels.email.world import MailWorld
from tests.support import dovecot
from tests.support.oauth_server import OAuthServer
from tests.web.admin_client import Browser


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
    token = stored_access_token(db, settings, box)
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
    token = stored_access_token(db, settings, box)
    assert handler.logins == [("OAUTHBEARER", oauth.user, token, True)]
