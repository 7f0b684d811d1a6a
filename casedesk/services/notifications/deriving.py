"""From outbox events to notification rows, in the transaction that emits the events.

| event | kind | who |
|---|---|---|
| case.created (with an assignee), case.updated (assignee) | assigned | the assignee |
| case.mentioned | mentioned | the agents named |
| message.added (a customer's external message) | replied | the assignee and followers |
| sla.breached | sla_breach | the assignee |
| case.escalated (before the target's due date) | sla_warning | the users the event names |
| case.escalated (at or past the due date) | escalated | the users the event names |

A user gets a notification only about a case they may see at that moment (their
groups, corporation, active account); listing checks it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.services.identity.auth import principal_for
from casedesk.services.kernel.access import readable_cases
from casedesk.services.kernel.audit import Event
from casedesk.services.kernel.clock import utcnow
from casedesk.store.models import Case, CaseMember, Notification, User

KINDS = ("assigned", "mentioned", "replied", "sla_warning", "sla_breach", "escalated")

_INSERT = insert(Notification)


def on_events(session: Session, events: list[Event]) -> None:
    """Write the notifications ``events`` cause (see the table above)."""
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for corporation_id, topic, payload in events:
        case_id = payload.get("case_id")
        if not isinstance(case_id, int):
            continue
        found = _recipients(session, topic, payload, case_id)
        if found is None:
            continue
        kind, user_ids = found
        for user_id in _who_may_see(session, corporation_id, case_id, user_ids):
            rows.append(
                {
                    "corporation_id": corporation_id,
                    "user_id": user_id,
                    "case_id": case_id,
                    "kind": kind,
                    "created_at": _when(payload.get("at")) or now,
                }
            )
    if rows:
        session.connection().execute(_INSERT, rows)


def _recipients(
    s: Session, topic: str, p: dict[str, Any], case_id: int
) -> tuple[str, list[int]] | None:
    if topic == "case.created" or (
        topic == "case.updated" and "assignee_id" in (p.get("fields") or [])
    ):
        return "assigned", _members(s, case_id, MemberRole.ASSIGNED_USER)
    if topic == "case.mentioned":
        return "mentioned", _ints(p.get("user_ids"))
    if topic == "message.added":
        customer = p.get("direction") == "inbound" and p.get("visibility") == "external"
        if customer and not p.get("is_system"):
            return "replied", _members(s, case_id, MemberRole.ASSIGNED_USER, MemberRole.FOLLOWER)
        return None
    if topic == "sla.breached":
        return "sla_breach", _members(s, case_id, MemberRole.ASSIGNED_USER)
    if topic == "case.escalated":
        return escalation_kind(p), _ints(p.get("recipients"))
    return None


def escalation_kind(payload: dict[str, Any]) -> str:
    """``sla_warning`` for an alert level reached before the target's due date, else
    ``escalated``."""
    at, due = _when(payload.get("at")), _when(payload.get("due_at"))
    return "sla_warning" if at is not None and due is not None and at < due else "escalated"


def _when(value: object) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) and value.tzinfo is not None else None


def _ints(value: object) -> list[int]:
    return [i for i in value if isinstance(i, int)] if isinstance(value, list) else []


def _members(s: Session, case_id: int, *roles: MemberRole) -> list[int]:
    return [
        u
        for u in s.scalars(
            select(CaseMember.user_id)
            .where(
                CaseMember.case_id == case_id,
                CaseMember.role.in_([int(r) for r in roles]),
                CaseMember.end_at.is_(None),
                CaseMember.user_id.is_not(None),
            )
            .order_by(CaseMember.role, CaseMember.id)
        )
        if u is not None
    ]


def _who_may_see(s: Session, corporation_id: int, case_id: int, user_ids: list[int]) -> list[int]:
    if not user_ids:
        return []
    users = s.scalars(
        select(User).where(
            User.id.in_(dict.fromkeys(user_ids)),
            User.corporation_id == corporation_id,
            User.is_active.is_(True),
        )
    ).all()
    out = []
    for user in users:
        principal = principal_for(s, user)
        seen = readable_cases(principal).where(Case.id == case_id).with_only_columns(Case.id)
        if s.scalar(seen) is not None:
            out.append(user.id)
    return out
