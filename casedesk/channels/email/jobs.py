"""The email channel's periodic jobs, configured from the settings of the process."""

from __future__ import annotations

from datetime import datetime

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.channels.email.intake import Limits
from casedesk.channels.email.poller import poll_all
from casedesk.config import Settings
from casedesk.services.mail.mailbox_tokens import any_sending_mailbox
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database


def poll_mail(db: Database, now: datetime) -> int:
    settings = Settings()
    store = LocalBlobStore(settings.attachments_dir)
    return poll_all(
        db,
        store,
        Limits.from_settings(settings),
        now,
        env_imap_url=settings.imap_url,
        ca_file=settings.mail_ca_file,
        secret_key=settings.secret_key,
    )


def deliver_mail(db: Database, now: datetime) -> int:
    """Deliver the outbox; without ``CASEDESK_SMTP_URL`` or an OAuth2 mailbox that sends,
    events wait until there is one."""
    settings = Settings()
    if not settings.smtp_url and not any_sending_mailbox(db):
        return 0
    return deliver_outbox(
        db,
        settings.smtp_url,
        now,
        default_from=settings.mail_from,
        ca_file=settings.mail_ca_file,
        secret_key=settings.secret_key,
        public_url=settings.link_base_url,
    )
