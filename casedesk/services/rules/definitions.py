"""Reading and writing rules: triggers, automations and macros.

Triggers and automations are the desk's policy, so only admins write them. Macros are
tools of agents: an admin writes shared ones (for every agent, or for one group's
agents), and an agent may keep personal ones of their own. Conditions and actions are
checked against the vocabulary of ``domain.rules`` before anything is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.domain.rules import (
    ACTION_TYPES,
    OPERATORS,
    TRIGGER_EVENTS,
    check_actions,
    check_conditions,
)
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import (
    Id,
    In,
    LongText,
    Name200,
    Out,
    ensure_unique,
)
from casedesk.store.db import Database
from casedesk.store.models import Group, Rule

Kind = Literal["trigger", "automation", "macro"]
TriggerEvent = Literal[
    "case_created",
    "case_updated",
    "message_added",
    "status_changed",
    "assigned",
    "sla_warning",
    "sla_breached",
    "mail_received",
    "survey_answered",
]
assert set(TriggerEvent.__args__) == set(TRIGGER_EVENTS)  # type: ignore[attr-defined]
Operator = Literal[
    "eq", "ne", "in", "not_in", "contains", "not_contains", "matches", "is_set", "is_not_set",
    "gt", "gte", "lt", "lte", "under", "changed",
]  # fmt: skip
assert set(Operator.__args__) == set(OPERATORS)  # type: ignore[attr-defined]
ActionType = Literal[
    "set", "assign", "add_tags", "remove_tags", "add_followers", "remove_followers", "note",
    "mail", "set_sla_policy", "escalate", "webhook", "stop", "route", "drop", "quarantine",
    "apply_suggestion",
]  # fmt: skip
assert set(ActionType.__args__) == set(ACTION_TYPES)  # type: ignore[attr-defined]
Text2000 = Annotated[str, Field(max_length=2000)]


#: A value a condition compares with, or an action sets: bounded like every API input.
Scalar = Annotated[int, Field(ge=-(2**53), le=2**53)] | float | bool | Text2000 | None
Value = Scalar | Annotated[list[Scalar], Field(max_length=500)]


class Leaf(In):
    """One comparison: ``{"field": "case.title", "op": "contains", "value": "vpn"}``."""

    field: Annotated[str, Field(min_length=1, max_length=200)]
    op: Operator = "eq"
    value: Value = None
    calendar_id: Id | None = Field(None, description="time.business_hours, elapsed.*")


class AllOf(In):
    all: Annotated[list[Condition], Field(max_length=100)]


class AnyOf(In):
    any: Annotated[list[Condition], Field(max_length=100)]


class NoneOf(In):
    none: Annotated[list[Condition], Field(max_length=100)]


class Always(In):
    """``{}``: the empty tree, which always matches."""


Condition = Leaf | AllOf | AnyOf | NoneOf | Always


class Action(In):
    """One action; which keys it takes depends on ``type`` (docs/rules.md)."""

    type: ActionType
    field: Annotated[str, Field(max_length=64)] | None = None
    value: Value | dict[Annotated[str, Field(max_length=64)], Scalar] = None
    user_id: Id | None = None
    user_ids: Annotated[list[Id], Field(max_length=50)] | None = None
    strategy: Literal["user", "round_robin", "least_open", "category", "none"] | None = None
    group_id: Id | None = None
    queue_id: Id | None = None
    category_id: Id | None = None
    priority_id: Id | None = None
    tags: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=50)] | None = None
    text: LongText | None = None
    template: Annotated[str, Field(max_length=64)] | None = None
    to: Literal["contact", "assignee", "group", "address"] | None = None
    address: Annotated[str, Field(max_length=320)] | None = None
    policy_id: Id | None = None
    level: Annotated[int, Field(ge=0, le=100)] | None = None
    webhook_id: Id | None = None


class RuleIn(In):
    name: Name200
    position: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    is_active: bool = True
    events: Annotated[list[TriggerEvent], Field(max_length=8)] = Field(
        default_factory=list, description="Triggers: the events the rule runs on."
    )
    conditions: Condition | None = Field(
        None, description="all/any/none of {field, op, value}; see docs/rules.md"
    )
    actions: Annotated[list[Action], Field(max_length=50)] = Field(default_factory=list)
    group_id: Id | None = Field(None, description="Macros: shared with this group's agents.")
    personal: bool = Field(False, description="Macros: only for the agent who writes it.")
    reply_text: LongText | None = Field(None, description="Macros: an external reply to add.")


class RulePatch(In):
    name: Name200 | None = None
    position: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    is_active: bool | None = None
    events: Annotated[list[TriggerEvent], Field(max_length=8)] | None = None
    conditions: Condition | None = None
    actions: Annotated[list[Action], Field(max_length=50)] | None = None
    group_id: Id | None = None
    reply_text: LongText | None = None


for _model in (AllOf, AnyOf, NoneOf, Action, RuleIn, RulePatch):
    _model.model_rebuild()


class RuleOut(Out):
    id: int
    kind: str
    name: str
    position: int
    is_active: bool
    events: list[str]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    group_id: int | None
    owner_user_id: int | None
    reply_text: str | None
    created_at: datetime
    updated_at: datetime


def list_rules(db: Database, principal: Principal, kind: Kind) -> list[RuleOut]:
    with db.read() as s:
        query = select(Rule).where(
            Rule.corporation_id == principal.corporation_id, Rule.kind == kind
        )
        if kind == "macro":
            query = query.where(usable_macros(principal))
        rows = s.scalars(query.order_by(Rule.position, Rule.id))
        return [RuleOut.model_validate(r) for r in rows]


def usable_macros(principal: Principal) -> Any:
    """The macros ``principal`` may see and apply: shared ones of their groups or of
    everyone, and their own personal ones."""
    if principal.is_admin:
        return or_(Rule.owner_user_id.is_(None), Rule.owner_user_id == principal.user_id)
    return or_(
        Rule.owner_user_id == principal.user_id,
        Rule.owner_user_id.is_(None)
        & (Rule.group_id.is_(None) | Rule.group_id.in_(principal.group_ids)),
    )


def get_rule(db: Database, principal: Principal, kind: Kind, rule_id: int) -> RuleOut:
    with db.read() as s:
        return RuleOut.model_validate(load(s, principal, kind, rule_id))


def load(s: Session, principal: Principal, kind: Kind, rule_id: int) -> Rule:
    query = select(Rule).where(
        Rule.id == rule_id, Rule.corporation_id == principal.corporation_id, Rule.kind == kind
    )
    if kind == "macro":
        query = query.where(usable_macros(principal))
    row = s.scalars(query).one_or_none()
    if row is None:
        raise NotFound(f"{kind} {rule_id} not found")
    return row


def create_rule(db: Database, principal: Principal, kind: Kind, data: RuleIn) -> RuleOut:
    personal = kind == "macro" and data.personal
    _may_write(principal, kind, personal=personal)
    conditions, actions = dump_conditions(data.conditions), dump_actions(data.actions)
    _check(kind, data.events, conditions, actions)
    with db.write() as s:
        ensure_unique(
            s, Rule, principal.corporation_id, "name", data.name, kind, where=[Rule.kind == kind]
        )
        _check_group(s, principal, data.group_id)
        now = utcnow()
        row = Rule(
            corporation_id=principal.corporation_id,
            kind=kind,
            name=data.name,
            position=data.position,
            is_active=data.is_active,
            events=list(dict.fromkeys(data.events)) if kind == "trigger" else [],
            conditions=conditions,
            actions=actions,
            group_id=data.group_id if kind == "macro" else None,
            owner_user_id=principal.user_id if personal else None,
            reply_text=data.reply_text if kind == "macro" else None,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            principal,
            principal.corporation_id,
            f"{kind}.created",
            "rule",
            row.id,
            changes={"name": {"from": None, "to": row.name}},
        )
        return RuleOut.model_validate(row)


def update_rule(
    db: Database, principal: Principal, kind: Kind, rule_id: int, data: RulePatch
) -> RuleOut:
    with db.write() as s:
        row = load(s, principal, kind, rule_id)
        _may_write(principal, kind, personal=row.owner_user_id is not None)
        sent = data.model_fields_set
        for name in ("name", "is_active", "position", "events", "actions"):
            if name in sent and getattr(data, name) is None:
                raise ValidationFailed(f"{name} cannot be null", field=name)
        given = {
            "conditions": dump_conditions(data.conditions),
            "actions": dump_actions(data.actions or []),
        }
        _check(
            kind,
            data.events if "events" in sent else row.events,  # type: ignore[arg-type]
            given["conditions"] if "conditions" in sent else row.conditions,
            given["actions"] if "actions" in sent else row.actions,
        )
        if "name" in sent and data.name != row.name:
            ensure_unique(
                s,
                Rule,
                principal.corporation_id,
                "name",
                data.name or "",
                kind,
                exclude_id=row.id,
                where=[Rule.kind == kind],
            )
        if "group_id" in sent:
            _check_group(s, principal, data.group_id)
        before = RuleOut.model_validate(row).model_dump()
        for name in sent:
            setattr(row, name, given[name] if name in given else getattr(data, name))
        row.updated_at = utcnow()
        s.flush()
        after = RuleOut.model_validate(row)
        changes = audit.diff(before, after.model_dump(exclude={"updated_at"}))
        if changes:
            audit.record(
                s,
                principal,
                principal.corporation_id,
                f"{kind}.updated",
                "rule",
                row.id,
                changes=changes,
            )
        return after


def delete_rule(db: Database, principal: Principal, kind: Kind, rule_id: int) -> None:
    with db.write() as s:
        row = load(s, principal, kind, rule_id)
        _may_write(principal, kind, personal=row.owner_user_id is not None)
        audit.record(
            s,
            principal,
            principal.corporation_id,
            f"{kind}.deleted",
            "rule",
            row.id,
            changes={"name": {"from": row.name, "to": None}},
        )
        s.delete(row)


def dump_conditions(tree: Condition | None) -> dict[str, Any]:
    return tree.model_dump(exclude_unset=True) if tree is not None else {}


def dump_actions(actions: Sequence[Action]) -> list[dict[str, Any]]:
    return [a.model_dump(exclude_unset=True) for a in actions]


def _may_write(principal: Principal, kind: Kind, *, personal: bool) -> None:
    if personal:
        return
    if not principal.is_admin:
        raise Forbidden(f"only admins write {kind}s")


def _check(kind: Kind, events: Sequence[str], conditions: Any, actions: Any) -> None:
    if kind == "trigger" and not events:
        raise ValidationFailed("a trigger needs at least one event", field="events")
    check_conditions(conditions)
    check_actions(actions)
    for i, action in enumerate(actions):
        if action["type"] == "set":
            try:
                CasePatch.model_validate({action["field"]: action.get("value")})
            except PydanticError as exc:
                problem = exc.errors()[0]["msg"]
                raise ValidationFailed(f"actions[{i}]: {problem}", field="actions") from None
    mail_only = {"route", "drop", "quarantine"}
    uses_mail_actions = any(a.get("type") in mail_only for a in actions)
    if uses_mail_actions and (kind != "trigger" or list(events) != ["mail_received"]):
        raise ValidationFailed(
            "route, drop and quarantine belong to triggers on mail_received alone",
            field="actions",
        )


def _check_group(s: Session, principal: Principal, group_id: int | None) -> None:
    if group_id is None:
        return
    found = s.scalar(
        select(Group.id).where(
            Group.id == group_id, Group.corporation_id == principal.corporation_id
        )
    )
    if found is None:
        raise ValidationFailed(f"group {group_id} not found", field="group_id")
    if not principal.is_admin and group_id not in principal.group_ids:
        raise ValidationFailed(f"group {group_id} not found", field="group_id")
