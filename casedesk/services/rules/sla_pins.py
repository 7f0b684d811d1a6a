"""The "set / clear SLA policy" action: a policy pinned on the case wins over the one
its fields match; clearing the pin lets the matching policy apply again. The case's
SLA fields are recomputed in the same transaction, as every SLA-relevant change does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.sla import state as sla
from casedesk.store.models import Case, SlaPolicy


def pin(s: Session, actor: Principal, case: Case, policy_id: int | None, now: datetime) -> str:
    locked = load_case(s, actor, case.id, Permission.EDIT_CASE, for_update=True)
    if policy_id is not None:
        found = s.scalar(
            select(SlaPolicy.id).where(
                SlaPolicy.id == policy_id, SlaPolicy.corporation_id == locked.corporation_id
            )
        )
        if found is None:
            raise ValidationFailed(f"SLA policy {policy_id} not found", field="policy_id")
    before = locked.sla_policy_pin_id
    if before == policy_id:
        return "SLA policy unchanged"
    locked.sla_policy_pin_id = policy_id
    s.flush()
    sla.refresh(s, locked, now)
    audit.record(
        s,
        actor,
        locked.corporation_id,
        "case.updated",
        "case",
        locked.id,
        case_id=locked.id,
        changes={"sla_policy_pin_id": {"from": before, "to": policy_id}},
        at=now,
    )
    audit.emit(
        s,
        locked.corporation_id,
        "case.updated",
        {"case_id": locked.id, "fields": ["sla_policy_pin_id"]},
    )
    return f"SLA policy set to {policy_id}" if policy_id is not None else "SLA policy cleared"
