"""The facts conditions read, gathered from a case and the event that touched it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.calendars import BusinessCalendar
from casedesk.domain.members import MemberRole
from casedesk.domain.rules import Facts
from casedesk.services.cases import custom_fields, tags
from casedesk.services.sla.inputs import business_calendar
from casedesk.store.models import (
    AuditEntry,
    Calendar,
    Case,
    CaseMember,
    CaseMessage,
    Category,
    ContactEmail,
    SlaBreach,
    User,
)

_CASE_COLUMNS = (
    "status",
    "status_id",
    "priority_id",
    "category_id",
    "queue_id",
    "group_id",
    "organization_id",
    "origin",
    "title",
    "description",
    "sla_policy_id",
    "alert_level",
    "from_address",
    "code",
    "asset_id",
)
_ELAPSED = (
    "created_at",
    "updated_at",
    "status_changed_at",
    "internal_updated_at",
    "external_updated_at",
    "awaiting_reply_since",
)


_MEMBER_FIELDS = frozenset(
    {"case.assignee_id", "case.contact_id", "case.follower_ids", "elapsed.assigned_at"}
)


def case_facts(s: Session, case: Case, needs: frozenset[str] | None = None) -> dict[str, Any]:
    """The ``case.*`` and ``elapsed.*`` values of ``case``: all of them, or those of
    ``needs`` (the row's own columns always, the rest only when a condition reads them)."""

    def wanted(*names: str) -> bool:
        return needs is None or any(n in needs for n in names)

    values: dict[str, Any] = {f"case.{name}": getattr(case, name) for name in _CASE_COLUMNS}
    for name in _ELAPSED:
        values[f"elapsed.{name}"] = getattr(case, name)
    if wanted(*_MEMBER_FIELDS):
        values |= _members(s, case.id)
    if wanted("case.tags"):
        values["case.tags"] = tags.names(s, [case.id]).get(case.id, [])
    if needs is None or any(n.startswith("case.custom.") for n in needs):
        for key, value in custom_fields.read_values(s, [case.id]).get(case.id, {}).items():
            values[f"case.custom.{key}"] = value
    if wanted("case.category_path"):
        values["case.category_path"] = category_path(s, case.category_id)
    if wanted("case.sla_breached"):
        values["case.sla_breached"] = (
            s.scalar(select(SlaBreach.id).where(SlaBreach.case_id == case.id).limit(1)) is not None
        )
    return values


def _members(s: Session, case_id: int) -> dict[str, Any]:
    assignee: int | None = None
    assigned_at: datetime | None = None
    contact: int | None = None
    followers: list[int] = []
    for role, user_id, contact_id, start in s.execute(
        select(CaseMember.role, CaseMember.user_id, CaseMember.contact_id, CaseMember.start_at)
        .where(CaseMember.case_id == case_id, CaseMember.end_at.is_(None))
        .order_by(CaseMember.id)
    ):
        if role == int(MemberRole.ASSIGNED_USER):
            assignee, assigned_at = user_id, start
        elif role == int(MemberRole.FOLLOWER) and user_id is not None:
            followers.append(user_id)
        elif role == int(MemberRole.CONTACT) and contact is None:
            contact = contact_id
    return {
        "case.assignee_id": assignee,
        "elapsed.assigned_at": assigned_at,
        "case.contact_id": contact,
        "case.follower_ids": followers,
    }


def category_path(s: Session, category_id: int | None) -> list[int]:
    """The category and its ancestors' ids, the category first."""
    path: list[int] = []
    while category_id is not None and category_id not in path and len(path) < 50:
        path.append(category_id)
        category_id = s.scalar(select(Category.parent_id).where(Category.id == category_id))
    return path


def message_facts(s: Session, message_id: object) -> dict[str, Any]:
    """The ``message.*`` values of a case message (empty for no message)."""
    msg = s.get(CaseMessage, message_id) if isinstance(message_id, int) else None
    if msg is None:
        return {}
    headers = {str(k).lower(): v for k, v in (msg.email_headers or {}).items()}
    sender = str(headers.get("from") or "")
    if not sender and msg.author_contact_id is not None:
        sender = (
            s.scalar(
                select(ContactEmail.email)
                .where(ContactEmail.contact_id == msg.author_contact_id)
                .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
                .limit(1)
            )
            or ""
        )
    if not sender and msg.author_user_id is not None:
        sender = s.scalar(select(User.email).where(User.id == msg.author_user_id)) or ""
    values: dict[str, Any] = {
        "message.direction": msg.direction,
        "message.visibility": msg.visibility,
        "message.is_system": msg.is_system,
        "message.text": msg.body_text,
        "message.from": address_of(sender),
        "message.from_domain": address_of(sender).rpartition("@")[2],
        "message.to": str(headers.get("to") or ""),
        "message.subject": str(headers.get("subject") or ""),
    }
    for name, value in headers.items():
        values[f"message.headers.{name}"] = value
    return values


def address_of(value: str) -> str:
    """``a@b.c`` out of ``Name <a@b.c>``, lower-cased."""
    value = value.strip()
    if "<" in value and value.endswith(">"):
        value = value[value.rindex("<") + 1 : -1]
    return value.strip().lower()


def actor_facts(s: Session, case_id: int, depth: int) -> dict[str, Any]:
    """Who made the change: ``rule`` for a rule's own change, else from the last audit
    entry of the case (``agent``, ``contact`` for the portal and mail channels, ``system``)."""
    row = s.execute(
        select(AuditEntry.actor_user_id, AuditEntry.actor_label)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    user_id, label = (row[0], row[1]) if row is not None else (None, "system")
    if depth > 0 or label.startswith("rule:"):
        return {"actor.kind": "rule", "actor.user_id": None}
    if user_id is None:
        return {"actor.kind": "system", "actor.user_id": None}
    email = s.scalar(select(User.email).where(User.id == user_id)) or ""
    if email.endswith("@casedesk.invalid"):
        return {"actor.kind": "contact", "actor.user_id": None}
    return {"actor.kind": "agent", "actor.user_id": user_id}


def calendars(s: Session, corporation_id: int) -> dict[int, BusinessCalendar]:
    rows = s.execute(
        select(Calendar.id, Calendar.time_zone, Calendar.hours, Calendar.holidays).where(
            Calendar.corporation_id == corporation_id
        )
    ).all()
    return {r[0]: business_calendar(r[1], r[2], r[3]) for r in rows}


def build(
    s: Session,
    case: Case,
    now: datetime,
    *,
    event: dict[str, Any] | None = None,
    depth: int = 0,
    needs: frozenset[str] | None = None,
) -> Facts:
    """The facts of ``case`` and its event; with ``needs``, only what those fields read."""

    def wanted(prefix: str) -> bool:
        return needs is None or any(n.startswith(prefix) for n in needs)

    values = case_facts(s, case, needs)
    if event is not None:
        values |= {k: v for k, v in event.items() if not k.startswith("_")}
        if wanted("message."):
            values |= message_facts(s, event.get("_message_id"))
    if wanted("actor."):
        values |= actor_facts(s, case.id, depth)
    cals = calendars(s, case.corporation_id) if wanted("time.") else {}
    return Facts(values, now, cals)
