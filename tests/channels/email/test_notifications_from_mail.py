"""A customer's reply taken in by mail notifies the agent the case is assigned to, and
nobody who cannot see the case."""

from __future__ import annotations

import uuid
from pathlib import Path

from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.config import Settings
from casedesk.services.cases.core import open_case
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.notifications import inbox
from casedesk.services.reference.contacts import ContactCreate, create_contact
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.factories import make_world


def mail(subject: str) -> bytes:
    return (
        "From: Julia Berg <julia@customer.test>\r\n"
        "To: support@acme.test\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@customer.test>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "It is still broken.\r\n"
    ).encode()


def test_a_mailed_customer_reply_notifies_the_assignee(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    world = make_world(db)
    julia = create_contact(
        db,
        world.admin.principal,
        ContactCreate(first_name="Julia", last_name="Berg", emails=["julia@customer.test"]),
    )
    data = CaseCreate(
        title="VPN drops",
        group_id=world.group_a,
        contact_id=julia.id,
        assignee_id=world.agent_a.user_id,
    )
    case = open_case(db, world.admin.principal, data)
    store, limits = LocalBlobStore(tmp_path), Limits.from_settings(settings)
    inbox.mark_all_read(db, world.agent_a.principal)  # the assignment's

    ingest_raw(db, store, world.corporation_id, mail(f"Re: [TCK-{case.number}] VPN"), limits)

    [replied] = inbox.list_notifications(db, world.agent_a.principal, unread_only=True)
    assert (replied.kind, replied.case_id) == ("replied", case.id)
    assert inbox.list_notifications(db, world.agent_b.principal) == []
