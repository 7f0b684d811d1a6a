""" "Test this rule against case N": which conditions matched and what would change.

The rule's actions really run, in a transaction that is then rolled back, so the answer
shows what the use-cases would do (including refusals) and nothing is kept: no change,
no audit entry, no mail or webhook, no later trigger. Message conditions are read
against the case's latest message, as if it had just been added.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from casedesk.domain.errors import DomainError
from casedesk.domain.permissions import Principal
from casedesk.domain.rules import explain
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import read_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import require_admin
from casedesk.services.rules import actions, definitions, facts
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMessage


class ConditionResult(BaseModel):
    condition: dict[str, Any]
    actual: Any
    matched: bool


class DryRun(BaseModel):
    rule_id: int
    case_id: int
    matched: bool
    conditions: list[ConditionResult]
    would_do: list[str]
    would_change: dict[str, dict[str, Any]]
    error: str | None = None


class _Undo(Exception):
    def __init__(self, result: DryRun) -> None:
        self.result = result


def test_rule(
    db: Database, principal: Principal, kind: definitions.Kind, rule_id: int, case_id: int
) -> DryRun:
    require_admin(principal, "test rules")
    now = utcnow()
    try:
        with db.write() as s:
            rule = definitions.load(s, principal, kind, rule_id)
            read_case(s, principal, case_id)
            case = s.get(Case, case_id)
            assert case is not None
            last = s.scalar(
                select(CaseMessage.id)
                .where(CaseMessage.case_id == case_id)
                .order_by(CaseMessage.id.desc())
                .limit(1)
            )
            event = {"event.topic": (rule.events or ["case_updated"])[0], "_message_id": last}
            before = facts.build(s, case, now, event=event)
            matched, trace = explain(rule.conditions, before)
            result = DryRun(
                rule_id=rule.id,
                case_id=case_id,
                matched=matched,
                conditions=[
                    ConditionResult(
                        condition=t.condition, actual=audit.jsonable(t.actual), matched=t.matched
                    )
                    for t in trace
                ],
                would_do=[],
                would_change={},
            )
            if matched or kind == "macro":
                try:
                    result.would_do = actions.apply(s, case_id, rule.id, rule.actions, now)
                except (DomainError, ValueError) as exc:
                    result.error = str(exc)
                s.flush()
                s.refresh(case)
                after = facts.build(s, case, now, event=event)
                result.would_change = audit.diff(_plain(before.values), _plain(after.values))
            raise _Undo(result)
    except _Undo as undo:
        return undo.result


def _plain(values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k.startswith("case.") and k != "case.category_path"}
