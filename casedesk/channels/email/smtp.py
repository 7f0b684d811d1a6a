"""Sending over SMTP: one connection per delivery run, TLS or STARTTLS as the URL says."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from casedesk.channels.email.urls import parse_server_url

TIMEOUT = 30.0

#: Errors that mean "try again later": the server or the network, not this mail.
TRANSIENT = (smtplib.SMTPException, OSError)


class SmtpSender:
    def __init__(self, url: str) -> None:
        self._url = parse_server_url(url, "smtp")
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        u = self._url
        context = ssl.create_default_context()
        conn: smtplib.SMTP
        if u.security == "tls":
            conn = smtplib.SMTP_SSL(u.host, u.port, timeout=TIMEOUT, context=context)
        else:
            conn = smtplib.SMTP(u.host, u.port, timeout=TIMEOUT)
            if u.security == "starttls":
                conn.starttls(context=context)
        if u.user:
            conn.login(u.user, u.password)
        return conn

    def send(self, msg: EmailMessage, sender: str, recipient: str) -> None:
        """Hand one mail to the server. A recipient the server refuses for good raises
        ``smtplib.SMTPRecipientsRefused``; anything else that fails is transient."""
        if self._conn is None:
            self._conn = self._connect()
        self._conn.send_message(msg, from_addr=sender, to_addrs=[recipient])

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except TRANSIENT:
                self._conn.close()
            self._conn = None
