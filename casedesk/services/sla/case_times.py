"""A case's time metrics (seed 001), its SLA state per target, its alert level and
traffic light, the owner's read status, and marking a case read.

Everything here is computed at the moment of the request from the status history, the
messages and the policy in force, with the same rules the sweep uses, so the view and
the stored fields agree; only the recorded breaches are read back as stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.domain.clock import case_times as compute_times
from casedesk.domain.escalation import Light, case_light, read_status, sla_light, target_alert
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Principal
from casedesk.domain.sla import TargetState
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.sla import evaluation
from casedesk.services.sla.inputs import clock_histories, priority_calendars
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, CaseMember, CaseRead, SlaBreach


class TargetOut(BaseModel):
    """One SLA target: its clock, when it is due, and whether it was missed."""

    target_minutes: int
    started_at: datetime
    due_at: datetime | None
    paused: bool
    elapsed_seconds: int
    remaining_seconds: int
    breached_at: datetime | None
    completed_at: datetime | None
    alert_level: int
    light: Light


class SlaOut(BaseModel):
    policy_id: int | None
    first_response: TargetOut | None
    next_response: TargetOut | None
    resolution: TargetOut | None


class BreachOut(BaseModel):
    target: str
    due_at: datetime
    breached_at: datetime
    recorded_at: datetime


class CaseTimesOut(BaseModel):
    """Seed 001's computed fields in snake_case (``time_to_*`` in minutes, ``time_spent_*``
    in seconds; without ``real_`` in the priority's office hours, with it around the
    clock), then the SLA state."""

    case_id: int
    first_response_at: datetime | None
    closed_at: datetime | None
    time_to_reply: int | None
    real_time_to_reply: int | None
    time_to_close: int | None
    real_time_to_close: int | None
    time_spent_internally: int
    time_spent_externally: int
    time_spent_queue: int
    real_time_spent_internally: int
    real_time_spent_externally: int
    real_time_spent_queue: int
    sla: SlaOut
    alert_level: int
    alert_timeout: datetime | None
    light: Light
    read_status: Light | None
    #: The owner's (assigned user's) latest and first read, and the first read by anyone.
    read_by_owner: datetime | None
    first_read_by_owner: datetime | None
    first_read_by_user: datetime | None
    breaches: list[BreachOut]


def case_times(
    db: Database, principal: Principal, case_id: int, *, now: datetime | None = None
) -> CaseTimesOut:
    now = now or utcnow()
    with db.read() as s:
        case = load_case(s, principal, case_id)
        facts = evaluation.CaseFacts.of(case)
        inputs = evaluation.inputs_for(s, [facts])[case.id]
        if inputs.policy is None:  # the metrics still count in the priority's hours
            calendar = priority_calendars(s, [case.priority_id])[case.priority_id]
            history = clock_histories(s, [case.id])[case.id]
        else:
            calendar, history = inputs.calendar, inputs.history
        reads = _reads(s, case)
        times = compute_times(
            case.created_at, history, case.first_response_at, case.closed_at, calendar, now
        )
        found = evaluation.evaluate(facts, inputs, now)
        targets: dict[str, TargetOut | None] = dict.fromkeys(evaluation.TARGETS)
        if found.status is not None and inputs.policy is not None:
            for name in evaluation.TARGETS:
                state: TargetState | None = getattr(found.status, name)
                if state is not None:
                    level = target_alert(now, state, inputs.policy.levels, calendar).level
                    targets[name] = _target(state, level)
        return CaseTimesOut(
            case_id=case.id,
            first_response_at=times.first_response_at,
            closed_at=times.closed_at,
            time_to_reply=times.time_to_reply,
            real_time_to_reply=times.real_time_to_reply,
            time_to_close=times.time_to_close,
            real_time_to_close=times.real_time_to_close,
            time_spent_internally=times.time_spent_internally,
            time_spent_externally=times.time_spent_externally,
            time_spent_queue=times.time_spent_queue,
            real_time_spent_internally=times.real_time_spent_internally,
            real_time_spent_externally=times.real_time_spent_externally,
            real_time_spent_queue=times.real_time_spent_queue,
            sla=SlaOut(policy_id=found.fields["sla_policy_id"], **targets),
            alert_level=found.fields["alert_level"],
            alert_timeout=found.fields["alert_timeout_at"],
            light=case_light(found.status) if found.status is not None else Light.GREEN,
            read_status=reads.status,
            read_by_owner=reads.owner_latest,
            first_read_by_owner=reads.owner_first,
            first_read_by_user=reads.first_by_anyone,
            breaches=[
                BreachOut.model_validate(b, from_attributes=True)
                for b in s.scalars(
                    select(SlaBreach)
                    .where(SlaBreach.case_id == case.id)
                    .order_by(SlaBreach.breached_at, SlaBreach.id)
                )
            ],
        )


def mark_read(
    db: Database, principal: Principal, case_id: int, *, now: datetime | None = None
) -> None:
    """Note that the caller has read the case now. The case itself does not change (its
    version stays), only the caller's read marker: its latest read moves, its first
    read stays."""
    now = now or utcnow()
    with db.write() as s:
        load_case(s, principal, case_id)
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(CaseRead).values(
            case_id=case_id, user_id=principal.user_id, read_at=now, first_read_at=now
        )
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=["case_id", "user_id"], set_={"read_at": stmt.excluded.read_at}
            )
        )


def _target(state: TargetState, level: int) -> TargetOut:
    return TargetOut(
        target_minutes=state.target_minutes,
        started_at=state.started_at,
        due_at=state.due_at,
        paused=state.paused,
        elapsed_seconds=state.elapsed_seconds,
        remaining_seconds=state.remaining_seconds,
        breached_at=state.breached_at,
        completed_at=state.completed_at,
        alert_level=level,
        light=sla_light(state),
    )


@dataclass(frozen=True)
class _Reads:
    status: Light | None
    owner_latest: datetime | None
    owner_first: datetime | None
    first_by_anyone: datetime | None


def _reads(s: Session, case: Case) -> _Reads:
    """Seed 001's ReadStatus for the assigned user (None while nobody is assigned), the
    owner's latest and first reads, and the first read by any user."""
    first_by_anyone = s.scalar(
        select(func.min(CaseRead.first_read_at)).where(CaseRead.case_id == case.id)
    )
    owner = s.execute(
        select(CaseMember.user_id, CaseMember.start_at).where(
            CaseMember.case_id == case.id,
            CaseMember.role == int(MemberRole.ASSIGNED_USER),
            CaseMember.end_at.is_(None),
        )
    ).first()
    if owner is None or owner.user_id is None:
        return _Reads(None, None, None, first_by_anyone)
    read = s.execute(
        select(CaseRead.read_at, CaseRead.first_read_at).where(
            CaseRead.case_id == case.id, CaseRead.user_id == owner.user_id
        )
    ).first()
    last_activity = s.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.case_id == case.id,
            or_(AuditEntry.actor_user_id.is_(None), AuditEntry.actor_user_id != owner.user_id),
        )
    )
    read_at = read.read_at if read else None
    return _Reads(
        read_status(owner.start_at, read_at, last_activity),
        read_at,
        read.first_read_at if read else None,
        first_by_anyone,
    )
