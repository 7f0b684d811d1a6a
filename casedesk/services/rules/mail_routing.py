"""Triggers on ``mail_received``: route a mail before a case is chosen for it.

The email channel asks ``kernel.event_hooks.route_mail`` with the mail's facts
(mailbox, sender, subject, headers, text); the corporation's active triggers on
``mail_received`` are tried in order and the first that matches decides: ``route``
sets the new case's group, queue, category or priority, ``drop`` ignores the mail,
``quarantine`` keeps it for someone to look at. A ``stop`` action, or a drop or
quarantine, ends the run; routes of several matching rules add up, the earlier one
winning a field both set.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from casedesk.domain.rules import Facts, matches
from casedesk.services.kernel.clock import utcnow
from casedesk.services.rules import engine, facts

ROUTABLE = ("group_id", "queue_id", "category_id", "priority_id")


def route(s: Session, corporation_id: int, mail: dict[str, Any]) -> dict[str, Any] | None:
    rules = [r for r in engine.active_triggers(s, corporation_id) if "mail_received" in r.events]
    if not rules:
        return None
    sender = facts.address_of(str(mail.get("sender") or ""))
    headers = {str(k).lower(): v for k, v in (mail.get("headers") or {}).items()}
    values: dict[str, Any] = {
        "event.topic": "mail_received",
        "mail.mailbox_id": mail.get("mailbox_id"),
        "message.direction": "inbound",
        "message.visibility": "external",
        "message.text": mail.get("text") or "",
        "message.from": sender,
        "message.from_domain": sender.rpartition("@")[2],
        "message.to": str(headers.get("to") or ""),
        "message.subject": mail.get("subject") or "",
        "actor.kind": "contact",
    } | {f"message.headers.{k}": v for k, v in headers.items()}
    current = Facts(values, utcnow(), facts.calendars(s, corporation_id))
    decision: dict[str, Any] = {}
    for rule in rules:
        if not matches(rule.conditions, current):
            continue
        for action in rule.actions:
            kind = action.get("type")
            if kind in ("drop", "quarantine"):
                return decision | {"outcome": kind, "rule_id": rule.id}
            if kind == "route":
                for name in ROUTABLE:
                    if isinstance(action.get(name), int):
                        decision.setdefault(name, action[name])
                decision.setdefault("rule_id", rule.id)
        if rule.stops:
            break
    return decision or None
