"""Auto-close with a chaser: a quiet case in an auto-close status gets one chaser, then
closes; a customer reply starts the countdown over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CasePatch, MessageCreate
from casedesk.services.scheduling.auto_close import run_auto_close
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, CaseMessage, CaseStatus, OutboxEvent
from tests.factories import World, make_case, make_world

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def set_auto_close(db: Database, world: World, chaser_days: int | None, close_days: int) -> None:
    """The default Awaiting-customer status of ``world`` auto-closes."""
    with db.write() as s:
        status = s.scalars(
            select(CaseStatus).where(
                CaseStatus.corporation_id == world.corporation_id,
                CaseStatus.internal_status == InternalStatus.AWAITING_EXTERNAL,
            )
        ).one()
        status.auto_close_chaser_days = chaser_days
        status.auto_close_days = close_days


def awaiting_case(db: Database, world: World, at: datetime) -> int:
    case = make_case(db, world.admin, group_id=world.group_a)
    await_customer(db, world, case.id, at)
    return case.id


def await_customer(db: Database, world: World, case_id: int, at: datetime) -> None:
    cases.update_case(
        db,
        world.admin.principal,
        case_id,
        CasePatch(status=InternalStatus.AWAITING_EXTERNAL),
        now=at,
    )


def chasers(db: Database, case_id: int) -> list[CaseMessage]:
    with db.read() as s:
        return list(
            s.scalars(
                select(CaseMessage).where(
                    CaseMessage.case_id == case_id, CaseMessage.is_system.is_(True)
                )
            )
        )


def status_of(db: Database, case_id: int) -> int:
    with db.read() as s:
        case = s.get_one(Case, case_id)
        return case.status


def test_a_chaser_goes_out_then_the_case_closes(db: Database) -> None:
    world = make_world(db)
    set_auto_close(db, world, chaser_days=3, close_days=2)
    case_id = awaiting_case(db, world, T0)

    assert run_auto_close(db, T0 + 3 * DAY - timedelta(seconds=1)) == 0
    assert run_auto_close(db, T0 + 3 * DAY) == 1
    [chaser] = chasers(db, case_id)
    assert (chaser.visibility, chaser.direction, chaser.author_user_id) == (
        "external",
        "outbound",
        None,
    )
    assert "reply" in chaser.body_text
    assert status_of(db, case_id) == InternalStatus.AWAITING_EXTERNAL
    with db.read() as s:
        assert s.get_one(Case, case_id).auto_close_chaser_sent_at == T0 + 3 * DAY
        topics = s.scalars(select(OutboxEvent.topic).order_by(OutboxEvent.id)).all()
    assert topics[-2:] == ["message.added", "case.chaser"]

    assert run_auto_close(db, T0 + 5 * DAY - timedelta(seconds=1)) == 0
    assert run_auto_close(db, T0 + 5 * DAY) == 1
    assert status_of(db, case_id) == InternalStatus.CLOSED
    assert len(chasers(db, case_id)) == 1
    with db.read() as s:
        last = s.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id.desc())
        ).first()
    assert last is not None and last.actor_label == "scheduler"
    assert last.changes["status"] == {"from": 3, "to": 2}
    history = cases.get_case(db, world.admin.principal, case_id)
    assert history.closed_at == T0 + 5 * DAY
    assert run_auto_close(db, T0 + 30 * DAY) == 0


def test_without_a_chaser_the_case_closes_after_the_close_period(db: Database) -> None:
    world = make_world(db)
    set_auto_close(db, world, chaser_days=None, close_days=7)
    case_id = awaiting_case(db, world, T0)

    assert run_auto_close(db, T0 + 7 * DAY - timedelta(seconds=1)) == 0
    assert run_auto_close(db, T0 + 7 * DAY) == 1
    assert status_of(db, case_id) == InternalStatus.CLOSED
    assert chasers(db, case_id) == []


def test_after_downtime_the_chaser_still_comes_first(db: Database) -> None:
    world = make_world(db)
    set_auto_close(db, world, chaser_days=1, close_days=1)
    case_id = awaiting_case(db, world, T0)

    assert run_auto_close(db, T0 + 10 * DAY) == 1
    assert status_of(db, case_id) == InternalStatus.AWAITING_EXTERNAL
    assert run_auto_close(db, T0 + 11 * DAY) == 1
    assert status_of(db, case_id) == InternalStatus.CLOSED


def test_a_customer_reply_cancels_and_an_old_chaser_does_not_count(db: Database) -> None:
    world = make_world(db)
    set_auto_close(db, world, chaser_days=3, close_days=2)
    case_id = awaiting_case(db, world, T0)
    assert run_auto_close(db, T0 + 3 * DAY) == 1  # chaser of the first stay

    messages.add_message(
        db,
        world.admin.principal,
        case_id,
        MessageCreate(direction="inbound", body_text="Still broken!"),
        now=T0 + 4 * DAY,
    )
    assert status_of(db, case_id) == InternalStatus.OPEN
    assert run_auto_close(db, T0 + 20 * DAY) == 0  # Open does not auto-close

    await_customer(db, world, case_id, T0 + 20 * DAY)
    # Two days into the new stay: the first stay's chaser is two days older than that,
    # but does not count, so nothing closes; a new chaser comes at day 3 of the stay.
    assert run_auto_close(db, T0 + 22 * DAY) == 0
    assert run_auto_close(db, T0 + 23 * DAY) == 1
    assert status_of(db, case_id) == InternalStatus.AWAITING_EXTERNAL
    assert len(chasers(db, case_id)) == 2
    assert run_auto_close(db, T0 + 25 * DAY) == 1
    assert status_of(db, case_id) == InternalStatus.CLOSED


def test_statuses_without_auto_close_are_left_alone(db: Database) -> None:
    world = make_world(db)
    case_id = awaiting_case(db, world, T0)

    assert run_auto_close(db, T0 + 365 * DAY) == 0
    assert status_of(db, case_id) == InternalStatus.AWAITING_EXTERNAL


def test_zero_days_closes_at_the_next_run_after_the_chaser(db: Database) -> None:
    world = make_world(db)
    set_auto_close(db, world, chaser_days=1, close_days=0)
    case_id = awaiting_case(db, world, T0)

    assert run_auto_close(db, T0 + DAY) == 1
    assert status_of(db, case_id) == InternalStatus.AWAITING_EXTERNAL
    assert run_auto_close(db, T0 + DAY + timedelta(minutes=1)) == 1
    assert status_of(db, case_id) == InternalStatus.CLOSED
