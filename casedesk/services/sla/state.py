"""Keeping a case's SLA fields current, and the sweep that escalates cases on time.

The rules are pure (``domain.sla``, ``domain.escalation``); ``evaluation`` feeds them
and this module stores what they answer on the case row: the policy in force, the three
due dates (null while paused or met), since when the customer waits for a reply, the
alert level and its timeout, and ``sla_check_at``, the earliest instant anything can change without
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
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from casedesk.domain.escalation import levels_crossed
from casedesk.domain.members import MemberRole
from casedesk.services.kernel import audit
from casedesk.services.sla.evaluation import (
    FACT_COLUMNS,
    CaseFacts,
    Evaluation,
    Inputs,
    evaluate,
    inputs_for,
)
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMember, SlaBreach

BATCH = 200

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
            {"case_id": case_id, "target": target, "breached_at": breached_at, "at": now},
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
                "at": now,
            },
        )
