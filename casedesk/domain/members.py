"""Case members: who is or was involved, in which role, from when to when (seed 000).

Role 1 (assigned user) and role 20 (contact) have at most one active member; role 2
(followers) any number. Active means started and not ended. Replacing a member ends the
old membership and keeps it as history; nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum

from casedesk.domain.errors import ValidationFailed


class MemberRole(IntEnum):
    ASSIGNED_USER = 1
    FOLLOWER = 2
    CONTACT = 20


SINGLE_ACTIVE_ROLES = frozenset({MemberRole.ASSIGNED_USER, MemberRole.CONTACT})
#: Roles held by internal users; the others are held by customer contacts.
USER_ROLES = frozenset({MemberRole.ASSIGNED_USER, MemberRole.FOLLOWER})


@dataclass(frozen=True, slots=True)
class Member:
    """One membership. ``party`` is a user id for user roles, a contact id for contacts.
    ``key`` is the stored row's id, or None for a membership not stored yet."""

    role: MemberRole
    party: int
    start: datetime | None
    end: datetime | None = None
    key: int | None = None

    @property
    def active(self) -> bool:
        return self.start is not None and self.end is None


def parse_role(value: int) -> MemberRole:
    try:
        return MemberRole(value)
    except ValueError:
        raise ValidationFailed(
            f"unknown member role {value}; use 1, 2 or 20", field="role"
        ) from None


def active_of_role(members: list[Member], role: MemberRole) -> list[Member]:
    return [m for m in members if m.active and m.role == role]


def add_member(members: list[Member], role: MemberRole, party: int, now: datetime) -> list[Member]:
    """Return the new member list after making ``party`` an active member in ``role``.

    For single-active roles any other active member of the role is ended at ``now``.
    Adding someone who is already active in that role changes nothing.
    """
    if any(m.active and m.role == role and m.party == party for m in members):
        return list(members)
    out: list[Member] = []
    for m in members:
        if role in SINGLE_ACTIVE_ROLES and m.active and m.role == role:
            out.append(replace(m, end=now))
        else:
            out.append(m)
    out.append(Member(role=role, party=party, start=now))
    return out


def end_member(members: list[Member], role: MemberRole, party: int, now: datetime) -> list[Member]:
    """End ``party``'s active membership in ``role``; unknown members are an error."""
    found = False
    out: list[Member] = []
    for m in members:
        if m.active and m.role == role and m.party == party:
            out.append(replace(m, end=now))
            found = True
        else:
            out.append(m)
    if not found:
        raise ValidationFailed(f"no active member {party} in role {role.value}", field="party")
    return out


def clear_role(members: list[Member], role: MemberRole, now: datetime) -> list[Member]:
    """End every active membership of ``role`` (e.g. unassign)."""
    return [replace(m, end=now) if m.active and m.role == role else m for m in members]


def check_invariants(members: list[Member]) -> None:
    """Single-active roles hold at most one active member; ends never precede starts."""
    for role in SINGLE_ACTIVE_ROLES:
        if len(active_of_role(members, role)) > 1:
            raise ValidationFailed(f"role {role.value} allows one active member", field="members")
    for m in members:
        if m.start is not None and m.end is not None and m.end < m.start:
            raise ValidationFailed("a membership cannot end before it starts", field="members")
