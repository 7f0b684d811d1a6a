"""Keeping a case's SLA fields current, and the sweep that escalates cases on time.

The rules are pure (``domain.sla``, ``domain.escalation``); this module feeds them and
stores what they answer on the case row: the policy in force, the three due dates (null
while paused or met), since when the customer waits for a reply, the alert level and
its timeout, and ``sla_check_at``, the earliest instant anything can change without
anyone touching the case (the next alert timeout or due date). Every use-case that
changes what the rules read (status, priority, category, organization, messages) calls
:func:`refresh` in its own transaction; time alone is handled by :func:`sla_sweep`,
which refreshes exactly the cases whose ``sla_check_at`` has come.

The fields are written with a plain UPDATE that leaves the case's version alone: they
are derived from the case and the clock, not edits, so an escalation never makes a
client's ``If-Match`` fail.

Acting on changes happens wherever :func:`refresh` finds them, so nothing is lost when a
use-case gets there before the sweep: a newly missed target is recorded once per case,
target and due date (``INSERT .. ON CONFLICT DO NOTHING``) and audited as
``sla.breached``; a rising alert level is audited as ``case.escalated`` and emitted to
the outbox naming the assignee and followers to notify. The level is stored on the
locked row, so a rise is acted on once even with several workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from casedesk.domain.calendars import ALWAYS, BusinessCalendar
from casedesk.domain.clock import HistoryEntry
from casedesk.domain.escalation import alert_for_remaining, levels_crossed, target_alert
from casedesk.domain.members import MemberRole
from casedesk.domain.sla import SlaStatus, TargetState, choose_policy, sla_status
from casedesk.services.kernel import audit
from casedesk.services.sla.inputs import (
    Policy,
    active_policies,
    category_ancestors,
    clock_histories,
    message_times,
    priority_calendars,
)
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMember, SlaBreach

BATCH = 200
TARGETS = ("first_response", "next_response", "resolution")

#: The case columns this module maintains.
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


# --------------------------------------------------------------------------- use-cases


def refresh(session: Session, case: Case, now: datetime, *, actor_label: str = "system") -> None:
    """Bring ``case``'s SLA fields up to date at ``now``, in the caller's transaction.

    Call after the change is applied (status history rows added, messages added). With
    no active policy in the corporation this costs one query.
    """
    facts = CaseFacts.of(case)
    changed = _refresh_batch(session, [facts], now, actor_label)
    for name, value in changed.get(case.id, {}).items():
        set_committed_value(case, name, value)


def refresh_facts(
    session: Session, cases: Sequence[CaseFacts], now: datetime
) -> dict[int, dict[str, Any]]:
    """:func:`refresh` for cases given by their facts; the changed fields of each case
    that changed, for the caller to apply to what it holds of the case."""
    return _refresh_batch(session, cases, now, "system") if cases else {}


def sla_sweep(db: Database, now: datetime) -> int:
    """Refresh every case whose ``sla_check_at`` has come; how many were refreshed.

    Batches are taken with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite writers are
    serialised), so several workers share the work, and the rules run on the locked
    row: a case another worker refreshed meanwhile no longer matches and is skipped.
    Each refresh moves ``sla_check_at`` past ``now`` or clears it, so the loop ends.
    """
    columns = [getattr(Case, name) for name in FACT_COLUMNS]
    handled = 0
    while True:
        with db.write() as s:
            rows = s.execute(
                select(*columns)
                .where(Case.sla_check_at <= now)
                .order_by(Case.sla_check_at, Case.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return handled
            _refresh_batch(s, [CaseFacts.of(r) for r in rows], now, "scheduler")
            handled += len(rows)


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


# --------------------------------------------------------------------------- storing


def case_table() -> Table:
    """The ``cases`` table, for updates of derived columns that must not bump the
    version (an ORM update of the row would)."""
    table = Case.__table__
    assert isinstance(table, Table)
    return table


def _refresh_batch(
    session: Session, cases: Sequence[CaseFacts], now: datetime, actor_label: str
) -> dict[int, dict[str, Any]]:
    """Evaluate and store a batch; the changed fields of each case that changed."""
    inputs = inputs_for(session, cases)
    changed: dict[int, dict[str, Any]] = {}
    escalated: list[tuple[CaseFacts, Evaluation]] = []
    breaches: list[dict[str, Any]] = []
    for facts in cases:
        found = evaluate(facts, inputs[facts.id], now)
        diff = {k: v for k, v in found.fields.items() if facts.stored[k] != v}
        if diff:
            changed[facts.id] = diff
        if found.fields["alert_level"] > (facts.stored["alert_level"] or 0):
            escalated.append((facts, found))
        breaches.extend(
            {
                "case_id": facts.id,
                "policy_id": found.fields["sla_policy_id"],
                "target": target,
                "due_at": at,
                "breached_at": at,
                "recorded_at": now,
            }
            for target, at in found.breaches
        )
    _store(session, changed)
    _record_breaches(session, cases, breaches, now, actor_label)
    _escalate(session, escalated, inputs, now, actor_label)
    return changed


def _store(session: Session, changed: dict[int, dict[str, Any]]) -> None:
    """One UPDATE per set of changed columns; the version column is not touched."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for case_id, diff in changed.items():
        by_columns.setdefault(tuple(sorted(diff)), []).append({"_id": case_id, **diff})
    table = case_table()
    for names, params in by_columns.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in names})
        )
        session.execute(stmt, params)


