"""What rules do to a case: each action through the case use-cases, in the caller's
transaction, as the rules' account with the rule named in the audit log.

``apply`` returns what it did, so a dry run (:func:`plan`) can say what *would* change
without touching anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.assignment import Strategy
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.assist import suggestions
from casedesk.services.cases import assignment, messages, tags
from casedesk.services.cases.core import update_case_in
from casedesk.services.cases.schemas import CasePatch, MessageCreate
from casedesk.services.identity.channel_accounts import channel_account
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.store.models import Case, CaseMember, GroupMembership, User

#: Actions that only mean something for mail not yet taken in.
MAIL_ROUTING = frozenset({"route", "drop", "quarantine"})


def rule_principal(s: Session, corporation_id: int, rule_id: int) -> Principal:
    """The account rules act as, naming ``rule:<id>`` in the audit log."""
    key = f"casedesk.rules.principal.{corporation_id}"
    base: Principal | None = s.info.get(key)
    if base is None:
        base = channel_account(s, corporation_id, "rules", "Rules")
        s.info[key] = base
    return dataclasses.replace(base, acting_as=f"rule:{rule_id}")


def apply(
    s: Session,
    case_id: int,
    rule_id: int,
    actions: Sequence[Mapping[str, Any]],
    now: datetime,
    *,
    event_topic: str = "",
    principal: Principal | None = None,
) -> list[str]:
    """Carry out ``actions`` on the case; the descriptions of what was done."""
    done: list[str] = []
    for action in actions:
        kind = action.get("type")
        if kind == "stop" or kind in MAIL_ROUTING:
            continue
        case = s.get(Case, case_id)
        if case is None:
            break
        actor = principal or rule_principal(s, case.corporation_id, rule_id)
        done.append(_one(s, actor, case, rule_id, action, now, event_topic))
    return done


def _one(
    s: Session,
    actor: Principal,
    case: Case,
    rule_id: int,
    action: Mapping[str, Any],
    now: datetime,
    topic: str,
) -> str:
    kind = action["type"]
    if kind == "set":
        name, value = action["field"], action.get("value")
        _patch(s, actor, case, {name: value}, now)
        return f"set {name} to {value!r}"
    if kind == "assign":
        return _assign(s, actor, case, action, now)
    if kind in ("add_tags", "remove_tags"):
        current = tags.names(s, [case.id]).get(case.id, [])
        have = {tags.key_of(t) for t in current}
        keys = {tags.key_of(t) for t in action["tags"]}
        if kind == "add_tags":
            wanted = current + [t for t in action["tags"] if tags.key_of(t) not in have]
        else:
            wanted = [t for t in current if tags.key_of(t) not in keys]
        _patch(s, actor, case, {"tags": list(dict.fromkeys(wanted))}, now)
        return f"{kind.replace('_', ' ')} {', '.join(action['tags'])}"
    if kind in ("add_followers", "remove_followers"):
        now_following = followers(s, case.id)
        ids = [int(u) for u in action["user_ids"]]
        if kind == "add_followers":
            following = now_following + [u for u in ids if u not in now_following]
        else:
            following = [u for u in now_following if u not in ids]
        _patch(s, actor, case, {"follower_ids": following}, now)
        return f"{kind.replace('_', ' ')} {ids}"
    if kind == "note":
        locked = load_case(s, actor, case.id, Permission.ADD_NOTE, for_update=True)
        messages.add_message_in(
            s, actor, locked, MessageCreate(visibility="internal", body_text=action["text"]), now
        )
        return "added an internal note"
    if kind == "mail":
        payload = {
            "case_id": case.id,
            "rule_id": rule_id,
            "template": action["template"],
            "to": action["to"],
            "address": action.get("address"),
        }
        audit.emit(s, case.corporation_id, "rule.mail", payload)
        return f"mail {action['template']} to {action.get('address') or action['to']}"
    if kind == "webhook":
        payload = {
            "webhook_id": action["webhook_id"],
            "case_id": case.id,
            "rule_id": rule_id,
            "event": topic,
        }
        audit.emit(s, case.corporation_id, "webhook.requested", payload)
        return f"fire webhook {action['webhook_id']}"
    if kind == "escalate":
        return _escalate(s, actor, case, rule_id, action, now)
    if kind == "set_sla_policy":
        return _set_sla_policy(s, actor, case, action.get("policy_id"), now)
    if kind == "apply_suggestion":
        category_id = suggestions.to_apply(s, case.id)
        if category_id is None:
            return "no suggested category to apply"
        _patch(s, actor, case, {"category_id": category_id}, now)
        return f"applied suggested category {category_id}"
    raise AssertionError(kind)  # pragma: no cover - check_actions refuses the rest


def _patch(s: Session, actor: Principal, case: Case, fields: dict[str, Any], now: datetime) -> None:
    update_case_in(s, actor, case.id, CasePatch.model_validate(fields), now=now)


def _assign(
    s: Session, actor: Principal, case: Case, action: Mapping[str, Any], now: datetime
) -> str:
    strategy = action.get("strategy", "user")
    if strategy == "user":
        _patch(s, actor, case, {"assignee_id": action["user_id"]}, now)
        return f"assigned user {action['user_id']}"
    if strategy == "none":
        _patch(s, actor, case, {"assignee_id": None}, now)
        return "unassigned"
    if strategy == "category":
        s.flush()
        picked, reason = assignment.pick_by_category(s, case, now)
    else:
        group_id = int(action.get("group_id") or case.group_id)
        picked, reason = assignment.pick_in_group(s, case, group_id, Strategy(strategy), now)
    if picked is None:
        return f"nobody assigned: {reason}"
    _patch(s, actor, case, {"assignee_id": picked}, now)
    return f"assigned user {picked} ({reason})"


def followers(s: Session, case_id: int) -> list[int]:
    return [
        int(u)
        for u in s.scalars(
            select(CaseMember.user_id)
            .where(
                CaseMember.case_id == case_id,
                CaseMember.role == int(MemberRole.FOLLOWER),
                CaseMember.end_at.is_(None),
            )
            .order_by(CaseMember.id)
        )
        if u is not None
    ]


def _escalate(
    s: Session,
    actor: Principal,
    case: Case,
    rule_id: int,
    action: Mapping[str, Any],
    now: datetime,
) -> str:
    """Escalate as the SLA sweep does, by the same mail (``case_escalated``) to the
    assignee, or to the group's agents when nobody is assigned. The case's stored alert
    level stays the SLA bookkeeping's: the escalation's level is in its audit entry and
    event (one above the stored level unless the action names one)."""
    locked = load_case(s, actor, case.id, Permission.EDIT_CASE, for_update=True)
    level = int(action.get("level") or locked.alert_level + 1)
    assignee = s.scalar(
        select(CaseMember.user_id).where(
            CaseMember.case_id == case.id,
            CaseMember.role == int(MemberRole.ASSIGNED_USER),
            CaseMember.end_at.is_(None),
        )
    )
    recipients = (
        [int(assignee)]
        if assignee is not None
        else list(
            s.scalars(
                select(GroupMembership.user_id)
                .join(User, User.id == GroupMembership.user_id)
                .where(GroupMembership.group_id == case.group_id, User.is_active.is_(True))
                .order_by(GroupMembership.user_id)
            )
        )
    )
    audit.record(
        s,
        actor,
        case.corporation_id,
        "case.escalated",
        "case",
        case.id,
        case_id=case.id,
        changes={"level": {"from": locked.alert_level, "to": level}},
        at=now,
    )
    audit.emit(
        s,
        case.corporation_id,
        "case.escalated",
        {"case_id": case.id, "level": level, "recipients": recipients, "rule_id": rule_id},
    )
    return f"escalated to level {level}"


def _set_sla_policy(
    s: Session, actor: Principal, case: Case, policy_id: object, now: datetime
) -> str:
    from casedesk.services.rules import sla_pins

    return sla_pins.pin(s, actor, case, policy_id if isinstance(policy_id, int) else None, now)
