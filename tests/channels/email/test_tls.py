"""The mail clients over TLS with a private certificate authority: the poller reads a
Dovecot that requires TLS (IMAPS and STARTTLS), delivery sends to aiosmtpd over SMTPS
and STARTTLS, trusting the CA named by ``CASEDESK_MAIL_CA_FILE``. A server whose
certificate does not verify (unknown CA, wrong host name) is refused: the mail stays
in the mailbox or the outbox and the log says why."""

from __future__ import annotations

import imaplib
import logging
import ssl
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.channels.email.poller import poll_all
from casedesk.config import Settings
from casedesk.services.mail import mailboxes
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import InboundMail, OutboxEvent
from tests.channels.email.conftest import LIMITS, SmtpServer, run_smtp
from tests.channels.email.world import MailWorld
from tests.support.dovecot import ImapServer
from tests.support.tls import CertificateAuthority

CORPUS = Path(__file__).parent / "corpus"
NEW_MAIL = (CORPUS / "01_plain_text_new.eml").read_bytes()


class TlsFolder:
    """A fresh folder on the TLS-only server, reached over IMAPS with the test CA."""

    def __init__(self, server: ImapServer, ca: CertificateAuthority) -> None:
        self.server = server
        self.name = f"T{uuid.uuid4().hex[:10]}"
        context = ssl.create_default_context(cafile=str(ca.pem))
        assert server.tls_port is not None
        self.conn = imaplib.IMAP4_SSL(server.host, server.tls_port, ssl_context=context)
        self.conn.login(server.user, server.password)
        self.conn.create(self.name)

    def url(self, security: str) -> str:
        return self.server.url_for(self.name, security)

    def deliver(self, raw: bytes) -> None:
        assert self.conn.append(self.name, None, None, raw)[0] == "OK"

    def unseen(self) -> int:
        self.conn.select(self.name)
        return len(self.conn.search(None, "UNSEEN")[1][0].split())


@pytest.fixture
def tls_folder(tls_imap_server: ImapServer, mail_ca: CertificateAuthority) -> Iterator[TlsFolder]:
    folder = TlsFolder(tls_imap_server, mail_ca)
    yield folder
    folder.conn.logout()


@pytest.fixture
def other_ca(tmp_path: Path) -> CertificateAuthority:
    """A CA that did not sign the servers' certificates."""
    return CertificateAuthority.create(tmp_path / "other-ca", "someone else's CA")


def _inbound(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(InboundMail)) or 0)


def _pending(db: Database) -> list[OutboxEvent]:
    with db.read() as s:
        return list(s.scalars(select(OutboxEvent).where(OutboxEvent.delivered_at.is_(None))))


def test_the_ca_file_setting_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, mail_ca: CertificateAuthority
) -> None:
    monkeypatch.setenv("CASEDESK_MAIL_CA_FILE", str(mail_ca.pem))
    assert Settings().mail_ca_file == mail_ca.pem


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_the_poller_takes_mail_over_tls(
    db: Database,
    mail_world: MailWorld,
    blobs: LocalBlobStore,
    tls_folder: TlsFolder,
    mail_ca: CertificateAuthority,
    security: str,
) -> None:
    mailboxes.add_mailbox(db, mail_world.corporation_id, "support", tls_folder.url(security))
    tls_folder.deliver(NEW_MAIL)

    assert poll_all(db, blobs, LIMITS, datetime.now(UTC), ca_file=mail_ca.pem) == 1

    assert tls_folder.unseen() == 0
    with db.read() as s:
        assert s.scalars(select(InboundMail.outcome)).all() == ["created"]


@pytest.mark.parametrize("security", ["tls", "starttls"])
@pytest.mark.parametrize("trusted", ["system store only", "another CA"])
def test_an_imap_server_with_an_untrusted_certificate_is_not_read(
    db: Database,
    mail_world: MailWorld,
    blobs: LocalBlobStore,
    tls_folder: TlsFolder,
    other_ca: CertificateAuthority,
    caplog: pytest.LogCaptureFixture,
    security: str,
    trusted: str,
) -> None:
    box = mailboxes.add_mailbox(db, mail_world.corporation_id, "support", tls_folder.url(security))
    tls_folder.deliver(NEW_MAIL)
    ca_file = other_ca.pem if trusted == "another CA" else None

    with caplog.at_level(logging.ERROR, logger="casedesk.mail"):
        assert poll_all(db, blobs, LIMITS, datetime.now(UTC), ca_file=ca_file) == 0

    assert tls_folder.unseen() == 1  # still there for the next poll
    assert _inbound(db) == 0
    [record] = [r for r in caplog.records if r.name == "casedesk.mail"]
    assert record.levelno == logging.ERROR
    assert f"mailbox {box} not polled" in record.getMessage()
    assert "certificate that is not trusted" in record.getMessage()
    assert "CASEDESK_MAIL_CA_FILE" in record.getMessage()


@pytest.mark.parametrize("server", ["smtps_server", "starttls_smtp_server"])
def test_delivery_sends_over_tls(
    db: Database,
    mail_world: MailWorld,
    mail_ca: CertificateAuthority,
    request: pytest.FixtureRequest,
    server: str,
) -> None:
    smtp: SmtpServer = request.getfixturevalue(server)
    waiting = len(_pending(db))
    assert waiting > 0

    done = deliver_outbox(
        db, smtp.url, datetime.now(UTC), default_from="x@y.example", ca_file=mail_ca.pem
    )

    assert done == waiting
    assert _pending(db) == []
    received = smtp.inbox.wait_for(1)
    assert all(mail.tls for mail in received)


@pytest.mark.parametrize("server", ["smtps_server", "starttls_smtp_server"])
def test_an_smtp_server_with_an_untrusted_certificate_gets_nothing(
    db: Database,
    mail_world: MailWorld,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
    server: str,
) -> None:
    smtp: SmtpServer = request.getfixturevalue(server)
    now = datetime.now(UTC)
    waiting = len(_pending(db))

    with caplog.at_level(logging.WARNING, logger="casedesk.mail"):
        assert deliver_outbox(db, smtp.url, now, default_from="x@y.example") == 0

    pending = _pending(db)
    assert len(pending) == waiting  # nothing lost: every event is due again later
    first = min(pending, key=lambda e: e.id)
    assert first.attempts == 1 and first.available_at == now + timedelta(seconds=30)
    assert smtp.inbox.mails == []
    [record] = [r for r in caplog.records if r.name == "casedesk.mail"]
    assert record.levelno == logging.ERROR
    assert "SMTP server 127.0.0.1" in record.getMessage()
    assert "certificate that is not trusted" in record.getMessage()


def test_a_certificate_for_another_host_is_refused_even_from_the_trusted_ca(
    db: Database, mail_world: MailWorld, mail_ca: CertificateAuthority
) -> None:
    context = mail_ca.issue("elsewhere", hosts=("mail.elsewhere.example",)).server_context()
    with run_smtp("smtps", ssl_context=context) as smtp:
        waiting = len(_pending(db))
        done = deliver_outbox(
            db, smtp.url, datetime.now(UTC), default_from="x@y.example", ca_file=mail_ca.pem
        )
        assert done == 0
        assert len(_pending(db)) == waiting
        assert smtp.inbox.mails == []