def _record_breaches(
    session: Session,
    cases: Sequence[CaseFacts],
    rows: list[dict[str, Any]],
    now: datetime,
    actor_label: str,
) -> None:
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new = session.execute(
        insert(SlaBreach)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["case_id", "target", "due_at"])
        .returning(SlaBreach.case_id, SlaBreach.target, SlaBreach.breached_at)
    ).all()
    corporations = {c.id: c.corporation_id for c in cases}
    for case_id, target, breached_at in new:
        audit.record(
            session,
            None,
            corporations[case_id],
            "sla.breached",
            "case",
            case_id,
            case_id=case_id,
            changes={
                "breached": {"from": None, "to": {"target": target, "at": breached_at.isoformat()}}
            },
            at=now,
            actor_label=actor_label,
        )
        audit.emit(
            session,
            corporations[case_id],
            "sla.breached",
            {"case_id": case_id, "target": target, "breached_at": breached_at},
        )


def _escalate(
    session: Session,
    escalated: list[tuple[CaseFacts, Evaluation]],
    inputs: dict[int, Inputs],
    now: datetime,
    actor_label: str,
) -> None:
    """Audit and announce each case whose alert level rose, once per rise."""
    if not escalated:
        return
    recipients: dict[int, list[int]] = {facts.id: [] for facts, _ in escalated}
    for case_id, user_id in session.execute(
        select(CaseMember.case_id, CaseMember.user_id)
        .where(
            CaseMember.case_id.in_(recipients),
            CaseMember.end_at.is_(None),
            CaseMember.role.in_((int(MemberRole.ASSIGNED_USER), int(MemberRole.FOLLOWER))),
            CaseMember.user_id.is_not(None),
        )
        .order_by(CaseMember.role, CaseMember.id)
    ):
        if user_id is not None and user_id not in recipients[case_id]:
            recipients[case_id].append(user_id)
    for facts, found in escalated:
        policy = inputs[facts.id].policy
        assert policy is not None
        previous = facts.stored["alert_level"] or 0
        level = found.fields["alert_level"]
        crossed = levels_crossed(previous, level, policy.levels)
        top = crossed[-1] if crossed else None
        audit.record(
            session,
            None,
            facts.corporation_id,
            "case.escalated",
            "case",
            facts.id,
            case_id=facts.id,
            changes={
                "alert_level": {"from": previous, "to": level},
                "target": {"from": None, "to": found.level_target},
            },
            at=now,
            actor_label=actor_label,
        )
        audit.emit(
            session,
            facts.corporation_id,
            "case.escalated",
            {
                "case_id": facts.id,
                "level": level,
                "level_name": top.name if top else None,
                "levels": [lv.level for lv in crossed],
                "target": found.level_target,
                "due_at": found.fields.get(f"{found.level_target}_due_at"),
                "recipients": recipients[facts.id],
            },
        )
