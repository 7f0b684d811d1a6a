"""The vocabulary of rules (triggers, automations, macros) and its pure evaluation.

A rule is conditions over *facts* plus a list of actions. Facts are a flat mapping the
services build from a case and the event that touched it (``case.priority_id``,
``case.tags``, ``message.text``, ``actor.kind``, ``elapsed.status_changed_at`` …, see
docs/rules.md); evaluation here only reads that mapping, the clock it is given and the
business calendars it is given, so it runs without a database and fast enough to try a
thousand rules per event.

Conditions nest: ``{"all": [...]}``, ``{"any": [...]}``, ``{"none": [...]}`` and leaves
``{"field": NAME, "op": OP, "value": V}``. Unknown fields or operators are refused when
a rule is saved (:func:`check_conditions`), never silently false at run time. Regular
expressions run with a time limit (the ``regex`` package's ``timeout``): a pattern that
takes too long counts as not matching instead of stalling the write it runs in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import regex

from casedesk.domain.calendars import BusinessCalendar
from casedesk.domain.errors import ValidationFailed

#: Longest a regular expression may run on one value.
REGEX_TIMEOUT_SECONDS = 0.05
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


@dataclass(frozen=True, slots=True)
class Facts:
    """What conditions read: ``values`` by field name, the instant, the calendars."""

    values: Mapping[str, Any]
    now: datetime
    calendars: Mapping[int, BusinessCalendar] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Trace:
    """One leaf as evaluated, for "test this rule": the leaf, its value and the result."""

    condition: dict[str, Any]
    actual: Any
    matched: bool


def matches(conditions: Mapping[str, Any] | None, facts: Facts) -> bool:
    """Whether ``conditions`` hold for ``facts`` (no conditions: always)."""
    if not conditions:
        return True
    return _node(conditions, facts, None)


def explain(conditions: Mapping[str, Any] | None, facts: Facts) -> tuple[bool, list[Trace]]:
    """:func:`matches` with every leaf it evaluated (all of them, not only until decided)."""
    trace: list[Trace] = []
    if not conditions:
        return True, trace
    return _node(conditions, facts, trace), trace


def _node(node: Mapping[str, Any], facts: Facts, trace: list[Trace] | None) -> bool:
    if "all" in node:
        results = (_node(c, facts, trace) for c in node["all"])
        return all(list(results)) if trace is not None else all(results)
    if "any" in node:
        results = (_node(c, facts, trace) for c in node["any"])
        return any(list(results)) if trace is not None else any(results)
    if "none" in node:
        results = (_node(c, facts, trace) for c in node["none"])
        return not any(list(results)) if trace is not None else not any(results)
    actual = _actual(node, facts)
    result = _compare(node.get("op", "eq"), actual, node.get("value"))
    if trace is not None:
        trace.append(Trace(dict(node), actual, result))
    return result


def _actual(leaf: Mapping[str, Any], facts: Facts) -> Any:
    name: str = leaf["field"]
    if name == "time.business_hours":
        calendar = facts.calendars.get(leaf.get("calendar_id") or 0)
        return calendar.is_open(facts.now) if calendar is not None else None
    if name.startswith("elapsed."):
        since = facts.values.get(name)
        if not isinstance(since, datetime) or since > facts.now:
            return None
        calendar = facts.calendars.get(leaf.get("calendar_id") or 0)
        if calendar is not None:
            return calendar.working_seconds(since, facts.now) / 60
        return (facts.now - since).total_seconds() / 60
    return facts.values.get(name)


def _compare(op: str, actual: Any, value: Any) -> bool:
    if op == "eq":
        return bool(_norm(actual) == _norm(value))
    if op == "ne":
        return bool(_norm(actual) != _norm(value))
    if op == "in":
        return _norm(actual) in [_norm(v) for v in _seq(value)]
    if op == "not_in":
        return _norm(actual) not in [_norm(v) for v in _seq(value)]
    if op == "is_set":
        return actual not in (None, "", [])
    if op == "is_not_set":
        return actual in (None, "", [])
    if op in ("contains", "not_contains"):
        found = _contains(actual, value)
        return found if op == "contains" else not found
    if op == "changed":
        return isinstance(actual, list | tuple | set | frozenset) and value in actual
    if op == "under":  # category subtree: actual is the category's path from the root
        return isinstance(actual, list | tuple) and value in actual
    if op == "matches":
        return isinstance(actual, str) and _search(str(value), actual)
    if actual is None or value is None:
        return False
    try:
        if op == "gt":
            return bool(actual > value)
        if op == "gte":
            return bool(actual >= value)
        if op == "lt":
            return bool(actual < value)
        if op == "lte":
            return bool(actual <= value)
    except TypeError:
        return False
    return False


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _seq(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else [value]


def _contains(actual: Any, value: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(value, str) and value.lower() in actual.lower()
    if isinstance(actual, list | tuple | set | frozenset):
        wanted = _norm(value)
        return any(_norm(a) == wanted for a in actual)
    return False


def _search(pattern: str, text: str) -> bool:
    try:
        return regex.search(pattern, text, timeout=REGEX_TIMEOUT_SECONDS) is not None
    except (TimeoutError, regex.error):
        return False


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


# --------------------------------------------------------------------------- compiled


Predicate = Callable[[Facts], bool]


def compile_conditions(tree: Mapping[str, Any] | None) -> Predicate:
    """``matches`` turned into a closure once, for rules tried on every event: values
    are normalised and operators chosen when the rule is loaded, not per event."""
    if not tree:
        return _always
    for key, combine in (("all", _all), ("any", _any), ("none", _none)):
        if key in tree:
            return combine(tuple(compile_conditions(c) for c in tree[key]))
    return _leaf(tree)


def fields_of(tree: Mapping[str, Any] | None) -> set[str]:
    """Every field name a condition tree reads (what facts must be gathered)."""
    if not tree:
        return set()
    for key in ("all", "any", "none"):
        if key in tree:
            return set().union(*(fields_of(c) for c in tree[key])) if tree[key] else set()
    found = {str(tree.get("field"))}
    if tree.get("calendar_id") is not None:
        found.add("time.business_hours")
    return found


def _always(_: Facts) -> bool:
    return True


def _all(parts: tuple[Predicate, ...]) -> Predicate:
    def run(f: Facts) -> bool:
        for p in parts:  # noqa: SIM110 - faster than all() over a generator, per event
            if not p(f):
                return False
        return True

    return run


def _any(parts: tuple[Predicate, ...]) -> Predicate:
    def run(f: Facts) -> bool:
        for p in parts:  # noqa: SIM110 - faster than any() over a generator, per event
            if p(f):
                return True
        return False

    return run


def _none(parts: tuple[Predicate, ...]) -> Predicate:
    one = _any(parts)
    return lambda f: not one(f)


def _leaf(leaf: Mapping[str, Any]) -> Predicate:
    name, op, value = leaf["field"], leaf.get("op", "eq"), leaf.get("value")
    if name == "time.business_hours" or name.startswith("elapsed."):
        frozen = dict(leaf)
        return lambda f: _compare(op, _actual(frozen, f), value)
    wanted = _norm(value)
    if op in ("eq", "ne") and not isinstance(wanted, list | dict):
        equal = (lambda a: a == wanted) if not isinstance(wanted, str) else _text_eq(wanted)
        if op == "eq":
            return lambda f: equal(f.values.get(name))
        return lambda f: not equal(f.values.get(name))
    if op in ("in", "not_in"):
        try:
            options: frozenset[Any] | list[Any] = frozenset(_norm(v) for v in _seq(value))
        except TypeError:
            options = [_norm(v) for v in _seq(value)]
        if op == "in":
            return lambda f: _in(f.values.get(name), options)
        return lambda f: not _in(f.values.get(name), options)
    if op == "contains" and isinstance(wanted, str):
        return lambda f: _contains_text(f.values.get(name), wanted)
    return lambda f: _compare(op, f.values.get(name), value)


def _text_eq(wanted: str) -> Callable[[Any], bool]:
    return lambda a: isinstance(a, str) and a.lower() == wanted


def _in(actual: Any, options: frozenset[Any] | list[Any]) -> bool:
    try:
        return _norm(actual) in options
    except TypeError:  # an unhashable value is in no set of options
        return False


def _contains_text(actual: Any, wanted: str) -> bool:
    if isinstance(actual, str):
        return wanted in actual.lower()
    if isinstance(actual, list | tuple | set | frozenset):
        return any(isinstance(a, str) and a.lower() == wanted for a in actual)
    return False
