"""Fixtures of the email tests: the mail world, a blob store, a real Dovecot IMAP
server and a real SMTP server (aiosmtpd) on loopback, and the same servers over TLS
with certificates of a throwaway certificate authority (``mail_ca``)."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from casedesk.channels.email.intake import Limits
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.channels.email.world import MailWorld, make_mail_world
from tests.support import dovecot
from tests.support.tls import CertificateAuthority

#: Small limits, so the corpus can hold an oversized mail of modest size.
LIMITS = Limits(max_mail_bytes=256 * 1024, max_mime_depth=12, max_attachment_bytes=1024 * 1024)


@pytest.fixture
def mail_world(db: Database) -> MailWorld:
    return make_mail_world(db)


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "attachments")


@pytest.fixture(scope="session")
def imap_server() -> Iterator[dovecot.ImapServer]:
    server = dovecot.start()
    try:
        yield server
    finally:
        dovecot.stop(server)


@pytest.fixture(scope="session")
def mail_ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """The private CA the TLS servers' certificates come from."""
    return CertificateAuthority.create(tmp_path_factory.mktemp("mail-ca"), "casedesk test mail CA")


@pytest.fixture(scope="session")
def tls_imap_server(mail_ca: CertificateAuthority) -> Iterator[dovecot.ImapServer]:
    """Dovecot with ``ssl = required``: IMAPS on ``tls_port``, STARTTLS on ``port``."""
    server = dovecot.start(tls=mail_ca.issue("imap"))
    try:
        yield server
    finally:
        dovecot.stop(server)


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    #: Whether the mail came over TLS (implicit or after STARTTLS).
    tls: bool = False


@dataclass
class Inbox:
    """What the SMTP server received; ``wait_for(n)`` blocks until n mails are in."""

    mails: list[Received] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def add(self, mail: Received) -> None:
        with self.changed:
            self.mails.append(mail)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.mails) >= count, timeout):
                raise AssertionError(f"expected {count} mails, got {len(self.mails)}")
            return list(self.mails)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.mails if address in m.recipients]


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.inbox.add(Received(envelope.mail_from, list(envelope.rcpt_tos), message, tls))
        return "250 OK"


@dataclass
class SmtpServer:
    url: str
    inbox: Inbox


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def run_smtp(scheme: str, query: str = "", **options: Any) -> Iterator[SmtpServer]:
    """An aiosmtpd server on a free loopback port; ``options`` go to its controller."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(f"{scheme}://127.0.0.1:{port}{query}", inbox)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with run_smtp("smtp") as server:
        yield server


@pytest.fixture
def smtps_server(mail_ca: CertificateAuthority) -> Iterator[SmtpServer]:
    """SMTP over implicit TLS (``smtps://``)."""
    context = mail_ca.issue("smtps").server_context()
    with run_smtp("smtps", ssl_context=context) as server:
        yield server


@pytest.fixture
def starttls_smtp_server(mail_ca: CertificateAuthority) -> Iterator[SmtpServer]:
    """Plain SMTP that refuses mail until the client has said STARTTLS."""
    context: ssl.SSLContext = mail_ca.issue("starttls").server_context()
    with run_smtp("smtp", "?starttls", tls_context=context, require_starttls=True) as server:
        yield server
