"""Mail speaks its recipient's language: a contact whose language is German gets the
German version of a shipped template, one without a language the English one, and a
corporation's own wording wins over both."""

from __future__ import annotations

from datetime import UTC, datetime

from casedesk.channels.email import render
from casedesk.channels.email.delivery import deliver_outbox
from casedesk.services.identity.portal_sign_in import request_sign_in_link
from casedesk.store.db import Database
from casedesk.store.models import Contact
from tests.channels.email.conftest import SmtpServer
from tests.services.portal.world import make_portal_world

FROM = "support@acme.example"
CAROL = "carol@customer.example"


def _speaks(db: Database, contact_id: int, language: str | None) -> None:
    with db.write() as s:
        contact = s.get(Contact, contact_id)
        assert contact is not None
        contact.language = language


def test_a_contact_whose_language_is_german_gets_german_mail(
    db: Database, smtp_server: SmtpServer
) -> None:
    pw = make_portal_world(db)
    _speaks(db, pw.carol.contact_id, "de")
    request_sign_in_link(db, CAROL, "https://support.example.com/")
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from=FROM)
    (received,) = smtp_server.inbox.to(CAROL)
    assert received.message["Subject"] == "Ihr Anmeldelink für das Support-Portal"
    body = received.message.get_content()
    assert "Guten Tag Carol Customer," in body
    assert "30 Minuten lang" in body
    assert "https://support.example.com/portal/sign-in/link/" in body


def test_a_german_contact_is_told_of_their_new_case_in_german(
    db: Database, smtp_server: SmtpServer
) -> None:
    pw = make_portal_world(db)
    _speaks(db, pw.carol.contact_id, "de")
    case = pw.case_for(pw.carol, title="Drucker druckt nicht")
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from=FROM)
    (received,) = smtp_server.inbox.to(CAROL)
    assert "Wir haben Ihre Anfrage erhalten: Drucker druckt nicht" in received.message["Subject"]
    body = received.message.get_content()
    assert f"Wir haben dazu das Ticket {case.reference} eröffnet" in body


def test_a_contact_without_a_language_gets_english_mail(
    db: Database, smtp_server: SmtpServer
) -> None:
    make_portal_world(db)
    request_sign_in_link(db, CAROL, "https://support.example.com/")
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from=FROM)
    (received,) = smtp_server.inbox.to(CAROL)
    assert received.message["Subject"] == "Your sign-in link for the support portal"


def test_every_shipped_template_has_a_german_version_with_the_same_values() -> None:
    context = {
        "case_id": 7,
        "case_reference": "TCK-7",
        "case_title": "Drucker",
        "case_description": "Papierstau",
        "recipient_name": "Carol",
        "organization": "Acme",
        "message_text": "Bitte neu starten",
        "into_reference": "TCK-8",
        "mentioned_by": "Priya",
        "level": 2,
        "link": "https://x.example/l",
        "valid_minutes": 30,
        "webhook_id": 3,
        "url": "https://hook.example",
        "reason": "timeout",
    }
    for name in render.shipped_names():
        assert render.shipped_languages(name) == ["de"], name
        english = render.render(name, context, None)
        german = render.render(name, context, None, "de-AT")
        assert german != english or name == "agent_reply", name
    assert render.render("case_closed_contact", context, None, "fr")[0].startswith("Your case")
    own = ("Eigener Betreff", "Eigener Text")
    assert render.render("case_closed_contact", context, own, "de") == own
