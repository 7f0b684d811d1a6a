"""Conditions evaluated against facts, without a database: :func:`matches` and
:func:`explain` walk the tree (the latter keeping every leaf for "test this rule"),
:func:`compile_conditions` turns it once into a closure for rules tried on every event.

Regular expressions run with a time limit (the ``regex`` package's ``timeout``): a
pattern that takes too long counts as not matching instead of stalling the write it
runs in."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import regex

from casedesk.domain.calendars import BusinessCalendar

#: Longest a regular expression may run on one value.
REGEX_TIMEOUT_SECONDS = 0.05


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
