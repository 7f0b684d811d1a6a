"""Sending over SMTP: one connection per delivery run, TLS or STARTTLS as the URL says."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from casedesk.channels.email.sasl import Bearer, smtp_login
from casedesk.channels.email.tls import UntrustedServer, client_context, untrusted
from casedesk.channels.email.urls import parse_server_url

TIMEOUT = 30.0

#: Errors that mean "try again later": the server or the network, not this mail.
TRANSIENT = (smtplib.SMTPException, OSError)


class SmtpSender:
    """``ca_file`` is trusted besides the system's store; see ``tls``. With ``bearer``
    the sender signs in with an OAuth2 access token as the URL's user."""

    def __init__(
        self, url: str, *, ca_file: Path | None = None, bearer: Bearer | None = None
    ) -> None:
        self._url = parse_server_url(url, "smtp")
        self._ca_file = ca_file
        self._bearer = bearer
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        u = self._url
        try:
            conn = self._open(client_context(self._ca_file))
        except ssl.SSLCertVerificationError as exc:
            raise UntrustedServer(untrusted("SMTP", u.host, u.port, exc)) from None
        try:
            if self._bearer is not None:
                smtp_login(conn, u.user, self._bearer)
            elif u.user:
                conn.login(u.user, u.password)
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self, context: ssl.SSLContext) -> smtplib.SMTP:
        u = self._url
        if u.security == "tls":
            return smtplib.SMTP_SSL(u.host, u.port, timeout=TIMEOUT, context=context)
        conn = smtplib.SMTP(u.host, u.port, timeout=TIMEOUT)
        if u.security == "starttls":
            try:
                conn.starttls(context=context)
            except BaseException:
                conn.close()
                raise
        return conn

    def send(self, msg: EmailMessage, sender: str, recipient: str, cc: Sequence[str] = ()) -> None:
        """Hand one mail to the server, for ``recipient`` and its copies ``cc``. When the
        server refuses every recipient for good this raises
        ``smtplib.SMTPRecipientsRefused``; anything else that fails is transient."""
        if self._conn is None:
            self._conn = self._connect()
        self._conn.send_message(msg, from_addr=sender, to_addrs=[recipient, *cc])

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except TRANSIENT:
                self._conn.close()
            self._conn = None
