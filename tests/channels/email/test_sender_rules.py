"""Who a mail is from decides what it may do, so the sender is read strictly: a
``From:`` that is not exactly one well-formed address is quarantined and never touches
a case; and mail from the address we send from is our own, also when that address is
the process's default (``CASEDESK_MAIL_FROM``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.api.app import create_app
from casedesk.channels.email.delivery import deliver_outbox
from casedesk.channels.email.intake import Limits, ingest_raw, release_quarantined
from casedesk.channels.email.poller import poll_all
from casedesk.config import Settings
from casedesk.domain.errors import Conflict
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.mail import mailboxes, quarantine
from casedesk.services.mail.intake import Outcome
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMessage, Contact, ContactEmail, InboundMail
from tests.channels.email.conftest import LIMITS, SmtpServer
from tests.channels.email.test_end_to_end import Folder
from tests.channels.email.world import KNOWN_MESSAGE_ID, MailWorld
from tests.factories import World, make_case, make_world
from tests.support.dovecot import ImapServer

CORPUS = Path(__file__).parent / "corpus"
#: Replies to Carol's closed case 1 whose sender is not one well-formed address.
AMBIGUOUS = [
    "37_from_two_addresses.eml",
    "38_from_cve_2023_27043_angle.eml",
    "39_from_cve_2023_27043_paren.eml",
    "40_two_from_headers.eml",
    "41_from_group.eml",
]


@pytest.fixture
def folder(imap_server: ImapServer) -> Iterator[Folder]:
    f = Folder(imap_server)
    yield f
    f.close()


def reply_to_case_one(from_lines: str) -> bytes:
    """A reply to case 1 (closed) with these ``From:`` lines."""
    return (
        f"{from_lines}"
        "To: support@acme.example\r\n"
        "Subject: Re: [TCK-1] Network printer offline\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mail.example>\r\n"
        f"In-Reply-To: {KNOWN_MESSAGE_ID}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Please wire the refund to account 1234.\r\n"
    ).encode()


def case_one(db: Database, mail_world: MailWorld) -> tuple[int, int]:
    """Case 1's status and how many inbound messages it has."""
    with db.read() as s:
        case = s.get_one(Case, mail_world.printer_case)
        inbound = s.scalar(
            select(func.count())
            .select_from(CaseMessage)
            .where(CaseMessage.case_id == case.id, CaseMessage.direction == "inbound")
        )
        return case.status, int(inbound or 0)


# --------------------------------------------------------------------------- ambiguous senders


def test_ambiguous_senders_over_imap_are_quarantined_and_never_reopen_a_case(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, folder: Folder
) -> None:
    mailboxes.add_mailbox(db, mail_world.corporation_id, "support", folder.url)
    before = case_one(db, mail_world)
    assert before[0] == InternalStatus.CLOSED
    for name in AMBIGUOUS:
        folder.deliver((CORPUS / name).read_bytes())

    assert poll_all(db, blobs, LIMITS, datetime.now(UTC)) == len(AMBIGUOUS)

    assert folder.count("UNSEEN") == 0
    assert case_one(db, mail_world) == before
    with db.read() as s:
        records = s.execute(select(InboundMail.outcome, InboundMail.reason)).all()
        strangers = s.scalar(
            select(func.count())
            .select_from(ContactEmail)
            .where(ContactEmail.email.like("%evil.example"))
        )
    assert sorted(records) == [("quarantined", "ambiguous-sender")] * len(AMBIGUOUS)
    assert strangers == 0
    admin = mail_world.base.admin.principal
    listed = quarantine.list_quarantine(db, admin, reason="ambiguous-sender")
    senders = {m.sender for m in listed}
    assert "carol@customer.example <mallory@evil.example>" in senders
    assert "carol@customer.example)<mallory@evil.example>" in senders
    # Allowing "the sender" cannot take it in either: there is no one sender to allow.
    with pytest.raises(Conflict) as refused:
        release_quarantined(db, blobs, admin, listed[0].id, LIMITS)
    assert refused.value.extra["reason"] == "ambiguous-sender"
    assert case_one(db, mail_world) == before


@pytest.mark.parametrize(
    "from_lines",
    [
        "From: carol@customer.example, mallory@evil.example\r\n",
        "From: Carol <carol@customer.example>, Mallory <mallory@evil.example>\r\n",
        "From: carol@customer.example <mallory@evil.example>\r\n",
        "From: carol@customer.example)<mallory@evil.example>\r\n",
        'From: carol@customer.example"<mallory@evil.example>\r\n',
        "From: <carol@customer.example><mallory@evil.example>\r\n",
        "From: carol@customer.example;mallory@evil.example\r\n",
        "From: Carol <carol@customer.example> mallory@evil.example\r\n",
        "From: Carol <carol@customer.example\r\n",
        "From: carol@customer.example\r\n <mallory@evil.example>\r\n",
        "From: Customers: carol@customer.example;\r\n",
        "From: carol@customer.example@evil.example\r\n",
        "From: carol\r\n",
        "From: carol@customer.example\r\nFrom: mallory@evil.example\r\n",
    ],
)
def test_a_from_that_is_not_one_well_formed_address_is_quarantined(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, from_lines: str
) -> None:
    before = case_one(db, mail_world)

    result = ingest_raw(db, blobs, mail_world.corporation_id, reply_to_case_one(from_lines), LIMITS)

    assert (result.outcome, result.reason) == (Outcome.QUARANTINED, "ambiguous-sender")
    assert case_one(db, mail_world) == before


