"""The portal's sign-in link goes out through the email channel: planned for the address
it was asked for and delivered over real SMTP, held to the hourly cap like other
automatic mail."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.services.identity.portal_sign_in import TOPIC, request_sign_in_link
from casedesk.services.mail import notification_plans
from casedesk.store.db import Database
from casedesk.store.models import OutboxEvent
from tests.channels.email.conftest import SmtpServer
from tests.services.portal.world import make_portal_world

FROM = "support@acme.example"
CAROL = "carol@customer.example"


def test_the_link_is_planned_for_the_address_it_was_asked_for(db: Database) -> None:
    make_portal_world(db)
    request_sign_in_link(db, CAROL.upper(), "https://support.example.com")
    with db.read() as s:
        row = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == TOPIC)).one()
        event = notification_plans.Event(
            row.id, row.corporation_id, row.topic, dict(row.payload), 1
        )
    (mail,) = notification_plans.plan(db, event, default_from=FROM).mails
    assert (mail.recipient, mail.template, mail.automatic) == (CAROL, "portal_sign_in_link", True)
    assert mail.context["link"] == event.payload["url"]
    assert mail.case_id is None


def test_the_link_is_mailed_over_smtp(db: Database, smtp_server: SmtpServer) -> None:
    make_portal_world(db)
    request_sign_in_link(db, CAROL, "https://support.example.com/")
    with db.read() as s:
        url = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.topic == TOPIC)).one()["url"]
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from=FROM)
    (received,) = smtp_server.inbox.to(CAROL)
    body = received.message.get_content()
    assert url.startswith("https://support.example.com/portal/sign-in/link/")
    assert url in body
    assert "for 30 minutes" in body
    assert "Carol Customer" in str(received.message["To"])
    assert received.message["Subject"] == "Your sign-in link for the support portal"
    assert received.message["Auto-Submitted"] == "auto-generated"


def test_no_mail_for_an_unknown_address(db: Database, smtp_server: SmtpServer) -> None:
    make_portal_world(db)
    request_sign_in_link(db, "stranger@nowhere.example", "https://support.example.com")
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from=FROM)
    assert smtp_server.inbox.mails == []
