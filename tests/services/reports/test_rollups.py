"""The facts kept current step by step equal the facts rebuilt from the history, and
both agree with counts taken straight from the raw rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.reports import rollups
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, CaseFact, CaseMessage, StatusHistory
from tests.services.reports.fixture import build


def facts(db: Database) -> dict[int, dict[str, Any]]:
    with db.read() as s:
        return {
            f.case_id: {c.name: getattr(f, c.name) for c in CaseFact.__table__.columns}
            for f in s.scalars(select(CaseFact))
        }


def test_incremental_facts_equal_a_rebuild_and_the_raw_rows(db: Database) -> None:
    steps: list[int] = []
    history = build(db, after_each=lambda: steps.append(rollups.refresh(db)))
    assert all(n >= 1 for n in steps)  # every change was picked up by the next pass
    c1, c2, c3, c4, c5, c6 = history.case_ids
    cases.delete_case(db, history.world.admin.principal, c4)
    rollups.refresh(db)
    kept = facts(db)

    seen: list[tuple[int, int]] = []
    assert rollups.rebuild(db, progress=lambda done, total: seen.append((done, total))) == 4
    assert seen[-1][0] == seen[-1][1] == 6
    assert facts(db) == kept

    with db.read() as s:
        counted = set(
            s.scalars(
                select(Case.id).where(
                    Case.status.notin_(
                        [InternalStatus.DELETED, InternalStatus.MERGED, InternalStatus.SPAM]
                    )
                )
            )
        )
        messages = dict(
            s.execute(
                select(CaseMessage.case_id, func.count())
                .where(CaseMessage.is_system.is_(False))
                .group_by(CaseMessage.case_id)
            ).all()
        )
        closed = set(s.scalars(select(Case.id).where(Case.status == InternalStatus.CLOSED)))
        reopened = set(
            s.scalars(
                select(StatusHistory.case_id)
                .where(StatusHistory.from_status_id.is_not(None))
                .where(StatusHistory.internal_status == InternalStatus.OPEN)
            )
        )
    assert set(kept) == counted == {c1, c2, c3, c5}
    assert {k: f["message_count"] for k, f in kept.items()} == {k: messages.get(k, 0) for k in kept}
    assert {k for k, f in kept.items() if not f["is_open"]} == closed
    assert {k for k, f in kept.items() if f["reopen_count"]} == reopened & set(kept) == {c2}
    assert c6 not in kept and c4 not in kept


def test_an_entry_committed_late_behind_the_cursor_is_read(db: Database) -> None:
    """A transaction that commits after one holding a later audit id (PostgreSQL) is
    played here by taking an entry out before a pass and putting it back after."""
    history = build(db)
    c1 = history.case_ids[0]
    assert rollups.refresh(db) >= 1
    assert rollups.refresh(db) == 0  # nothing new: nothing done
    with db.write() as s:
        late = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).offset(3)).first()
        assert late is not None
        row = {c.name: getattr(late, c.name) for c in AuditEntry.__table__.columns}
        s.delete(late)
    rollups.refresh(db)
    before = facts(db)[c1]["message_count"]
    with db.write() as s:  # the late transaction: a message on case 1 and its entry
        s.add(CaseMessage(case_id=c1, visibility="external", direction="inbound", body_text="x"))
        s.execute(insert(AuditEntry), [row | {"case_id": c1}])
    assert rollups.refresh(db) >= 1
    assert facts(db)[c1]["message_count"] == before + 1
    assert rollups.refresh(db) == 0