@pytest.mark.parametrize("from_lines", ["", "From: \r\n", "From: undisclosed-recipients:;\r\n"])
def test_a_mail_naming_no_sender_is_quarantined_as_such(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, from_lines: str
) -> None:
    result = ingest_raw(db, blobs, mail_world.corporation_id, reply_to_case_one(from_lines), LIMITS)

    assert (result.outcome, result.reason) == (Outcome.QUARANTINED, "no-sender")


@pytest.mark.parametrize(
    "from_lines",
    [
        "From: carol@customer.example\r\n",
        "From: Carol Client <carol@customer.example>\r\n",
        'From: "Client, Carol" <Carol@Customer.Example>\r\n',
        "From: carol@customer.example (Carol at work)\r\n",
        "From: =?utf-8?q?Carol_K=C3=BCnde?= <carol@customer.example>\r\n",
        "From: Carol Client\r\n <carol@customer.example>\r\n",
        "From: Carol <@relay.customer.example:carol@customer.example>\r\n",
    ],
)
def test_one_well_formed_sender_in_any_usual_shape_is_taken_in(
    db: Database, mail_world: MailWorld, blobs: LocalBlobStore, from_lines: str
) -> None:
    result = ingest_raw(db, blobs, mail_world.corporation_id, reply_to_case_one(from_lines), LIMITS)

    assert (result.outcome, result.case_id) == (Outcome.APPENDED, mail_world.printer_case)
    assert case_one(db, mail_world) == (InternalStatus.OPEN, 1)


# --------------------------------------------------------------------------- our own mail

OUR_ADDRESS = "helpdesk@acme.example"


@pytest.fixture
def own_settings(settings: Settings) -> Settings:
    """A process sending from ``OUR_ADDRESS`` (``CASEDESK_MAIL_FROM``)."""
    return settings.model_copy(update={"mail_from": OUR_ADDRESS})


@pytest.fixture
def plain_world(db: Database) -> World:
    """A corporation without mail settings of its own."""
    return make_world(db)


def _contact(db: Database, corporation_id: int, email: str) -> int:
    with db.write() as s:
        contact = Contact(corporation_id=corporation_id, first_name="Dora", last_name="Doe")
        s.add(contact)
        s.flush()
        s.add(
            ContactEmail(
                corporation_id=corporation_id, contact_id=contact.id, email=email, is_primary=True
            )
        )
        return contact.id


def test_our_own_notification_coming_back_without_its_loop_header_is_ignored(
    db: Database,
    plain_world: World,
    own_settings: Settings,
    blobs: LocalBlobStore,
    folder: Folder,
    smtp_server: SmtpServer,
) -> None:
    corp = plain_world.corporation_id
    dora = _contact(db, corp, "dora@customer.example")
    case = make_case(db, plain_world.admin, title="Screen flickers", contact_id=dora)
    answer = MessageCreate(body_text="Please update the graphics driver.")
    messages.add_message(db, plain_world.admin.principal, case.id, answer)
    mailboxes.add_mailbox(db, corp, "support", folder.url)
    sent = deliver_outbox(
        db, smtp_server.url, datetime.now(UTC), default_from=own_settings.mail_from
    )
    assert sent >= 1
    # The agent's answer: a person's mail, not an automatic one.
    ours = next(
        m
        for m in smtp_server.inbox.to("dora@customer.example")
        if m.message["Auto-Submitted"] is None
    )
    assert ours.sender == OUR_ADDRESS
    # A forwarder or a list drops our loop header and sends the mail back to us.
    del ours.message["X-Casedesk-Loop"]
    folder.deliver(ours.message.as_bytes())

    assert poll_all(db, blobs, Limits.from_settings(own_settings), datetime.now(UTC)) == 1

    with db.read() as s:
        record = s.execute(select(InboundMail.outcome, InboundMail.reason)).one()
        contacts = s.scalars(select(ContactEmail.email)).all()
    assert tuple(record) == ("ignored", "own-mail")
    assert contacts == ["dora@customer.example"]


def test_mail_piped_in_from_our_default_address_is_ignored_as_ours(
    db: Database, plain_world: World, own_settings: Settings
) -> None:
    raw = (
        f"From: Acme <{OUR_ADDRESS.upper()}>\r\n"
        "To: support@acme.example\r\n"
        "Subject: We have received your request [TCK-1]\r\n"
        "Message-ID: <own.1@acme.example>\r\n"
        "\r\n"
        "Thank you.\r\n"
    ).encode()
    with TestClient(create_app(own_settings, db)) as client:
        r = client.post(
            "/api/v1/mail/inbound",
            content=raw,
            headers=plain_world.admin.headers | {"Content-Type": "message/rfc822"},
        )
    assert r.status_code == 200, r.text
    assert (r.json()["outcome"], r.json()["reason"]) == ("ignored", "own-mail")


def test_with_mail_settings_of_its_own_the_default_address_is_not_ours(
    db: Database, plain_world: World, own_settings: Settings, blobs: LocalBlobStore
) -> None:
    corp = plain_world.corporation_id
    mailboxes.set_mail_settings(db, corp, from_address="support@acme.example", from_name="Acme")
    raw = reply_to_case_one(f"From: {OUR_ADDRESS}\r\n")

    result = ingest_raw(db, blobs, corp, raw, Limits.from_settings(own_settings))

    assert (result.outcome, result.reason) == (Outcome.QUARANTINED, "unknown-sender")
