"""Triggers: the rules engine run on every case event, inside the event's transaction.

``install`` registers :func:`on_event` with ``kernel.event_hooks``; from then on every
outbox event of the process reaches it just before its transaction commits. An event
becomes the trigger events it stands for (``case.updated`` with a new status is both
``case_updated`` and ``status_changed``), the corporation's active triggers listening
to one of them are tried in order (``position``, then id), and the actions of each
that matches are carried out through the case use-cases. A rule with a ``stop`` action
ends the run for that event.

Each action's changes emit events in turn, one step deeper, so a rule's changes fire
later rules once they are made; past ``MAX_DEPTH`` the chain is stopped and an audit
entry ``rules.loop-stopped`` names the rule and event where it was cut. A rule whose
actions fail (a value that no longer exists…) is rolled back alone to a savepoint and
audited as ``rule.failed``; the change that fired it still commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy import event as orm_event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casedesk.domain.errors import DomainError
from casedesk.domain.rules import MAX_DEPTH, Predicate, compile_conditions, fields_of, has_stop
from casedesk.services.kernel import audit, event_hooks
from casedesk.services.kernel.clock import utcnow
from casedesk.services.rules import actions, facts
from casedesk.store.models import Case, Rule, Survey
from casedesk.store.per_transaction import forget, transaction_memo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CachedRule:
    id: int
    name: str
    events: frozenset[str]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    stops: bool
    #: The conditions, compiled once (``domain.rules.compile_conditions``).
    test: Predicate
    #: The fields the conditions read, so only those facts are gathered.
    reads: frozenset[str]


#: Active triggers per corporation, with the stamp they were read at (count, last change).
_cache: dict[int, tuple[tuple[int, Any], list[CachedRule]]] = {}


def trigger_events(topic: str, payload: dict[str, Any]) -> list[str]:
    """The trigger events an outbox event stands for."""
    if topic == "case.created":
        return ["case_created"]
    if topic == "case.updated":
        fields = set(payload.get("fields") or [])
        found = ["case_updated"]
        if fields & {"status", "status_id"}:
            found.append("status_changed")
        if "assignee_id" in fields:
            found.append("assigned")
        return found
    if topic == "message.added":
        return ["message_added"]
    if topic == "case.escalated" and "rule_id" not in payload:
        return ["sla_warning"]
    if topic == "sla.breached":
        return ["sla_breached"]
    if topic == "survey.answered":
        return ["survey_answered"]
    return []


def active_triggers(s: Session, corporation_id: int) -> list[CachedRule]:
    """The corporation's active triggers in order, read again only after a change.
    Whether they changed is asked once per transaction: the events of a batch of writes
    sharing one (creates, messages, a group commit) ask once for all."""
    stamp = _stamp(s, corporation_id)
    cached = _cache.get(corporation_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    rows = s.scalars(
        select(Rule)
        .where(
            Rule.corporation_id == corporation_id,
            Rule.kind == "trigger",
            Rule.is_active.is_(True),
        )
        .order_by(Rule.position, Rule.id)
    ).all()
    found = [
        CachedRule(
            r.id,
            r.name,
            frozenset(r.events),
            dict(r.conditions or {}),
            list(r.actions or []),
            has_stop(r.actions or []),
            compile_conditions(r.conditions),
            frozenset(fields_of(r.conditions)),
        )
        for r in rows
    ]
    _cache[corporation_id] = (stamp, found)
    return found


def _stamp(s: Session, corporation_id: int) -> tuple[int, Any]:
    """How many triggers the corporation has and when one last changed, read once per
    transaction of the session's connection."""
    stamps: dict[int, tuple[int, Any]] = transaction_memo(s.connection(), _STAMPS)
    found = stamps.get(corporation_id)
    if found is None:
        row = s.execute(
            select(func.count(Rule.id), func.max(Rule.updated_at)).where(
                Rule.corporation_id == corporation_id, Rule.kind == "trigger"
            )
        ).one()
        found = stamps[corporation_id] = (int(row[0]), row[1])
    return found


