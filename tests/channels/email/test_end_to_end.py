"""Mail in over a real IMAP server (Dovecot), mail out over a real SMTP server
(aiosmtpd): the poller takes in what is delivered to the mailbox, the outbox sends
the notifications, and a reply to them lands on the case."""

from __future__ import annotations

import imaplib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.channels.email.intake import ingest_raw
from casedesk.channels.email.poller import poll_all
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.mail import incoming, mailboxes
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Attachment, Case, CaseMessage, InboundMail, Mailbox
from tests.channels.email.conftest import LIMITS, SmtpServer
from tests.channels.email.world import MailWorld
from tests.support.dovecot import ImapServer

CORPUS = Path(__file__).parent / "corpus"


class Folder:
    """A fresh IMAP folder of the test user, to deliver mail into and look at."""

    def __init__(self, server: ImapServer) -> None:
        self.server = server
        self.name = f"T{uuid.uuid4().hex[:10]}"
        self.conn = imaplib.IMAP4(server.host, server.port)
        self.conn.login(server.user, server.password)
        self.conn.create(self.name)

    @property
    def url(self) -> str:
        return self.server.url.rsplit("/", 1)[0] + "/" + self.name

    def deliver(self, raw: bytes) -> None:
        status, _ = self.conn.append(self.name, None, None, raw)
        assert status == "OK"

    def count(self, criteria: str = "ALL", folder: str | None = None) -> int:
        self.conn.select(folder or self.name)
        _, data = self.conn.search(None, criteria)
        return len(data[0].split())

    def close(self) -> None:
        self.conn.logout()


@pytest.fixture
def folder(imap_server: ImapServer) -> Iterator[Folder]:
    f = Folder(imap_server)
    yield f
    f.close()


def _poll(db: Database, blobs: LocalBlobStore) -> int:
    return poll_all(db, blobs, LIMITS, datetime.now(UTC))


def _deliver(db: Database, smtp: SmtpServer) -> int:
    return deliver_outbox(db, smtp.url, datetime.now(UTC), default_from="x@y.example")


def test_mail_in_over_imap_becomes_cases_and_is_flagged(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, folder: Folder
) -> None:
    box = mailboxes.add_mailbox(
        db,
        mail_world.corporation_id,
        "support",
        folder.url,
        default_group_id=mail_world.base.group_a,
    )
    for name in ("32_attachment_pdf.eml", "20_malformed_garbage.eml", "31_unknown_sender.eml"):
        folder.deliver((CORPUS / name).read_bytes())

    assert _poll(db, blobs) == 3

    assert folder.count("UNSEEN") == 0  # all three are processed, the broken one too
    with db.read() as s:
        outcomes = sorted(s.scalars(select(InboundMail.outcome)))
        case = s.scalars(select(Case).where(Case.title == "Quote for new laptops")).one()
        files = s.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
    assert outcomes == ["created", "quarantined", "quarantined"]
    assert (
        case.group_id == mail_world.base.group_a and case.from_address == "carol@customer.example"
    )
    assert [f.filename for f in files] == ["Angebot Müller.pdf"]
    assert _poll(db, blobs) == 0  # nothing left to take in
    with db.read() as s:
        assert s.scalar(select(Mailbox.id)) == box


def test_a_mail_taken_in_but_not_flagged_is_not_taken_in_twice(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, folder: Folder
) -> None:
    """The crash between commit and flagging: the intake committed, the mail is still
    unseen in the mailbox; the next poll recognises it and only flags it."""
    raw = (CORPUS / "01_plain_text_new.eml").read_bytes()
    mailboxes.add_mailbox(db, mail_world.corporation_id, "support", folder.url)
    folder.deliver(raw)
    # The intake committed, then the process died before flagging the mail.
    done = ingest_raw(db, blobs, mail_world.corporation_id, raw, LIMITS)
    assert done.outcome == incoming.Outcome.CREATED

    assert _poll(db, blobs) == 1
    assert folder.count("UNSEEN") == 0
    with db.read() as s:
        assert len(s.scalars(select(InboundMail)).all()) == 1
        assert len(s.scalars(select(Case).where(Case.origin == "email")).all()) == 1


