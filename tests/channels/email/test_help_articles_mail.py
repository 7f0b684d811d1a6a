"""The acknowledgement of a case that came by mail offers the public help articles that
best match it, linked from ``CASEDESK_PUBLIC_URL``; internal articles never."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.channels.email.intake import ingest_raw
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.channels.email.conftest import LIMITS, SmtpServer
from tests.channels.email.world import MailWorld
from tests.services.knowledge.helpers import make_article, make_category

PUBLIC_URL = "https://help.acme.example"


def test_the_acknowledgement_links_the_best_matching_public_articles(
    db: Database, mail_world: MailWorld, smtp_server: SmtpServer, blobs: LocalBlobStore
) -> None:
    admin = mail_world.base.admin.principal
    category = make_category(db, admin)
    make_article(db, admin, category, title="Scanner shows error E42", body="Reset the scanner.")
    make_article(
        db,
        admin,
        category,
        title="Scanner service code",
        body="Scanner code 0000",
        visibility="internal",
    )
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from="x@acme.example")
    start = len(smtp_server.inbox.mails)
    raw = (
        "From: Carol Client <carol@customer.example>\r\n"
        "To: support@acme.example\r\n"
        "Subject: Our scanner shows E42\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@customer.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Since this morning the scanner on floor 2 shows an error.\r\n"
    ).encode()
    ingest_raw(db, blobs, mail_world.corporation_id, raw, LIMITS)

    deliver_outbox(
        db, smtp_server.url, datetime.now(UTC), default_from="x@acme.example", public_url=PUBLIC_URL
    )
    mails = smtp_server.inbox.wait_for(start + 1)[start:]
    [ack] = [m for m in mails if "carol@customer.example" in m.recipients]
    text = ack.message.get_content()
    assert "these help articles may already answer your question" in text
    assert f"{PUBLIC_URL}/portal/kb/en/printing/scanner-shows-error-e42" in text
    assert "service code" not in text.lower()