_STAMPS = "casedesk.rules.stamps"


def _forget_stamps(_mapper: Any, connection: Connection, _rule: Rule) -> None:
    """A rule written in this transaction: the events after it ask again."""
    forget(connection, _STAMPS)


for _change in ("after_insert", "after_update", "after_delete"):
    orm_event.listen(Rule, _change, _forget_stamps)


def on_event(s: Session, event: event_hooks.QueuedEvent) -> None:
    """The listener: run the triggers an event fires."""
    wanted = trigger_events(event.topic, event.payload)
    case_id = event.payload.get("case_id")
    if not wanted or not isinstance(case_id, int):
        return
    rules = [r for r in active_triggers(s, event.corporation_id) if r.events & set(wanted)]
    if not rules:
        return
    now = utcnow()
    run(s, event, case_id, rules, wanted, now)


def run(
    s: Session,
    event: event_hooks.QueuedEvent,
    case_id: int,
    rules: list[CachedRule],
    wanted: list[str],
    now: datetime,
) -> None:
    case = s.get(Case, case_id)
    if case is None:
        return
    s.flush()
    changed = event.payload.get("fields") or []
    event_values = {
        "event.topic": wanted[-1],
        "event.changed": list(changed),
        "_message_id": event.payload.get("message_id"),
    }
    if event.topic == "survey.answered":
        survey_id = event.payload.get("survey_id")
        survey = s.get(Survey, survey_id) if isinstance(survey_id, int) else None
        event_values |= {
            "survey.rating": event.payload.get("rating"),
            "survey.comment": survey.comment if survey is not None else "",
        }
    needs = frozenset().union(*(r.reads for r in rules))
    current = facts.build(s, case, now, event=event_values, depth=event.depth, needs=needs)
    for rule in rules:
        if not rule.test(current):
            continue
        if event.depth >= MAX_DEPTH:
            _loop_stopped(s, event, rule.id, case_id)
            return
        _fire(s, rule, event.corporation_id, case_id, event.topic, now)
        if rule.stops:
            return
        s.refresh(case)
        current = facts.build(s, case, now, event=event_values, depth=event.depth, needs=needs)


def _fire(
    s: Session, rule: CachedRule, corporation_id: int, case_id: int, topic: str, now: datetime
) -> None:
    actor = actions.rule_principal(s, corporation_id, rule.id)  # outside the savepoint
    try:
        with s.begin_nested():
            actions.apply(
                s, case_id, rule.id, rule.actions, now, event_topic=topic, principal=actor
            )
    except (DomainError, ValueError, IntegrityError) as exc:  # ValueError: pydantic refused
        log.info("rule %s failed on case %s: %s", rule.id, case_id, exc)
        case = s.get(Case, case_id)
        if case is not None:
            audit.record(
                s,
                None,
                case.corporation_id,
                "rule.failed",
                "rule",
                rule.id,
                case_id=case_id,
                changes={"error": {"from": None, "to": str(exc)}},
                actor_label=f"rule:{rule.id}",
            )


def _loop_stopped(s: Session, event: event_hooks.QueuedEvent, rule_id: int, case_id: int) -> None:
    audit.record(
        s,
        None,
        event.corporation_id,
        "rules.loop-stopped",
        "case",
        case_id,
        case_id=case_id,
        changes={
            "depth": {"from": None, "to": event.depth},
            "event": {"from": None, "to": event.topic},
            "next_rule_id": {"from": None, "to": rule_id},
        },
        actor_label="rules",
    )


def install() -> None:
    """Make every face, channel and job of this process go through the triggers."""
    event_hooks.register(on_event)
    from casedesk.services.rules import mail_routing

    event_hooks.register_mail_router(mail_routing.route)


def uninstall() -> None:
    from casedesk.services.rules import mail_routing

    event_hooks.unregister(on_event)
    event_hooks.unregister_mail_router(mail_routing.route)
