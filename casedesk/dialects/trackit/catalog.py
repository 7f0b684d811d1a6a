"""What a Track-It! answer names besides ids: groups, statuses, priorities, categories,
technicians, requestors, activity codes and the admin's display names, read from the
reference services once per request (users and contacts as they are met)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.reference import (
    accounts,
    categories,
    contacts,
    groups,
    priorities,
    statuses,
    vocabulary,
)
from casedesk.services.reference.contacts import ContactOut
from casedesk.services.reference.statuses import StatusOut

#: The field-label scheme of Track-It ticket fields (keys are sequence numbers).
TICKET_SCHEME = "trackit.ticket"


@dataclass
class Catalog:
    groups: dict[int, str]
    statuses: dict[int, StatusOut]
    priorities: dict[int, str]
    categories: dict[int, tuple[str, int | None]]
    activity_codes: dict[str, tuple[int, str]]
    labels: dict[str, str]
    _db: Any
    _principal: Principal
    _users: dict[int, tuple[str, str] | None] = field(default_factory=dict)
    _contacts: dict[int, ContactOut | None] = field(default_factory=dict)

    def user(self, user_id: int | None) -> tuple[str, str] | None:
        """(name, email) of a user of the corporation."""
        if user_id is None:
            return None
        if user_id not in self._users:
            try:
                u = accounts.get_user(self._db, self._principal, user_id)
                self._users[user_id] = (u.name, u.email)
            except DomainError:
                self._users[user_id] = None
        return self._users[user_id]

    def user_by_email(self, email: str, field_name: str) -> int:
        for u in accounts.list_users(self._db, self._principal, is_active=True, limit=500):
            if u.email.lower() == email.strip().lower():
                return u.id
        raise ValidationFailed(f"no technician {email!r}", field=field_name)

    def contact(self, contact_id: int | None) -> ContactOut | None:
        if contact_id is None:
            return None
        if contact_id not in self._contacts:
            try:
                self._contacts[contact_id] = contacts.get_contact(
                    self._db, self._principal, contact_id
                )
            except DomainError:
                self._contacts[contact_id] = None
        return self._contacts[contact_id]

    def category_path(self, category_id: int | None) -> str | None:
        parts: list[str] = []
        while category_id is not None and category_id in self.categories and len(parts) < 50:
            name, category_id = self.categories[category_id]
            parts.append(name)
        return "\\".join(reversed(parts)) or None


def load(db: Any, principal: Principal) -> Catalog:
    return Catalog(
        groups={g.id: g.name for g in groups.list_groups(db, principal)},
        statuses={s.id: s for s in statuses.list_statuses(db, principal)},
        priorities={p.id: p.name for p in priorities.list_priorities(db, principal)},
        categories={c.id: (c.name, c.parent_id) for c in categories.list_categories(db, principal)},
        activity_codes={
            a.name.lower(): (a.id, a.description)
            for a in vocabulary.list_activity_codes(db, principal)
        },
        labels=vocabulary.field_labels(db, principal, TICKET_SCHEME),
        _db=db,
        _principal=principal,
    )
