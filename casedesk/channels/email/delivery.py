"""Delivering the outbox: claim due events, plan their mails, render, send, record.

Run by the ``mail-delivery`` job. When SMTP fails (down, refusing logins, timing out)
the event goes back with a backoff and the rest of the batch waits for its claim to run
out, so nothing is lost and a dead server is not hammered. A recipient the server
refuses for good is recorded as refused and not tried again. A server whose
certificate does not verify is treated like one that is down, and logged as an error.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from pathlib import Path

from casedesk.channels.email import render
from casedesk.channels.email.outgoing import OutgoingServers
from casedesk.channels.email.smtp import TRANSIENT, SmtpSender
from casedesk.channels.email.tls import UntrustedServer
from casedesk.config import DEFAULT_PUBLIC_URL
from casedesk.services.mail import notification_plans, notifications
from casedesk.services.mail.planned import Event
from casedesk.store.db import Database

log = logging.getLogger("casedesk.mail")


def deliver_outbox(
    db: Database,
    smtp_url: str | None,
    now: datetime,
    *,
    default_from: str,
    batch: int = 50,
    ca_file: Path | None = None,
    secret_key: str = "",
    public_url: str = DEFAULT_PUBLIC_URL,
) -> int:
    """Deliver every due event; how many were completed. A corporation with an OAuth2
    mailbox that names an SMTP server sends through it (``outgoing``)."""
    done = 0
    with OutgoingServers(db, smtp_url, now, ca_file=ca_file, secret_key=secret_key) as servers:
        while events := notifications.claim(db, now, batch=batch):
            for index, event in enumerate(events):
                try:
                    sender = servers.for_corporation(event.corporation_id)
                    _deliver(db, sender, event, now, default_from, public_url)
                except TRANSIENT as exc:
                    due = notifications.retry_later(db, event, now)
                    _log_failure(event.id, exc, due)
                    for rest in events[index + 1 :]:
                        notifications.retry_later(db, rest, now)
                    return done
                notifications.finish(db, event.id, now)
                done += 1
    return done


def _log_failure(event_id: int, exc: BaseException, due: datetime) -> None:
    """A server that may be back soon is a warning; an untrusted certificate stays
    untrusted until someone configures it, so it is an error."""
    level = logging.ERROR if isinstance(exc, UntrustedServer) else logging.WARNING
    log.log(level, "mail for event %s not sent (%s); again at %s", event_id, exc, due)


def _deliver(
    db: Database,
    sender: SmtpSender,
    event: Event,
    now: datetime,
    default_from: str,
    public_url: str = DEFAULT_PUBLIC_URL,
) -> None:
    plan = notification_plans.plan(db, event, default_from=default_from)
    if not plan.mails:
        return
    sent = notifications.already_sent(db, event.id)
    for mail in plan.mails:
        if mail.recipient in sent:
            continue
        override = notifications.template_override(db, event.corporation_id, mail.template)
        context = mail.context | {"public_url": public_url.rstrip("/")}
        subject, body = render.render(mail.template, context, override, mail.language)
        state = "sent"
        message_id = ""
        if mail.automatic and not notifications.under_cap(
            db, event.corporation_id, mail.recipient, now, plan.identity.hourly_cap
        ):
            state = "capped"
        else:
            try:
                msg = render.compose(
                    plan.identity, mail, subject, body, corporation_id=event.corporation_id, now=now
                )
            except ValueError:
                state = "invalid"
            else:
                message_id = str(msg["Message-ID"])
                subject = str(msg["Subject"])
                try:
                    sender.send(msg, plan.identity.from_address, mail.recipient, mail.cc)
                except smtplib.SMTPRecipientsRefused:
                    state = "refused"
        notifications.record(
            db, event, mail, message_id=message_id, subject=subject, state=state, now=now
        )
