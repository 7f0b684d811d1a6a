"""Names and addresses of an import file turned into the rows of one corporation.

Statuses, priorities, groups and queues are found by name (case-insensitive; a status
also by its internal name, e.g. ``closed``), agents by the email address of an active
user of the corporation; an unknown one refuses the record that names it. Contacts are
found by any of their addresses, and made when new (first and last name from the
record). Look-ups are made once a run (reference data, agents) or once a batch
(contacts, whose new rows are undone with a batch that fails).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.statuses import InternalStatus
from casedesk.services.imports.records import CaseIn, ContactIn
from casedesk.store.models import (
    CaseStatus,
    Contact,
    ContactEmail,
    Group,
    Priority,
    Queue,
    User,
)

_INSERT_CONTACTS = insert(Contact).returning(Contact.id, sort_by_parameter_order=True)


class Resolver:
    """The corporation's ids for the names a record uses."""

    def __init__(self, corporation_id: int) -> None:
        self.corporation_id = corporation_id
        self._named: dict[str, dict[str, int]] = {}
        self._statuses: dict[str, tuple[int, int]] | None = None
        self._agents: dict[str, int | None] = {}
        self._contacts: dict[str, int] = {}

    def start_batch(self, s: Session, records: list[CaseIn]) -> None:
        """Look up, in one statement each, the agents and contacts the batch names."""
        self._contacts = {}
        agents = {
            a.lower()
            for r in records
            for a in [
                r.assignee,
                *r.followers,
                *(m.author for m in r.messages),
                *(h.by for h in r.history),
            ]
            if a
        } - set(self._agents)
        if agents:
            found: dict[str, int] = dict(
                s.execute(
                    select(func.lower(User.email), User.id).where(
                        User.corporation_id == self.corporation_id,
                        User.is_active.is_(True),
                        func.lower(User.email).in_(agents),
                    )
                ).all()
            )
            self._agents |= {a: found.get(a) for a in agents}
        people: dict[str, ContactIn] = {}
        for r in records:
            for m in r.messages:
                if m.direction == "inbound" and m.author:
                    people.setdefault(m.author.lower(), ContactIn(email=m.author))
            if r.contact is not None:
                people[r.contact.email.lower()] = r.contact
        if people:
            self._contacts = dict(
                s.execute(
                    select(ContactEmail.email, ContactEmail.contact_id).where(
                        ContactEmail.corporation_id == self.corporation_id,
                        ContactEmail.email.in_(people),
                    )
                ).all()
            )
            self._add_contacts(s, [c for a, c in people.items() if a not in self._contacts])

    def _add_contacts(self, s: Session, new: list[ContactIn]) -> None:
        """Make the contacts of the batch that are new, two statements in all."""
        if not new:
            return
        rows = [
            {
                "corporation_id": self.corporation_id,
                "first_name": c.first_name or c.email.split("@")[0][:100],
                "last_name": c.last_name,
            }
            for c in new
        ]
        ids = s.scalars(_INSERT_CONTACTS, rows).all()
        s.execute(
            insert(ContactEmail),
            [
                {"corporation_id": self.corporation_id, "contact_id": i}
                | {"email": c.email.lower(), "is_primary": True}
                for c, i in zip(new, ids, strict=True)
            ],
        )
        self._contacts |= {c.email.lower(): i for c, i in zip(new, ids, strict=True)}

    def status(self, s: Session, name: str) -> tuple[int, int]:
        """``(status id, internal status)`` of a status name or internal name."""
        if self._statuses is None:
            rows = s.execute(
                select(
                    CaseStatus.name,
                    CaseStatus.id,
                    CaseStatus.internal_status,
                    CaseStatus.is_default,
                )
                .where(CaseStatus.corporation_id == self.corporation_id)
                .order_by(CaseStatus.is_default.desc(), CaseStatus.id)
            ).all()
            statuses: dict[str, tuple[int, int]] = {}
            for row in rows:  # defaults first: an internal name means its default status
                statuses.setdefault(
                    InternalStatus(row.internal_status).name.lower(), (row.id, row.internal_status)
                )
            for row in rows:
                statuses[row.name.lower()] = (row.id, row.internal_status)
            self._statuses = statuses
        key = name.strip().lower().replace(" ", "_")
        found = self._statuses.get(name.strip().lower()) or self._statuses.get(key)
        if found is None:
            raise ValidationFailed(f"unknown status {name!r}", field="status")
        return found

    def named(self, s: Session, what: str, name: str) -> int:
        """The id of the priority, group or queue called ``name``."""
        model: Any = {"priority": Priority, "group": Group, "queue": Queue}[what]
        names = self._named.get(what)
        if names is None:
            rows = s.execute(
                select(model.name, model.id).where(model.corporation_id == self.corporation_id)
            ).all()
            names = self._named[what] = {n.lower(): i for n, i in rows}
        found = names.get(name.strip().lower())
        if found is None:
            raise ValidationFailed(f"unknown {what} {name!r}", field=what)
        return found

    def agent(self, email: str, field: str) -> int:
        found = self._agents.get(email.lower())
        if found is None:
            raise ValidationFailed(f"{field} {email!r} is not an active user", field=field)
        return found

    def contact(self, email: str) -> int:
        """The contact with this address (made by ``start_batch`` when new)."""
        return self._contacts[email.lower()]
