"""A case's history as people read it: each audit entry told in sentences with names
(``domain.history``), the raw entry kept beside it for whoever wants the detail.

This is where ids become names: statuses, priorities, categories, queues and groups of
the case's corporation, users (the accounts channels act as are named as their
channel: "by email"), and the contacts who wrote inbound messages. Entries that say
nothing a reader would see (a field set to the value it had) are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.history import Actor, Entry, sentences
from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import (
    AuditEntry,
    CaseMessage,
    CaseStatus,
    Category,
    Contact,
    ContactEmail,
    Group,
    Priority,
    Queue,
    User,
)

#: The accounts channels act as (``identity.channel_accounts``), by address prefix.
_CHANNEL_ACCOUNTS = {"email-channel+": "email", "portal+": "portal"}
#: Audit labels of writes with no user behind them.
_LABELS = {"email": "email", "portal": "portal", "scheduler": "scheduler"}
_REFERENCE: dict[
    str, type[CaseStatus] | type[Priority] | type[Category] | type[Queue] | type[Group]
] = {
    "status_id": CaseStatus,
    "last_open_status_id": CaseStatus,
    "priority_id": Priority,
    "category_id": Category,
    "queue_id": Queue,
    "group_id": Group,
}
_USER_FIELDS = frozenset({"assignee_id", "assigned_user", "owner_id", "members.1", "members.2"})


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One entry of the history: when, its sentences, and the raw entry."""

    at: datetime
    sentences: list[str]
    action: str
    raw: str


@dataclass(slots=True)
class _Names:
    reference: dict[tuple[str, int], str]
    users: dict[int, User]
    contacts: dict[int, str]

    def actor(self, user_id: int | None, label: str) -> Actor:
        if user_id is None:
            return Actor(channel=_LABELS.get(label, "system"))
        user = self.users.get(user_id)
        if user is None:
            return Actor(name=f"user {user_id}")
        for prefix, channel in _CHANNEL_ACCOUNTS.items():
            if user.email.startswith(prefix) and user.email.endswith("@casedesk.invalid"):
                return Actor(channel=channel)
        return Actor(name=user.name or user.email)

    def __call__(self, field: str, value: object) -> str:
        if value is None or value == "" or value == []:
            return ""
        if isinstance(value, list):
            return ", ".join(self(field, v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int):
            if field in _REFERENCE:
                return self.reference.get((field, value), f"#{value}")
            if field in _USER_FIELDS:
                user = self.users.get(value)
                return (user.name or user.email) if user else f"user {value}"
            if field in ("contact_id", "members.20"):
                return self.contacts.get(value, f"contact {value}")
            if field == "status":
                return InternalStatus(value).name.replace("_", " ").capitalize()
        if isinstance(value, str):
            return value
        return json.dumps(value, default=str, ensure_ascii=False)


def readable_history(db: Database, principal: Principal, case_id: int) -> list[HistoryLine]:
    """The case's history, newest first, as sentences; NotFound for a case the caller
    may not see."""
    with db.read() as s:
        case = load_case(s, principal, case_id)
        entries = list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
            )
        )
        names = _names(s, case.corporation_id, entries)
        senders = _senders(s, case_id, entries, names)
    lines = []
    for e in reversed(entries):
        said = sentences(
            Entry(
                e.action,
                names.actor(e.actor_user_id, e.actor_label),
                e.changes or {},
                senders.get(e.entity_id, "") if e.entity_type == "message" else "",
            ),
            names,
        )
        if said:
            raw = json.dumps(e.changes, default=str, ensure_ascii=False, indent=1, sort_keys=True)
            lines.append(HistoryLine(e.at, said, e.action, raw))
    return lines


def _names(s: Session, corporation_id: int, entries: list[AuditEntry]) -> _Names:
    reference: dict[tuple[str, int], str] = {}
    for field, model in _REFERENCE.items():
        rows = s.execute(select(model.id, model.name).where(model.corporation_id == corporation_id))
        reference |= {(field, row.id): row.name for row in rows}
    user_ids: set[int] = {e.actor_user_id for e in entries if e.actor_user_id is not None}
    contact_ids: set[int] = set()
    for e in entries:
        for field, change in (e.changes or {}).items():
            values = _values(change)
            if field in _USER_FIELDS:
                user_ids |= values
            elif field in ("contact_id", "members.20"):
                contact_ids |= values
    users = {
        u.id: u
        for u in s.scalars(
            select(User).where(User.corporation_id == corporation_id, User.id.in_(user_ids))
        )
    }
    contacts = {
        c.id: f"{c.first_name} {c.last_name}".strip() or f"contact {c.id}"
        for c in s.scalars(
            select(Contact).where(
                Contact.corporation_id == corporation_id, Contact.id.in_(contact_ids)
            )
        )
    }
    return _Names(reference, users, contacts)


def _values(change: Any) -> set[int]:
    if not isinstance(change, dict):
        return set()
    out: set[int] = set()
    for v in (change.get("from"), change.get("to")):
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, int) and not isinstance(item, bool):
                out.add(item)
    return out


def _senders(s: Session, case_id: int, entries: list[AuditEntry], names: _Names) -> dict[int, str]:
    """Who wrote each inbound message the entries add: the contact's address (as mail
    shows it), else their name."""
    ids = [e.entity_id for e in entries if e.entity_type == "message"]
    if not ids:
        return {}
    rows = s.execute(
        select(CaseMessage.id, CaseMessage.author_contact_id).where(
            CaseMessage.case_id == case_id,
            CaseMessage.id.in_(ids),
            CaseMessage.direction == "inbound",
            CaseMessage.author_contact_id.is_not(None),
        )
    ).all()
    contact_ids = {r.author_contact_id for r in rows}
    emails: dict[int, str] = {}
    for row in s.execute(
        select(ContactEmail.contact_id, ContactEmail.email)
        .where(ContactEmail.contact_id.in_(contact_ids))
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id.desc())
    ):
        emails.setdefault(row.contact_id, row.email)
    out = {}
    for r in rows:
        out[r.id] = emails.get(r.author_contact_id) or names.contacts.get(
            r.author_contact_id, "the customer"
        )
    return out
