"""Which agents still get a notification mail: each agent chooses, per kind of
notification, whether it also goes by email (``notifications`` keeps the choice)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from casedesk.services.notifications.deriving import escalation_kind
from casedesk.services.notifications.inbox import without_email

#: The agent mail templates that correspond to a kind of notification.
KIND_OF_TEMPLATE = {
    "case_assigned": "assigned",
    "case_mentioned": "mentioned",
    "customer_replied": "replied",
    "case_escalated": "escalated",
}


def wanted(
    s: Session, user_ids: list[int | None], template: str, payload: dict[str, Any]
) -> list[int]:
    """``user_ids`` once each, without those who turned this kind of mail off (an
    escalation before the due date is an SLA warning)."""
    ids = [u for u in dict.fromkeys(user_ids) if u is not None]
    kind = KIND_OF_TEMPLATE.get(template)
    if template == "case_escalated":
        kind = escalation_kind(payload)
    if kind is None:
        return ids
    off = without_email(s, ids, kind)
    return [u for u in ids if u not in off]
