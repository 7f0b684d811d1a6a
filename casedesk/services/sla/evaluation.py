"""The SLA rules fed with a case's facts: what the SLA fields of a case should hold at a
given instant, its targets' states and the targets that ran out.

The rules themselves are pure (``domain.sla``, ``domain.escalation``); this module loads
what they read for a batch of cases in a handful of queries (``inputs_for``) and asks
them (``evaluate``). Storing the answer and acting on it is ``state``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casedesk.domain.calendars import ALWAYS, BusinessCalendar
from casedesk.domain.clock import HistoryEntry
from casedesk.domain.escalation import alert_for_remaining, target_alert
from casedesk.domain.sla import SlaStatus, TargetState, choose_policy, sla_status
from casedesk.services.sla.inputs import (
    Policy,
    active_policies,
    category_ancestors,
    clock_histories,
    message_times,
    priority_calendars,
)

TARGETS = ("first_response", "next_response", "resolution")

#: The case columns the SLA bookkeeping maintains.
SLA_COLUMNS = (
    "sla_policy_id",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "awaiting_reply_since",
    "alert_level",
    "alert_timeout_at",
    "sla_check_at",
)
_EMPTY: dict[str, Any] = dict.fromkeys(SLA_COLUMNS) | {"alert_level": 0}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rules read from the case row, and the SLA fields stored on it."""

    id: int
    corporation_id: int
    created_at: datetime
    priority_id: int
    category_id: int | None
    organization_id: int | None
    first_response_at: datetime | None
    closed_at: datetime | None
    stored: dict[str, Any]
    #: The policy a rule set for the case, which wins over the matching one.
    pinned_policy_id: int | None = None

    @classmethod
    def of(cls, row: Any) -> CaseFacts:
        """From a ``Case`` or a row holding :data:`FACT_COLUMNS`."""
        return cls(
            row.id,
            row.corporation_id,
            row.created_at,
            row.priority_id,
            row.category_id,
            row.organization_id,
            row.first_response_at,
            row.closed_at,
            {name: getattr(row, name) for name in SLA_COLUMNS},
            row.sla_policy_pin_id,
        )


FACT_COLUMNS = (
    "id",
    "corporation_id",
    "created_at",
    "priority_id",
    "category_id",
    "organization_id",
    "first_response_at",
    "closed_at",
    "sla_policy_pin_id",
    *SLA_COLUMNS,
)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything the rules take for one case besides the case itself."""

    policy: Policy | None
    calendar: BusinessCalendar
    history: list[HistoryEntry]
    inbound_at: list[datetime]
    replies_at: list[datetime]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The rules' answer for one case at ``now``: the SLA fields to store, each target's
    state, the targets that ran out, and the target that sets the alert level."""

    fields: dict[str, Any]
    status: SlaStatus | None
    breaches: tuple[tuple[str, datetime], ...]
    level_target: str | None


def inputs_for(session: Session, cases: Sequence[CaseFacts]) -> dict[int, Inputs]:
    """Load the rules' inputs for a batch of cases in a handful of queries."""
    policies = active_policies(session, {c.corporation_id for c in cases})
    lineages = {
        corp: category_ancestors(session, corp)
        for corp, found in policies.items()
        if any(p.rule.category_id is not None for p in found)
    }
    chosen: dict[int, Policy | None] = {}
    for c in cases:
        rule = choose_policy(
            (p.rule for p in policies[c.corporation_id]),
            priority_id=c.priority_id,
            category_id=c.category_id,
            organization_id=c.organization_id,
            category_ancestors=lineages.get(c.corporation_id, {}).get(c.category_id or 0, []),
        )
        chosen[c.id] = next(
            (p for p in policies[c.corporation_id] if rule is not None and p.rule is rule), None
        )
        pinned = [p for p in policies[c.corporation_id] if p.rule.id == c.pinned_policy_id]
        if pinned:
            chosen[c.id] = pinned[0]
    covered = [c for c in cases if chosen[c.id] is not None]
    calendars = priority_calendars(session, {c.priority_id for c in covered}) if covered else {}
    histories = clock_histories(session, [c.id for c in covered]) if covered else {}
    talking = [
        c.id
        for c in covered
        if c.first_response_at is not None
        and (p := chosen[c.id]) is not None
        and p.rule.targets.next_response is not None
    ]
    messages = message_times(session, talking)
    result: dict[int, Inputs] = {}
    for c in cases:
        policy = chosen[c.id]
        if policy is None:
            result[c.id] = Inputs(None, ALWAYS, [], [], [])
            continue
        inbound, replies = messages.get(c.id, ([], []))
        result[c.id] = Inputs(policy, calendars[c.priority_id], histories[c.id], inbound, replies)
    return result


# --------------------------------------------------------------------------- the rules


def evaluate(facts: CaseFacts, inputs: Inputs, now: datetime) -> Evaluation:
    """What the SLA fields of a case should hold at ``now``."""
    policy = inputs.policy
    if policy is None:
        return Evaluation(dict(_EMPTY), None, (), None)
    status = sla_status(
        policy.rule.targets,
        inputs.calendar,
        facts.created_at,
        inputs.history,
        facts.first_response_at,
        facts.closed_at,
        inputs.inbound_at,
        inputs.replies_at,
        now,
    )
    states = {name: getattr(status, name) for name in TARGETS}
    level, level_target = 0, None
    for name, state in states.items():
        if state is not None:
            reached = target_alert(now, state, policy.levels, inputs.calendar).level
            if reached > level:
                level, level_target = reached, name
    higher = [lv for lv in policy.levels if lv.level > level]
    timeouts = [
        alert_for_remaining(
            now,
            state.remaining_seconds,
            higher,
            calendar=inputs.calendar,
            target_minutes=state.target_minutes,
        ).alert_timeout
        for state in states.values()
        if state is not None and state.due_at is not None and higher
    ]
    timeout = min((t for t in timeouts if t is not None), default=None)
    dues = {name: state.due_at if state else None for name, state in states.items()}
    upcoming = [t for t in (timeout, *dues.values()) if t is not None and t > now]
    fields = {
        "sla_policy_id": policy.rule.id,
        "first_response_due_at": dues["first_response"],
        "next_response_due_at": dues["next_response"],
        "resolution_due_at": dues["resolution"],
        "awaiting_reply_since": _awaiting_since(facts, states),
        "alert_level": level,
        "alert_timeout_at": timeout,
        "sla_check_at": min(upcoming, default=None),
    }
    breaches = tuple(
        (name, state.breached_at)
        for name, state in states.items()
        if state is not None and state.breached_at is not None
    )
    return Evaluation(fields, status, breaches, level_target)


def _awaiting_since(facts: CaseFacts, states: dict[str, TargetState | None]) -> datetime | None:
    """Since when the customer waits for the desk: the start of the response clock
    still open (first response, else the latest customer message), None once closed."""
    if facts.closed_at is not None:
        return None
    for name in ("first_response", "next_response"):
        state = states[name]
        if state is not None and state.completed_at is None:
            return state.started_at
    return None
