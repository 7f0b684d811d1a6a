"""Mentions: ``@handle`` in an internal note names an agent, who is notified by mail
and follows the case from then on.

A handle is the part of an agent's email address before the ``@`` (``@priya`` for
priya@acme.test), or the whole address when two agents share it. Only agents who may
see the case (members of its group, and admins) can be mentioned: naming another agent
of the corporation is refused, naming no agent at all is plain text (``@home``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import Case, GroupMembership, User

_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
#: Most agents one suggestion list shows.
SUGGESTIONS = 8


@dataclass(frozen=True, slots=True)
class Mentionable:
    user_id: int
    name: str
    email: str
    handle: str


def mentionable(
    db: Database, principal: Principal, case_id: int, starts_with: str = ""
) -> list[Mentionable]:
    """Agents who may see the case whose name, handle or address starts with
    ``starts_with``; the suggestion list of the composer."""
    with db.read() as s:
        case = load_case(s, principal, case_id)
        people = _who_sees(s, case)
    handles = _handles([u.email for u in people])
    wanted = starts_with.lower()
    out = []
    for user in people:
        words = [user.email.lower(), *user.name.lower().split()]
        if not wanted or any(w.startswith(wanted) for w in words):
            out.append(Mentionable(user.id, user.name, user.email, handles[user.email.lower()]))
    return out[:SUGGESTIONS]


def mentioned_in(s: Session, case: Case, body: str) -> list[int]:
    """The ids of the agents ``body`` mentions; ValidationFailed for a mention of an
    agent who may not see the case, or of a handle two agents share."""
    tokens = [t.rstrip(".").lower() for t in _MENTION.findall(body)]
    if not tokens:
        return []
    allowed = {u.email.lower(): u.id for u in _who_sees(s, case)}
    everyone = {
        u.email.lower(): u.id
        for u in s.scalars(
            select(User).where(User.corporation_id == case.corporation_id, User.is_active)
        )
    }
    found: list[int] = []
    for token in tokens:
        matches = [e for e in everyone if e == token or e.split("@")[0] == token]
        if not matches:
            continue
        if len(matches) > 1:
            raise ValidationFailed(
                f"@{token} names several agents: write the whole address", field="body"
            )
        if matches[0] not in allowed:
            raise ValidationFailed(f"@{token} cannot see this case", field="body")
        found.append(allowed[matches[0]])
    return list(dict.fromkeys(found))


def _who_sees(s: Session, case: Case) -> list[User]:
    in_group = select(GroupMembership.user_id).where(GroupMembership.group_id == case.group_id)
    return list(
        s.scalars(
            select(User)
            .where(
                User.corporation_id == case.corporation_id,
                User.is_active,
                or_(User.role == "admin", User.id.in_(in_group)),
            )
            .order_by(User.name, User.email)
        )
    )


def _handles(emails: list[str]) -> dict[str, str]:
    locals_ = [e.lower().split("@")[0] for e in emails]
    return {
        e.lower(): (local if locals_.count(local) == 1 else e.lower())
        for e, local in zip(emails, locals_, strict=True)
    }
