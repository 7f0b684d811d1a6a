"""Polling IMAP mailboxes: each pending mail is taken in, then marked processed.

A mail is marked only after its intake committed; if the process dies in between, the
next poll fetches it again and the intake recognises its Message-ID. A mail that fails
for an unexpected reason (the database away) stays unmarked for the next poll, and the
poller goes on with the rest; one mailbox failing does not stop the others. A server
whose certificate does not verify is not read at all: its mail stays where it is and
the log says why.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from casedesk.channels.email.imap import ImapFolder
from casedesk.channels.email.intake import Limits, ingest_raw, too_large
from casedesk.channels.email.sasl import BearerRefused, MailboxBearer
from casedesk.channels.email.tls import UntrustedServer
from casedesk.services.kernel.clock import utcnow
from casedesk.services.mail.mailbox_tokens import NotAuthorised
from casedesk.services.mail.mailboxes import MailboxConfig, active_mailboxes
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database

log = logging.getLogger("casedesk.mail")


def poll_all(
    db: Database,
    store: BlobStore,
    limits: Limits,
    now: datetime | None = None,
    *,
    env_imap_url: str | None = None,
    ca_file: Path | None = None,
    secret_key: str = "",
) -> int:
    """Poll every active mailbox; how many mails were handled. ``secret_key`` opens
    the tokens of OAuth2 mailboxes."""
    handled = 0
    for box in active_mailboxes(db, env_imap_url):
        try:
            handled += poll_mailbox(
                db, store, box, limits, now, ca_file=ca_file, secret_key=secret_key
            )
        except UntrustedServer as exc:
            log.error("mailbox %s not polled: %s", box.id or "CASEDESK_IMAP_URL", exc)
        except (NotAuthorised, BearerRefused) as exc:
            log.warning("mailbox %s not polled: %s", box.id, exc)
        except Exception:  # a mailbox that cannot be read now is tried again next minute
            log.exception("polling mailbox %s failed", box.id or "CASEDESK_IMAP_URL")
    return handled


def poll_mailbox(
    db: Database,
    store: BlobStore,
    box: MailboxConfig,
    limits: Limits,
    now: datetime | None = None,
    *,
    ca_file: Path | None = None,
    secret_key: str = "",
) -> int:
    bearer = None
    if box.oauth and box.id is not None:
        bearer = MailboxBearer(db, box.id, secret_key, now or utcnow())
    handled = 0
    with ImapFolder(box.imap_url, box.folder or None, ca_file=ca_file, bearer=bearer) as folder:
        for uid in folder.pending(box.action):
            try:
                if folder.size(uid) > limits.max_mail_bytes:
                    header = folder.fetch(uid, header_only=True)
                    too_large(db, store, box.corporation_id, header, mailbox_id=box.id, now=now)
                else:
                    raw = folder.fetch(uid)
                    ingest_raw(
                        db, store, box.corporation_id, raw, limits, mailbox_id=box.id, now=now
                    )
            except Exception:
                log.exception("mail %s of mailbox %s not taken in; trying again later", uid, box.id)
                continue
            folder.mark_processed(uid, box.action, box.move_to)
            handled += 1
    return handled
