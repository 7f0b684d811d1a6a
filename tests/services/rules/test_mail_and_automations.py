"""Rules on mail before a case is chosen, round robin for a case opened by mail, and
automations that act once per match even with two workers at once."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from casedesk.channels.email.intake import ingest_raw
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.mail.incoming import Outcome
from casedesk.services.reference import priorities
from casedesk.services.reference.priorities import PriorityCreate
from casedesk.services.rules import automations
from casedesk.services.rules.facts import case_facts
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMessage, RuleMatch
from tests.channels.email.conftest import LIMITS
from tests.channels.email.world import MailWorld, make_mail_world
from tests.factories import World, make_actor, make_case
from tests.services.rules.conftest import add_rule, tags_of


def mail(sender: str, subject: str, extra_headers: str = "", body: str = "Hello") -> bytes:
    return (
        f"From: {sender}\r\nTo: support@acme.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mail.example>\r\n{extra_headers}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def take(db: Database, mw: MailWorld, raw: bytes, tmp_path: Path) -> tuple[Outcome, int | None]:
    store = LocalBlobStore(tmp_path / "blobs")
    result = ingest_raw(db, store, mw.corporation_id, raw, LIMITS)
    return result.outcome, result.case_id


def test_mail_is_routed_dropped_or_quarantined_by_rules(db: Database, tmp_path: Path) -> None:
    mw = make_mail_world(db)
    world = mw.base
    urgent = priorities.create_priority(db, world.admin.principal, PriorityCreate(name="Urgent")).id
    add_rule(
        db,
        world,
        name="invoices to B",
        events=["mail_received"],
        conditions={"field": "message.subject", "op": "matches", "value": r"(?i)\binvoice\b"},
        actions=[{"type": "route", "group_id": world.group_b, "priority_id": urgent}],
    )
    add_rule(
        db,
        world,
        name="no newsletters",
        events=["mail_received"],
        conditions={"field": "message.headers.x-newsletter", "op": "eq", "value": "yes"},
        actions=[{"type": "drop"}],
    )
    add_rule(
        db,
        world,
        name="suspicious",
        events=["mail_received"],
        conditions={"field": "message.text", "op": "contains", "value": "wire the money"},
        actions=[{"type": "quarantine"}],
    )
    outcome, case_id = take(db, mw, mail("carol@customer.example", "Invoice 42 wrong"), tmp_path)
    assert outcome == Outcome.CREATED and case_id is not None
    with db.read() as s:
        case = s.get_one(Case, case_id)
        assert (case.group_id, case.priority_id) == (world.group_b, urgent)
    outcome, case_id = take(
        db, mw, mail("carol@customer.example", "News", "X-Newsletter: yes\r\n"), tmp_path
    )
    assert (outcome, case_id) == (Outcome.IGNORED, None)
    outcome, case_id = take(
        db, mw, mail("carol@customer.example", "Urgent", body="Please wire the money"), tmp_path
    )
    assert (outcome, case_id) == (Outcome.QUARANTINED, None)
    outcome, case_id = take(db, mw, mail("carol@customer.example", "Printer"), tmp_path)
    with db.read() as s:
        assert outcome == Outcome.CREATED
        assert s.get_one(Case, case_id).priority_id != urgent


def test_cases_opened_by_mail_are_assigned_round_robin(db: Database, tmp_path: Path) -> None:
    mw = make_mail_world(db)
    world = mw.base
    carl = make_actor(db, "carl@acme.test", "agent", ["A"], world.corporation_id)
    add_rule(
        db,
        world,
        name="mail to group A in turns",
        events=["case_created"],
        conditions={"field": "case.origin", "op": "eq", "value": "email"},
        actions=[
            {"type": "set", "field": "group_id", "value": world.group_a},
            {"type": "assign", "strategy": "round_robin", "group_id": world.group_a},
        ],
    )
    owners = []
    for n in range(3):
        outcome, case_id = take(db, mw, mail("carol@customer.example", f"Help {n}"), tmp_path)
        assert outcome == Outcome.CREATED and case_id is not None
        with db.read() as s:
            owners.append(case_facts(s, s.get_one(Case, case_id))["case.assignee_id"])
    first, second = sorted([world.agent_a.user_id, carl.user_id])
    assert owners == [first, second, first]
    # a case opened by an agent is not the rule's business
    by_hand = make_case(db, world.admin, group_id=world.group_a)
    with db.read() as s:
        assert case_facts(s, s.get_one(Case, by_hand.id))["case.assignee_id"] is None


def unassigned_for_30_minutes(db: Database, world: World) -> int:
    return add_rule(
        db,
        world,
        kind="automation",
        name="unassigned for 30 minutes",
        conditions={
            "all": [
                {"field": "case.assignee_id", "op": "is_not_set"},
                {"field": "elapsed.created_at", "op": "gt", "value": 30},
            ]
        },
        actions=[
            {"type": "note", "text": "Nobody has taken this case for 30 minutes."},
            {"type": "add_tags", "tags": ["waiting"]},
        ],
    )


def notes(db: Database, case_id: int) -> int:
    with db.read() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(CaseMessage)
                .where(CaseMessage.case_id == case_id, CaseMessage.direction == "note")
            )
            or 0
        )


def test_an_automation_acts_once_under_two_concurrent_workers(db: Database) -> None:
    from tests.factories import make_world

    world = make_world(db)
    rule = unassigned_for_30_minutes(db, world)
    now = datetime.now(UTC)
    old = cases.open_case(
        db, world.admin.principal, _create("Old"), now=now - timedelta(minutes=45)
    ).id
    fresh = cases.open_case(db, world.admin.principal, _create("New"), now=now).id
    barrier = threading.Barrier(2)
    acted: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            acted.append(automations.run_rule(db, rule, world.corporation_id, now))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(acted) == [0, 1]
    assert (notes(db, old), notes(db, fresh)) == (1, 0)
    assert tags_of(db, old) == ["waiting"]
    # the job again: the match is recorded, nothing more happens
    assert automations.run_automations(db, now + timedelta(minutes=5)) == 0
    assert notes(db, old) == 1
    # assigned, the case stops matching (the record goes); unassigned again, it acts again
    cases.update_case(db, world.admin.principal, old, CasePatch(assignee_id=world.admin.user_id))
    assert automations.run_automations(db, now + timedelta(minutes=6)) == 0
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RuleMatch)) == 0
    cases.update_case(db, world.admin.principal, old, CasePatch(assignee_id=None))
    assert automations.run_automations(db, now + timedelta(minutes=7)) == 1
    assert notes(db, old) == 2
    assert messages.list_messages(db, world.admin.principal, fresh) == []


def _create(title: str):  # type: ignore[no-untyped-def]
    from casedesk.services.cases.schemas import CaseCreate

    return CaseCreate(title=title)
