"""A case's history: its audit entries and its status history."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.domain.permissions import Principal
from casedesk.services.cases.schemas import AuditOut, HistoryOut, StatusHistoryOut
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, StatusHistory


def case_history(db: Database, principal: Principal, case_id: int) -> HistoryOut:
    with db.read() as s:
        load_case(s, principal, case_id)
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
        statuses = s.scalars(
            select(StatusHistory).where(StatusHistory.case_id == case_id).order_by(StatusHistory.id)
        )
        return HistoryOut(
            audit=[
                AuditOut(
                    id=e.id,
                    action=e.action,
                    entity_type=e.entity_type,
                    entity_id=e.entity_id,
                    actor_user_id=e.actor_user_id,
                    changes=e.changes,
                    at=e.at,
                )
                for e in entries
            ],
            statuses=[
                StatusHistoryOut(
                    status_id=h.status_id,
                    internal_status=h.internal_status,
                    from_status_id=h.from_status_id,
                    changed_at=h.changed_at,
                    changed_by_id=h.changed_by_id,
                    reason=h.reason,
                )
                for h in statuses
            ],
        )
