"""The names ITX shows inside references (``emsStatus.name``, ``priority.name``, …),
read once per request from the reference services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casedesk.domain.errors import DomainError
from casedesk.domain.permissions import Principal
from casedesk.services.reference import accounts, categories, contacts, priorities, queues, statuses
from casedesk.services.reference.statuses import StatusOut


@dataclass
class Catalog:
    statuses: dict[int, StatusOut]
    priorities: dict[int, str]
    categories: dict[int, tuple[str, int | None]]
    queues: dict[int, str]
    _db: Any
    _principal: Principal
    _users: dict[int, tuple[str, str] | None] = field(default_factory=dict)
    _contacts: dict[int, str | None] = field(default_factory=dict)

    def user(self, user_id: int) -> tuple[str, str] | None:
        """(name, email) of a user of the corporation."""
        if user_id not in self._users:
            try:
                u = accounts.get_user(self._db, self._principal, user_id)
                self._users[user_id] = (u.name, u.email)
            except DomainError:
                self._users[user_id] = None
        return self._users[user_id]

    def contact(self, contact_id: int) -> str | None:
        if contact_id not in self._contacts:
            try:
                c = contacts.get_contact(self._db, self._principal, contact_id)
                self._contacts[contact_id] = f"{c.first_name} {c.last_name}".strip()
            except DomainError:
                self._contacts[contact_id] = None
        return self._contacts[contact_id]


def load(db: Any, principal: Principal) -> Catalog:
    return Catalog(
        statuses={s.id: s for s in statuses.list_statuses(db, principal)},
        priorities={p.id: p.name for p in priorities.list_priorities(db, principal)},
        categories={c.id: (c.name, c.parent_id) for c in categories.list_categories(db, principal)},
        queues={q.id: q.name for q in queues.list_queues(db, principal)},
        _db=db,
        _principal=principal,
    )
