"""Cancelling a case with a reason (seed 004's cancel): the case is closed with the
status history reason ``cancelled`` and the reason kept as an internal note, in one
transaction. A case that is already closed or cancelled cannot be cancelled (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from casedesk.domain.errors import Conflict
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.public_status import CANCELLED_REASON, ENDED, PublicStatus
from casedesk.domain.statuses import InternalStatus, resolve_status
from casedesk.services.cases.messages import publish
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.cases.views import build_one
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import (
    current_status,
    ensure_updatable,
    enter_status,
    touch,
)
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import status_catalog
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import CaseMessage, CaseStatus


@dataclass(frozen=True, slots=True)
class Cancelled:
    case: CaseOut
    note_id: int


def cancel_case(
    db: Database, principal: Principal, case_id: int, reason: str, *, now: datetime | None = None
) -> Cancelled:
    now = now or utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.CLOSE_CASE, for_update=True)
        ensure_updatable(case)
        if InternalStatus(case.status) in ENDED:
            raise Conflict(f"case {case_id} is closed or cancelled already", case_id=case_id)
        catalog = status_catalog(s, case.corporation_id)
        previous = current_status(catalog, case)
        chosen = s.scalar(
            select(CaseStatus.id)
            .where(
                CaseStatus.corporation_id == case.corporation_id,
                CaseStatus.internal_status == int(InternalStatus.CLOSED),
                CaseStatus.public_status == PublicStatus.CANCELLED.value,
            )
            .order_by(CaseStatus.id)
            .limit(1)
        )
        new = resolve_status(catalog, int(InternalStatus.CLOSED), chosen, previous)
        note = CaseMessage(
            case_id=case.id,
            visibility="internal",
            direction="note",
            is_system=False,
            author_user_id=principal.user_id,
            body_text=reason,
            note_type="cancellation",
            created_at=now,
        )
        s.add(note)
        s.flush()
        enter_status(
            s,
            case,
            new,
            now,
            actor_id=principal.user_id,
            reason=CANCELLED_REASON,
            previous=previous,
        )
        case.internal_updated_at = now
        touch(case, now)
        sla.refresh(s, case, now)
        audit.record(
            s,
            principal,
            case.corporation_id,
            "case.cancelled",
            "case",
            case.id,
            case_id=case.id,
            changes={
                "status_id": {"from": previous.id, "to": new.id},
                "reason": {"from": None, "to": reason},
            },
            at=now,
        )
        audit.emit(s, case.corporation_id, "case.cancelled", {"case_id": case.id})
        publish(s, case, note)
        s.flush()
        return Cancelled(build_one(s, case, principal), note.id)
