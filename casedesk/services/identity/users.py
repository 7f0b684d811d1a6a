"""Users and their groups."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.domain.errors import Conflict, ValidationFailed
from casedesk.domain.permissions import Principal, Role, parse_permissions
from casedesk.services.identity.auth import hash_password
from casedesk.services.kernel import audit
from casedesk.services.kernel.bootstrap import default_corporation
from casedesk.store.db import Database
from casedesk.store.models import Group, GroupMembership, User


def add_user(
    db: Database,
    email: str,
    role: str,
    password: str | None,
    *,
    groups: list[str] | None = None,
    name: str = "",
    permissions: list[str] | None = None,
    actor: Principal | None = None,
    corporation_id: int | None = None,
) -> int:
    """Create a user, creating named groups on first use. Without an actor this is the
    operator's command line, which acts on the default corporation."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise ValidationFailed("email is not an email address", field="email")
    try:
        Role(role)
    except ValueError:
        raise ValidationFailed("role is admin or agent", field="role") from None
    if permissions is not None:
        parse_permissions(permissions)
    with db.write() as s:
        if actor is not None:
            corp_id = actor.corporation_id
        elif corporation_id is not None:
            corp_id = corporation_id
        else:
            corp_id = default_corporation(s).id
        if s.scalar(select(User.id).where(User.email == email)) is not None:
            raise Conflict(f"a user {email} exists already")
        user = User(
            corporation_id=corp_id,
            email=email,
            name=name or email.split("@")[0],
            role=role,
            permissions=permissions,
            password_hash=hash_password(password) if password else None,
        )
        s.add(user)
        s.flush()
        for gname in groups or []:
            group = s.scalars(
                select(Group).where(Group.corporation_id == corp_id, Group.name == gname)
            ).one_or_none()
            if group is None:
                group = Group(corporation_id=corp_id, name=gname)
                s.add(group)
                s.flush()
            s.add(GroupMembership(group_id=group.id, user_id=user.id))
        audit.record(
            s,
            actor,
            corp_id,
            "user.created",
            "user",
            user.id,
            changes={
                "email": {"from": None, "to": email},
                "role": {"from": None, "to": role},
                "groups": {"from": None, "to": groups or []},
            },
        )
        return user.id
