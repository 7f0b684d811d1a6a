"""The outbox over SMTP: retries with backoff while the server is down, the hourly cap
on automatic mail, notifications for every topic, per-corporation templates, and no
header injection through names or subjects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.domain.members import MemberRole
from casedesk.services.cases import core as cases
from casedesk.services.cases.members import add_member
from casedesk.services.cases.schemas import CasePatch, MemberCreate
from casedesk.services.kernel import audit
from casedesk.services.mail import mailboxes
from casedesk.store.db import Database
from casedesk.store.models import (
    CaseMessage,
    Contact,
    MailRate,
    MailTemplate,
    OutboundMail,
    OutboxEvent,
)
from tests.channels.email.conftest import SmtpServer, free_port
from tests.channels.email.world import MailWorld

FROM = "default@acme.example"
CAROL = "carol@customer.example"


def _deliver(db: Database, url: str, now: datetime | None = None) -> int:
    return deliver_outbox(db, url, now or datetime.now(UTC), default_from=FROM)


def _pending(db: Database) -> list[OutboxEvent]:
    with db.read() as s:
        return list(s.scalars(select(OutboxEvent).where(OutboxEvent.delivered_at.is_(None))))


def _emit(db: Database, corp: int, topic: str, payload: dict[str, object]) -> None:
    with db.write() as s:
        audit.emit(s, corp, topic, payload)


def test_nothing_is_lost_while_smtp_is_down(
    db: Database, mail_world: MailWorld, smtp_server: SmtpServer
) -> None:
    now = datetime.now(UTC)
    waiting = len(_pending(db))
    assert waiting > 0
    down = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there

    assert _deliver(db, down, now) == 0
    pending = _pending(db)
    assert len(pending) == waiting
    failed = min(pending, key=lambda e: e.id)
    assert failed.attempts == 1
    assert failed.available_at == now + timedelta(seconds=30)
    # Still down at the next try: the wait doubles.
    assert _deliver(db, down, now + timedelta(seconds=31)) == 0
    with db.read() as s:
        again = s.get(OutboxEvent, failed.id)
        assert again is not None and again.attempts == 2
        assert again.available_at == now + timedelta(seconds=31 + 60)
    assert _deliver(db, smtp_server.url, now + timedelta(seconds=30)) == 0  # not due yet

    later = now + timedelta(minutes=10)
    assert _deliver(db, smtp_server.url, later) == waiting
    assert _pending(db) == []
    smtp_server.inbox.wait_for(1)
    with db.read() as s:
        states = set(s.scalars(select(OutboundMail.state).where(OutboundMail.outbox_id > 0)))
    assert states == {"sent"}


def test_automatic_mail_to_one_address_is_capped_per_hour(
    db: Database, mail_world: MailWorld, smtp_server: SmtpServer
) -> None:
    corp = mail_world.corporation_id
    _deliver(db, smtp_server.url)  # the world's own notifications
    with db.read() as s:
        so_far = s.scalar(select(func.sum(MailRate.count)).where(MailRate.address == CAROL)) or 0
        last_event = s.scalar(select(func.max(OutboxEvent.id))) or 0
    mailboxes.set_mail_settings(
        db, corp, from_address="support@acme.example", hourly_cap=so_far + 2
    )
    for _ in range(4):
        _emit(db, corp, "case.merged", {"case_id": mail_world.printer_case, "into": 3})
    _deliver(db, smtp_server.url)

    with db.read() as s:
        states = list(
            s.scalars(
                select(OutboundMail.state)
                .where(OutboundMail.outbox_id > last_event)
                .order_by(OutboundMail.id)
            )
        )
    assert states == ["sent", "sent", "capped", "capped"]
    assert _pending(db) == []  # capped mail is not retried


def test_every_topic_reaches_its_recipients(
    db: Database, mail_world: MailWorld, smtp_server: SmtpServer
) -> None:
    corp = mail_world.corporation_id
    world = mail_world.base
    _deliver(db, smtp_server.url)
    start = len(smtp_server.inbox.mails)
    case = mail_world.printer_case
    admin = world.admin.principal
    add_member(
        db, admin, case, MemberCreate(role=int(MemberRole.FOLLOWER), user_id=world.agent_b.user_id)
    )
    cases.update_case(db, admin, case, CasePatch(assignee_id=world.agent_a.user_id))
    with db.write() as s:
        chaser = CaseMessage(
            case_id=case,
            visibility="external",
            direction="outbound",
            is_system=True,
            body_text="Is your printer working again? We will close the case in 3 days.",
        )
        s.add(chaser)
        s.flush()
        chaser_id = chaser.id
        audit.emit(s, corp, "case.chaser", {"case_id": case, "message_id": chaser_id})
        audit.emit(
            s,
            corp,
            "case.escalated",
            {
                "case_id": case,
                "level": 2,
                "recipients": [world.agent_a.user_id, world.agent_b.user_id],
            },
        )
        audit.emit(s, corp, "webhook.something", {"case_id": case})
        inbound = CaseMessage(
            case_id=case,
            visibility="external",
            direction="inbound",
            body_text="The printer shows error 49.",
        )
        s.add(inbound)
        s.flush()
        audit.emit(s, corp, "message.added", {"case_id": case, "message_id": inbound.id})

    _deliver(db, smtp_server.url)
    mails = smtp_server.inbox.wait_for(start + 6)[start:]
    subjects = {(m.recipients[0], m.message["Subject"]) for m in mails}
    assert ("alice@acme.test", "Assigned to you: Network printer offline [TCK-1]") in subjects
    assert ("alice@acme.test", "Escalated: Network printer offline [TCK-1]") in subjects
    assert ("bob@acme.test", "Escalated: Network printer offline [TCK-1]") in subjects
    replied = "Customer reply on TCK-1: Network printer offline [TCK-1]"
    assert ("alice@acme.test", replied) in subjects  # the assignee
    assert ("bob@acme.test", replied) in subjects  # a follower
    chasers = [m for m in mails if m.message["Subject"].startswith("Is your request solved?")]
    assert [c.recipients for c in chasers] == [["carol@customer.example"]]
    assert "close the case in 3 days" in chasers[0].message.get_content()
    assert all(m.message["Auto-Submitted"] == "auto-generated" for m in mails)
    assert all(m.message["X-Casedesk-Loop"] == str(corp) for m in mails)
    assert _pending(db) == []  # the unknown topic too: nothing to send


def test_a_corporation_can_replace_a_template(
    db: Database, mail_world: MailWorld, smtp_server: SmtpServer
) -> None:
    corp = mail_world.corporation_id
    _deliver(db, smtp_server.url)
    start = len(smtp_server.inbox.mails)
    with db.write() as s:
        s.add(
            MailTemplate(
                corporation_id=corp,
                name="case_merged_contact",
                subject="Merged: {{ case_reference }} -> {{ into_reference }}",
                body="Dear {{ recipient_name }}, see {{ into_reference }}. {{ ''.__class__ }}",
            )
        )
        audit.emit(s, corp, "case.merged", {"case_id": mail_world.printer_case, "into": 3})
    _deliver(db, smtp_server.url)
    mail = smtp_server.inbox.wait_for(start + 1)[-1]
    assert mail.message["Subject"] == "Merged: TCK-1 -> TCK-3 [TCK-1]"
    assert "Dear Carol Client, see TCK-3." in mail.message.get_content()


def test_names_and_subjects_cannot_add_headers(
    db: Database, mail_world: MailWorld, smtp_server: SmtpServer
) -> None:
    corp = mail_world.corporation_id
    _deliver(db, smtp_server.url)
    start = len(smtp_server.inbox.mails)
    with db.write() as s:
        carol = s.get(Contact, mail_world.carol)
        assert carol is not None
        carol.first_name = "Carol\r\nBcc: victim@evil.example"
    cases.update_case(
        db,
        mail_world.base.admin.principal,
        mail_world.printer_case,
        CasePatch(title="Printer\r\nBcc: victim@evil.example"),
    )
    _emit(db, corp, "case.merged", {"case_id": mail_world.printer_case, "into": 3})
    _deliver(db, smtp_server.url)
    mail = smtp_server.inbox.wait_for(start + 1)[-1]
    assert mail.recipients == ["carol@customer.example"]
    assert mail.message["Bcc"] is None
    assert "\n" not in mail.message["To"] and "\n" not in mail.message["Subject"]
