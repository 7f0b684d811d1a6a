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

What a rule may say and the checks on saving are in ``vocabulary``; evaluating
conditions, walked or compiled, in ``conditions``. Both are imported from here.
"""

from __future__ import annotations

from casedesk.domain.rules.conditions import (
    REGEX_TIMEOUT_SECONDS,
    Facts,
    Predicate,
    Trace,
    compile_conditions,
    explain,
    fields_of,
    matches,
)
from casedesk.domain.rules.vocabulary import (
    ACTION_TYPES,
    ASSIGN_STRATEGIES,
    CASE_FIELDS,
    ELAPSED_FIELDS,
    EVENT_FIELDS,
    FAMILIES,
    MAIL_TARGETS,
    MAX_DEPTH,
    MAX_NESTING,
    OPERATORS,
    RULE_MAIL_TEMPLATES,
    SETTABLE_FIELDS,
    TRIGGER_EVENTS,
    check_actions,
    check_conditions,
    has_stop,
    is_known_field,
)

__all__ = [
    "ACTION_TYPES",
    "ASSIGN_STRATEGIES",
    "CASE_FIELDS",
    "ELAPSED_FIELDS",
    "EVENT_FIELDS",
    "FAMILIES",
    "MAIL_TARGETS",
    "MAX_DEPTH",
    "MAX_NESTING",
    "OPERATORS",
    "REGEX_TIMEOUT_SECONDS",
    "RULE_MAIL_TEMPLATES",
    "SETTABLE_FIELDS",
    "TRIGGER_EVENTS",
    "Facts",
    "Predicate",
    "Trace",
    "check_actions",
    "check_conditions",
    "compile_conditions",
    "explain",
    "fields_of",
    "has_stop",
    "is_known_field",
    "matches",
]
