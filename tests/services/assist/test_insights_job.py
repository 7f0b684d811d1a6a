"""The assist job over many messages: a run catches up batch after batch, and a message
whose transaction committed after newer ones were looked at is still looked at."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casedesk.services.assist import insights
from casedesk.services.cases import bulk
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import CaseMessage, MessageInsight
from tests.factories import make_case, make_world


def _insighted(db: Database) -> set[int]:
    with db.read() as s:
        return set(s.scalars(select(MessageInsight.message_id)))


def _messages(db: Database) -> set[int]:
    with db.read() as s:
        return set(s.scalars(select(CaseMessage.id)))


def test_one_run_takes_every_batch_while_work_is_waiting(db: Database) -> None:
    world = make_world(db)
    cases = [make_case(db, world.admin, title=f"Toner {i}") for i in range(3)]
    now = utcnow()
    wanted = 2 * insights.BATCH + 100
    with db.write() as s:
        bulk.write_messages(
            s,
            [
                bulk.NewMessage(cases[i % 3].id, "external", "inbound", f"paper jam {i}", now)
                for i in range(wanted)
            ],
        )

    handled = insights.run_insights(db, now, budget=600)

    assert handled >= wanted
    assert _insighted(db) == _messages(db)
    assert insights.run_insights(db, now) == 0


def test_a_message_committed_late_below_the_newest_looked_at_is_looked_at(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(insights, "LATE", 5)
    world = make_world(db)
    case = make_case(db, world.admin, title="Printer offline")
    now = utcnow()
    with db.read() as s:
        base = (s.scalar(select(func.max(CaseMessage.id))) or 0) + 1
    late_id = base + 17  # its id was taken first, its transaction commits last
    with db.write() as s:
        for i in range(20):
            if base + i != late_id:
                s.add(_message(base + i, case.id, f"scanner {i}"))
    insights.run_insights(db, now, budget=600)
    assert insights.run_insights(db, now) == 0  # nothing waits: the floor is at the newest
    assert late_id not in _insighted(db)

    with db.write() as s:
        s.add(_message(late_id, case.id, "the late one"))

    assert insights.run_insights(db, now, budget=600) == 1
    assert _insighted(db) == _messages(db)


def _message(message_id: int, case_id: int, body: str) -> CaseMessage:
    return CaseMessage(
        id=message_id,
        case_id=case_id,
        visibility="external",
        direction="inbound",
        is_system=False,
        body_text=body,
        created_at=utcnow(),
    )
