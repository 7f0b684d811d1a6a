"""What a rule may say: the events that fire triggers, the fields conditions read, the
operators, the actions and their arguments, and the checks that refuse anything else
when a rule is saved (:func:`check_conditions`, :func:`check_actions`), never silently
false at run time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import regex

from casedesk.domain.errors import ValidationFailed

#: How deep all/any/none may nest.
MAX_NESTING = 8
#: How deep rules' own changes may fire further rules before the chain is stopped.
MAX_DEPTH = 5

TRIGGER_EVENTS = (
    "case_created",
    "case_updated",
    "message_added",
    "status_changed",
    "assigned",
    "sla_warning",
    "sla_breached",
    "mail_received",
    "survey_answered",
)

OPERATORS = frozenset(
    {
        "eq",
        "ne",
        "in",
        "not_in",
        "contains",
        "not_contains",
        "matches",
        "is_set",
        "is_not_set",
        "gt",
        "gte",
        "lt",
        "lte",
        "under",
        "changed",
    }
)

#: Field names a condition may name; ``case.custom.<key>`` and ``message.headers.<name>``
#: and ``elapsed.<timestamp>`` are open families.
CASE_FIELDS = frozenset(
    {
        "status",
        "status_id",
        "priority_id",
        "category_id",
        "queue_id",
        "group_id",
        "assignee_id",
        "organization_id",
        "contact_id",
        "origin",
        "title",
        "description",
        "tags",
        "follower_ids",
        "sla_policy_id",
        "alert_level",
        "sla_breached",
        "from_address",
        "code",
        "asset_id",
    }
)
EVENT_FIELDS = frozenset(
    {
        "event.topic",
        "event.changed",
        "message.direction",
        "message.visibility",
        "message.is_system",
        "message.text",
        "message.from",
        "message.from_domain",
        "message.to",
        "message.subject",
        "mail.mailbox_id",
        "actor.kind",
        "actor.user_id",
        "time.business_hours",
        "survey.rating",
        "survey.comment",
    }
)
FAMILIES = ("case.custom.", "message.headers.", "elapsed.")
ELAPSED_FIELDS = frozenset(
    {
        "created_at",
        "updated_at",
        "status_changed_at",
        "assigned_at",
        "internal_updated_at",
        "external_updated_at",
        "awaiting_reply_since",
    }
)

ACTION_TYPES = frozenset(
    {
        "set",
        "assign",
        "add_tags",
        "remove_tags",
        "add_followers",
        "remove_followers",
        "note",
        "mail",
        "set_sla_policy",
        "escalate",
        "webhook",
        "stop",
        "route",
        "drop",
        "quarantine",
        "apply_suggestion",
    }
)
SETTABLE_FIELDS = frozenset(
    {
        "status",
        "status_id",
        "priority_id",
        "category_id",
        "queue_id",
        "group_id",
        "organization_id",
        "contact_id",
        "title",
        "deadline_at",
        "code",
        "custom_fields",
    }
)
#: The shipped mail templates a rule may send (each replaceable per corporation).
RULE_MAIL_TEMPLATES = frozenset(
    {"rule_mail", "case_assigned", "case_created_contact", "case_closed_contact", "case_escalated"}
)
MAIL_TARGETS = frozenset({"contact", "assignee", "group", "address"})
#: ``category``: the case category's own rules, as the API's ``auto_assign`` flag.
ASSIGN_STRATEGIES = frozenset({"user", "round_robin", "least_open", "category", "none"})


def is_known_field(name: str) -> bool:
    if name.startswith("case."):
        rest = name[5:]
        return rest in CASE_FIELDS or rest == "category_path" or name.startswith("case.custom.")
    if name.startswith("elapsed."):
        return name[8:] in ELAPSED_FIELDS
    return name in EVENT_FIELDS or name.startswith("message.headers.")


def check_conditions(node: Any, path: str = "conditions", depth: int = 0) -> None:
    """Refuse a malformed condition tree, naming where it is wrong."""
    if node is None or node == {}:
        return
    if depth > MAX_NESTING:
        raise ValidationFailed(f"{path}: nested deeper than {MAX_NESTING}", field=path)
    if not isinstance(node, dict):
        raise ValidationFailed(f"{path} must be an object", field=path)
    groups = [k for k in ("all", "any", "none") if k in node]
    if groups:
        if len(node) != 1 or not isinstance(node[groups[0]], list):
            raise ValidationFailed(f"{path}: all/any/none takes one list alone", field=path)
        for i, child in enumerate(node[groups[0]]):
            check_conditions(child, f"{path}.{groups[0]}[{i}]", depth + 1)
        return
    name, op = node.get("field"), node.get("op", "eq")
    if not isinstance(name, str) or not is_known_field(name):
        raise ValidationFailed(f"{path}: unknown field {name!r}", field=path)
    if op not in OPERATORS:
        raise ValidationFailed(f"{path}: unknown operator {op!r}", field=path)
    if op == "matches":
        try:
            regex.compile(str(node.get("value", "")))
        except regex.error as exc:
            raise ValidationFailed(f"{path}: bad regular expression: {exc}", field=path) from None


def check_actions(actions: Any, *, path: str = "actions") -> None:
    """Refuse an action list with unknown types or missing arguments."""
    if not isinstance(actions, list):
        raise ValidationFailed(f"{path} must be a list", field=path)
    for i, action in enumerate(actions):
        where = f"{path}[{i}]"
        kind = action.get("type") if isinstance(action, dict) else None
        if kind not in ACTION_TYPES:
            raise ValidationFailed(f"{where}: unknown action type {kind!r}", field=path)
        _check_action(kind, action, where)


def _check_action(kind: str, action: dict[str, Any], where: str) -> None:
    def need(key: str, types: type | tuple[type, ...]) -> None:
        if not isinstance(action.get(key), types) or isinstance(action.get(key), bool):
            raise ValidationFailed(f"{where}: {kind} needs {key}", field="actions")

    if kind == "set" and action.get("field") not in SETTABLE_FIELDS:
        raise ValidationFailed(f"{where}: cannot set {action.get('field')!r}", field="actions")
    if kind == "assign":
        strategy = action.get("strategy", "user")
        if strategy not in ASSIGN_STRATEGIES:
            raise ValidationFailed(f"{where}: unknown strategy {strategy!r}", field="actions")
        if strategy == "user":
            need("user_id", int)
    if kind in ("add_tags", "remove_tags"):
        tags = action.get("tags")
        if (
            not isinstance(tags, list)
            or not tags
            or not all(isinstance(t, str) and 0 < len(t.strip()) <= 100 for t in tags)
        ):
            raise ValidationFailed(f"{where}: {kind} needs tags", field="actions")
    if kind in ("add_followers", "remove_followers"):
        ids = action.get("user_ids")
        if not isinstance(ids, list) or not all(isinstance(u, int) for u in ids):
            raise ValidationFailed(f"{where}: {kind} needs user_ids", field="actions")
    if kind == "note":
        need("text", str)
    if kind == "mail":
        if action.get("template") not in RULE_MAIL_TEMPLATES:
            names = ", ".join(sorted(RULE_MAIL_TEMPLATES))
            raise ValidationFailed(f"{where}: mail template one of {names}", field="actions")
        if action.get("to") not in MAIL_TARGETS:
            raise ValidationFailed(
                f"{where}: mail to one of {sorted(MAIL_TARGETS)}", field="actions"
            )
        if action["to"] == "address":
            need("address", str)
    if kind == "webhook":
        need("webhook_id", int)
    if kind == "escalate" and "level" in action:
        need("level", int)


def has_stop(actions: Sequence[Mapping[str, Any]]) -> bool:
    return any(a.get("type") == "stop" for a in actions)
