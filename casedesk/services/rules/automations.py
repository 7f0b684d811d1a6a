"""Automations: rules on the clock ("awaiting the customer for 3 business days",
"unassigned for 30 minutes"), run by a periodic job.

Each active automation is tried against the corporation's cases that are not deleted or
merged. A case acted on gets a ``rule_matches`` row (rule, case); while it exists the
automation does not act on that case again, and when the case no longer matches the row
goes, so a later match acts again. Each case is decided in a transaction of its own
that locks the case row and inserts the match row with "do nothing on conflict" before
acting: of several processes reaching one case together exactly one acts, whatever the
job lease does (a lease may expire under a slow holder).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.domain.errors import DomainError
from casedesk.domain.rules import matches
from casedesk.domain.statuses import InternalStatus
from casedesk.services.rules import actions, facts
from casedesk.store.db import Database
from casedesk.store.models import Case, Rule, RuleMatch

log = logging.getLogger(__name__)

JOB = "rule-automations"
#: Cases whose status means nothing will happen to them any more.
_GONE = (int(InternalStatus.DELETED), int(InternalStatus.MERGED))


def run_automations(db: Database, now: datetime) -> int:
    """Try every active automation on every live case; how many times one acted."""
    with db.read() as s:
        rules = [
            (r.id, r.corporation_id)
            for r in s.scalars(
                select(Rule)
                .where(Rule.kind == "automation", Rule.is_active.is_(True))
                .order_by(Rule.corporation_id, Rule.position, Rule.id)
            )
        ]
    acted = 0
    for rule_id, corporation_id in rules:
        acted += run_rule(db, rule_id, corporation_id, now)
    return acted


def run_rule(db: Database, rule_id: int, corporation_id: int, now: datetime) -> int:
    with db.read() as s:
        case_ids = list(
            s.scalars(
                select(Case.id)
                .where(Case.corporation_id == corporation_id, Case.status.not_in(_GONE))
                .order_by(Case.id)
            )
        )
    acted = 0
    for case_id in case_ids:
        try:
            with db.write() as s:
                acted += int(decide(s, rule_id, case_id, now))
        except DomainError as exc:  # e.g. a value the rule sets no longer exists
            log.warning("automation %s failed on case %s: %s", rule_id, case_id, exc)
    return acted


def decide(s: Session, rule_id: int, case_id: int, now: datetime) -> bool:
    """Act on one case if the automation matches and has not acted on this match yet."""
    case = s.scalars(select(Case).where(Case.id == case_id).with_for_update()).one_or_none()
    rule = s.get(Rule, rule_id)
    if case is None or rule is None or not rule.is_active:
        return False
    current = facts.build(s, case, now)
    if not matches(rule.conditions, current):
        s.execute(
            delete(RuleMatch).where(RuleMatch.rule_id == rule_id, RuleMatch.case_id == case_id)
        )
        return False
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    taken = s.execute(
        insert(RuleMatch)
        .values(rule_id=rule_id, case_id=case_id, matched_at=now)
        .on_conflict_do_nothing()
        .returning(RuleMatch.rule_id)
    ).first()
    if taken is None:
        return False
    actions.apply(s, case_id, rule_id, rule.actions, now, event_topic="automation")
    return True
