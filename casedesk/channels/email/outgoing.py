"""Which SMTP server a corporation's mail goes out through: its OAuth2 mailbox's, signed
in with the mailbox's access token, when it has one with an SMTP URL; else the server
of ``CASEDESK_SMTP_URL``. One connection per server for a delivery run."""

from __future__ import annotations

import smtplib
from datetime import datetime
from pathlib import Path
from types import TracebackType

from casedesk.channels.email.sasl import MailboxBearer
from casedesk.channels.email.smtp import SmtpSender
from casedesk.services.mail.mailbox_tokens import sending_mailbox
from casedesk.store.db import Database


class OutgoingServers:
    def __init__(
        self,
        db: Database,
        smtp_url: str | None,
        now: datetime,
        *,
        ca_file: Path | None = None,
        secret_key: str = "",
    ) -> None:
        self._db, self._smtp_url, self._now = db, smtp_url, now
        self._ca_file, self._secret_key = ca_file, secret_key
        self._senders: dict[int | None, SmtpSender] = {}
        self._routes: dict[int, tuple[int, str] | None] = {}

    def __enter__(self) -> OutgoingServers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for sender in self._senders.values():
            sender.close()
        self._senders.clear()

    def for_corporation(self, corporation_id: int) -> SmtpSender:
        """The sender for the corporation's mail; ``smtplib.SMTPException`` (try again
        later) when there is no server to send it through."""
        if corporation_id not in self._routes:
            self._routes[corporation_id] = sending_mailbox(self._db, corporation_id)
        route = self._routes[corporation_id]
        key = route[0] if route else None
        if key not in self._senders:
            if route is not None:
                bearer = MailboxBearer(self._db, route[0], self._secret_key, self._now)
                sender = SmtpSender(route[1], ca_file=self._ca_file, bearer=bearer)
            elif self._smtp_url:
                sender = SmtpSender(self._smtp_url, ca_file=self._ca_file)
            else:
                raise smtplib.SMTPException("no SMTP server: set CASEDESK_SMTP_URL")
            self._senders[key] = sender
        return self._senders[key]
