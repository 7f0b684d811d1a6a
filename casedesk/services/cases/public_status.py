"""A case's public status and its history (seed 004's ``status`` and
``statusHistory``), labelled by ``domain.public_status`` from the status history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from casedesk.domain.permissions import Principal
from casedesk.domain.public_status import PublicStatus, public_status
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import CaseStatus, StatusHistory


@dataclass(frozen=True, slots=True)
class PublicEntry:
    status: PublicStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class PublicView:
    status: PublicStatus
    history: list[PublicEntry]


def public_view(db: Database, principal: Principal, case_id: int) -> PublicView:
    with db.read() as s:
        load_case(s, principal, case_id)
        rows = s.execute(
            select(
                StatusHistory.internal_status,
                CaseStatus.public_status,
                StatusHistory.reason,
                StatusHistory.changed_at,
            )
            .join(CaseStatus, CaseStatus.id == StatusHistory.status_id)
            .where(StatusHistory.case_id == case_id)
            .order_by(StatusHistory.changed_at, StatusHistory.id)
        ).all()
    history = [PublicEntry(public_status(i, p, r), at) for i, p, r, at in rows]
    return PublicView(history[-1].status, history)
