"""On-hold expiry: a held case returns to its last open status once the hold passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases.holds import release_expired_holds
from casedesk.services.cases.schemas import CasePatch
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, StatusHistory
from tests.factories import make_case, make_world

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _hold(db: Database, until: datetime) -> tuple[int, int]:
    world = make_world(db)
    case = make_case(db, world.admin, group_id=world.group_a)
    open_status = case.status_id
    cases.update_case(
        db,
        world.admin.principal,
        case.id,
        CasePatch(status=InternalStatus.ON_HOLD, on_hold_until=until),
    )
    return case.id, open_status


def test_a_passed_hold_returns_the_case_to_its_last_open_status(db: Database) -> None:
    case_id, open_status = _hold(db, NOW - timedelta(minutes=1))

    assert release_expired_holds(db, NOW) == 1

    with db.read() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert (case.status, case.status_id, case.on_hold_until) == (1, open_status, None)
        last = s.scalars(
            select(StatusHistory)
            .where(StatusHistory.case_id == case_id)
            .order_by(StatusHistory.id.desc())
        ).first()
        assert last is not None and last.reason == "hold-expired" and last.changed_at == NOW
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.actor_label == "scheduler"
        assert entry.changes["status_id"]["to"] == open_status


def test_a_hold_that_has_not_passed_stays(db: Database) -> None:
    case_id, _ = _hold(db, NOW + timedelta(seconds=1))

    assert release_expired_holds(db, NOW) == 0
    with db.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == InternalStatus.ON_HOLD


def test_a_released_case_is_not_released_again(db: Database) -> None:
    case_id, _ = _hold(db, NOW - timedelta(minutes=1))

    assert release_expired_holds(db, NOW) == 1
    assert release_expired_holds(db, NOW + timedelta(hours=1)) == 0
    with db.read() as s:
        reasons = s.scalars(
            select(StatusHistory.reason).where(StatusHistory.case_id == case_id)
        ).all()
    assert reasons.count("hold-expired") == 1
