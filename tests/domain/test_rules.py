"""The rules vocabulary: every operator, all/any/none, time conditions, the regular
expression time limit, and what a rule may not say."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from casedesk.domain.calendars import BusinessCalendar
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.rules import (
    Facts,
    check_actions,
    check_conditions,
    compile_conditions,
    explain,
    fields_of,
    matches,
)

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday
VALUES: dict[str, Any] = {
    "case.priority_id": 2,
    "case.title": "Printer on floor 3 is DOWN",
    "case.tags": ["printer", "VIP"],
    "case.assignee_id": None,
    "case.category_path": [7, 3, 1],
    "case.custom.contract": "gold",
    "event.changed": ["status", "title"],
    "message.from_domain": "customer.example",
    "message.headers.x-priority": "1",
    "elapsed.created_at": NOW - timedelta(hours=50),
}
OFFICE = BusinessCalendar.weekly("UTC", {d: [(time(9), time(17))] for d in range(5)})
FACTS = Facts(VALUES, NOW, {1: OFFICE})


def leaf(field: str, op: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value, **extra}


TABLE = [
    (leaf("case.priority_id", "eq", 2), True),
    (leaf("case.priority_id", "ne", 2), False),
    (leaf("case.priority_id", "in", [1, 2]), True),
    (leaf("case.priority_id", "not_in", [1, 2]), False),
    (leaf("case.priority_id", "gt", 1), True),
    (leaf("case.priority_id", "lte", 1), False),
    (leaf("case.title", "contains", "down"), True),
    (leaf("case.title", "not_contains", "down"), False),
    (leaf("case.title", "eq", "printer on floor 3 is down"), True),
    (leaf("case.title", "matches", r"floor \d+"), True),
    (leaf("case.title", "matches", r"^floor"), False),
    (leaf("case.tags", "contains", "vip"), True),
    (leaf("case.tags", "contains", "network"), False),
    (leaf("case.assignee_id", "is_not_set"), True),
    (leaf("case.assignee_id", "is_set"), False),
    (leaf("case.category_path", "under", 3), True),
    (leaf("case.category_path", "under", 9), False),
    (leaf("case.custom.contract", "eq", "gold"), True),
    (leaf("case.custom.missing", "is_not_set"), True),
    (leaf("event.changed", "changed", "status"), True),
    (leaf("event.changed", "changed", "priority_id"), False),
    (leaf("message.from_domain", "eq", "customer.example"), True),
    (leaf("message.headers.x-priority", "eq", "1"), True),
    (leaf("time.business_hours", "eq", True, calendar_id=1), True),
    (leaf("time.business_hours", "eq", True, calendar_id=99), False),
    # 50 calendar hours since Monday 08:00 ...
    (leaf("elapsed.created_at", "gt", 49 * 60), True),
    # ... are Mon 9-17, Tue 9-17 and Wed 9-10: 17 office hours
    (leaf("elapsed.created_at", "gt", 17 * 60, calendar_id=1), False),
    (leaf("elapsed.created_at", "gte", 17 * 60, calendar_id=1), True),
    (leaf("elapsed.status_changed_at", "gt", 0), False),
    (leaf("case.priority_id", "gt", "a"), False),
]


@pytest.mark.parametrize(("condition", "expected"), TABLE, ids=[str(c) for c, _ in TABLE])
def test_each_operator(condition: dict[str, Any], expected: bool) -> None:
    check_conditions(condition)
    assert matches(condition, FACTS) is expected


YES = leaf("case.priority_id", "eq", 2)
NO = leaf("case.priority_id", "eq", 3)


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"all": [YES, YES]}, True),
        ({"all": [YES, NO]}, False),
        ({"any": [NO, YES]}, True),
        ({"any": [NO, NO]}, False),
        ({"none": [NO, NO]}, True),
        ({"none": [NO, YES]}, False),
        ({"all": [YES, {"any": [NO, {"none": [NO]}]}]}, True),
        ({"all": []}, True),
        ({}, True),
    ],
)
def test_all_any_none(tree: dict[str, Any], expected: bool) -> None:
    assert matches(tree, FACTS) is expected


def test_explain_reports_every_leaf() -> None:
    matched, trace = explain({"all": [NO, YES]}, FACTS)
    assert matched is False
    assert [(t.condition["value"], t.actual, t.matched) for t in trace] == [
        (3, 2, False),
        (2, 2, True),
    ]


def test_a_runaway_regular_expression_is_cut_off_as_no_match() -> None:
    facts = Facts({"message.text": "a" * 40 + "!"}, NOW)
    condition = leaf("message.text", "matches", r"^(a+)+$")
    assert matches(condition, facts) is False


@pytest.mark.parametrize(
    ("tree", "says"),
    [
        (leaf("case.unknown", "eq", 1), "unknown field"),
        (leaf("case.title", "resembles", 1), "unknown operator"),
        (leaf("case.title", "matches", "(unclosed"), "regular expression"),
        ({"all": YES}, "one list"),
        ({"all": [YES], "any": [YES]}, "one list"),
        ([YES], "object"),
        (leaf("elapsed.lunch_at", "gt", 1), "unknown field"),
    ],
)
def test_malformed_conditions_are_refused(tree: Any, says: str) -> None:
    with pytest.raises(ValidationFailed, match=says):
        check_conditions(tree)


def test_conditions_nest_only_so_deep() -> None:
    tree: dict[str, Any] = YES
    for _ in range(12):
        tree = {"all": [tree]}
    with pytest.raises(ValidationFailed, match="nested deeper"):
        check_conditions(tree)


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ({"type": "launch"}, "unknown action type"),
        ({"type": "set", "field": "number", "value": 1}, "cannot set"),
        ({"type": "assign", "strategy": "lottery"}, "unknown strategy"),
        ({"type": "assign"}, "needs user_id"),
        ({"type": "add_tags", "tags": []}, "needs tags"),
        ({"type": "add_followers", "user_ids": ["x"]}, "needs user_ids"),
        ({"type": "note"}, "needs text"),
        ({"type": "mail", "template": "nope", "to": "contact"}, "template"),
        ({"type": "mail", "template": "rule_mail", "to": "moon"}, "mail to"),
        ({"type": "mail", "template": "rule_mail", "to": "address"}, "needs address"),
        ({"type": "webhook"}, "needs webhook_id"),
    ],
)
def test_malformed_actions_are_refused(action: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationFailed, match=says):
        check_actions([action])


def test_every_action_type_has_a_valid_form() -> None:
    check_actions(
        [
            {"type": "set", "field": "priority_id", "value": 1},
            {"type": "assign", "user_id": 3},
            {"type": "assign", "strategy": "round_robin", "group_id": 2},
            {"type": "assign", "strategy": "least_open"},
            {"type": "assign", "strategy": "category"},
            {"type": "add_tags", "tags": ["a"]},
            {"type": "remove_tags", "tags": ["a"]},
            {"type": "add_followers", "user_ids": [1]},
            {"type": "remove_followers", "user_ids": [1]},
            {"type": "note", "text": "hi"},
            {"type": "mail", "template": "rule_mail", "to": "address", "address": "a@b.c"},
            {"type": "set_sla_policy", "policy_id": 1},
            {"type": "set_sla_policy", "policy_id": None},
            {"type": "escalate"},
            {"type": "webhook", "webhook_id": 4},
            {"type": "stop"},
        ]
    )


@pytest.mark.parametrize(("condition", "expected"), TABLE, ids=[str(c) for c, _ in TABLE])
def test_compiled_conditions_agree(condition: dict[str, Any], expected: bool) -> None:
    assert compile_conditions(condition)(FACTS) is expected
    assert compile_conditions({"none": [condition]})(FACTS) is (not expected)
    assert compile_conditions({"any": [NO, condition]})(FACTS) is expected


def test_fields_of_names_what_a_rule_reads() -> None:
    tree = {"all": [YES, {"any": [leaf("case.tags", "contains", "x")]}]}
    assert fields_of(tree) == {"case.priority_id", "case.tags"}
    assert fields_of(leaf("elapsed.created_at", "gt", 1, calendar_id=1)) == {
        "elapsed.created_at",
        "time.business_hours",
    }