def test_processed_mail_can_be_moved_to_another_folder(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, folder: Folder
) -> None:
    done = f"{folder.name}-done"
    mailboxes.add_mailbox(
        db, mail_world.corporation_id, "support", folder.url, action="move", move_to=done
    )
    folder.deliver((CORPUS / "01_plain_text_new.eml").read_bytes())
    folder.deliver((CORPUS / "16_bounce_dsn.eml").read_bytes())

    assert _poll(db, blobs) == 2
    assert folder.count() == 0
    assert folder.count(folder=done) == 2


def test_notifications_go_out_over_smtp_and_replies_come_back(
    db: Database,
    mail_world: MailWorld,
    blobs: LocalBlobStore,
    folder: Folder,
    smtp_server: SmtpServer,
) -> None:
    corp = mail_world.corporation_id
    mailboxes.set_mail_settings(
        db,
        corp,
        from_address="support@acme.example",
        from_name="Acme Support",
        new_case_address="team@acme.example",
    )
    mailboxes.add_mailbox(db, corp, "support", folder.url)
    _deliver(db, smtp_server)  # the world's events
    before = len(smtp_server.inbox.mails)
    folder.deliver((CORPUS / "01_plain_text_new.eml").read_bytes())
    assert _poll(db, blobs) == 1
    with db.read() as s:
        case = s.scalars(select(Case).where(Case.origin == "email")).one()

    _deliver(db, smtp_server)
    mails = smtp_server.inbox.wait_for(before + 2)[before:]
    ack = next(m for m in mails if m.recipients == ["carol@customer.example"])
    team = next(m for m in mails if m.recipients == ["team@acme.example"])
    assert ack.message["Auto-Submitted"] == "auto-generated"
    assert ack.message["In-Reply-To"] == "<CAF1.plain.001@mail.customer.example>"
    assert f"[TCK-{case.number}]" in ack.message["Subject"]
    assert ack.message["Message-ID"].endswith("@acme.example>")
    assert ack.sender == "support@acme.example"
    assert "Paper jam" in team.message.get_content()

    # An agent answers: the contact gets the reply, from a person, not automatic.
    agent = mail_world.base.admin.principal
    reply = messages.add_message(
        db, agent, case.id, MessageCreate(body_text="Please open tray 2 and check the roller.")
    )
    _deliver(db, smtp_server)
    answer = smtp_server.inbox.wait_for(before + 3)[-1]
    assert answer.recipients == ["carol@customer.example"]
    assert answer.message["Auto-Submitted"] is None
    assert "tray 2" in answer.message.get_content()
    assert "<CAF1.plain.001@mail.customer.example>" in answer.message["References"]
    with db.read() as s:
        sent_id = s.scalar(select(CaseMessage.message_id_header).where(CaseMessage.id == reply.id))
    assert sent_id == answer.message["Message-ID"]

    # Carol answers that mail (no token in the subject): the reply joins the case.
    folder.deliver(
        (
            "From: Carol Client <carol@customer.example>\r\n"
            "To: support@acme.example\r\n"
            "Subject: Re: your printer\r\n"
            f"Message-ID: <carol.answer.{uuid.uuid4().hex}@customer.example>\r\n"
            f"In-Reply-To: {sent_id}\r\n"
            "\r\n"
            "The roller was dirty, works now.\r\n"
        ).encode()
    )
    assert _poll(db, blobs) == 1
    with db.read() as s:
        texts = s.scalars(
            select(CaseMessage.body_text)
            .where(CaseMessage.case_id == case.id, CaseMessage.direction == "inbound")
            .order_by(CaseMessage.id)
        ).all()
    assert texts[-1] == "The roller was dirty, works now."
