"""User accounts of a corporation: agents and admins.

Everyone may list their colleagues (an agent needs them to assign cases) but only sees
who they are; admins see and change roles, permissions, groups and activity. Users are
deactivated, never deleted: cases and history keep pointing at them. A corporation
always keeps one active admin, so it can never lock itself out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, ValidationFailed
from casedesk.domain.permissions import Permission, Principal, Role
from casedesk.services.identity.auth import hash_password
from casedesk.services.identity.users import add_user
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    Email,
    Id,
    In,
    Name200,
    Out,
    Password,
    Text200,
    get_row,
    lock_rows,
    present,
    require_admin,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Group, GroupMembership, User

_FIELDS = ("role", "name", "is_active", "permissions")
RoleName = Literal["admin", "agent"]


class UserSummary(Out):
    """What every colleague may know about a user."""

    id: int
    email: str
    name: str
    role: str


class UserOut(UserSummary):
    is_active: bool
    permissions: list[str] | None = Field(
        description="The agent's explicit permission set; null means the role's default."
    )
    group_ids: list[int]
    created_at: datetime


class UserCreate(In):
    email: Email
    role: RoleName
    password: Password | None = Field(
        default=None, description="Without one the user can only use API tokens."
    )
    name: Text200 = ""
    permissions: Annotated[list[Permission], Field(max_length=20)] | None = None
    group_ids: Annotated[list[Id], Field(max_length=100)] = Field(default_factory=list)


class UserPatch(In):
    role: RoleName | None = None
    name: Name200 | None = None
    is_active: bool | None = None
    permissions: Annotated[list[Permission], Field(max_length=20)] | None = None
    password: Password | None = None
    group_ids: Annotated[list[Id], Field(max_length=100)] | None = Field(
        default=None,
        description="The groups the user belongs to, as a whole: others are left, new ones joined.",
    )


def list_users(
    db: Database,
    principal: Principal,
    *,
    is_active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[UserOut] | list[UserSummary]:
    with db.read() as s:
        stmt = select(User).where(User.corporation_id == principal.corporation_id)
        if is_active is not None:
            stmt = stmt.where(User.is_active.is_(is_active))
        rows = s.scalars(stmt.order_by(User.email).limit(limit).offset(offset)).all()
        return _out(s, principal, rows)


def get_user(db: Database, principal: Principal, user_id: int) -> UserOut | UserSummary:
    with db.read() as s:
        return _out(s, principal, [get_row(s, User, user_id, principal.corporation_id, "user")])[0]


def create_user(db: Database, principal: Principal, data: UserCreate) -> UserOut:
    require_admin(principal, "manage users")
    with db.read() as s:
        names = _group_names(s, principal.corporation_id, data.group_ids)
    user_id = add_user(
        db,
        data.email,
        data.role,
        data.password,
        groups=names,
        name=data.name,
        permissions=_stored(data.permissions),
        actor=principal,
    )
    with db.read() as s:
        return _full(s, [s.get_one(User, user_id)])[0]


def update_user(db: Database, principal: Principal, user_id: int, patch: UserPatch) -> UserOut:
    values = present(patch, ("role", "name", "is_active", "password", "group_ids"))
    group_ids = values.pop("group_ids", None)
    if "permissions" in values:
        values["permissions"] = _stored(values["permissions"])
    password = values.pop("password", None)
    new_hash = hash_password(password) if password is not None else None
    with db.write() as s:
        user = get_row(s, User, user_id, principal.corporation_id, "user")
        require_admin(principal, "manage users")
        before = snapshot(user, _FIELDS)
        for name, value in values.items():
            setattr(user, name, value)
        if before["role"] == Role.ADMIN and before["is_active"]:
            _keep_an_admin(s, user)
        changes = audit.diff(before, snapshot(user, _FIELDS))
        if group_ids is not None:
            changes |= _set_groups(s, user, group_ids)
        if new_hash is not None:
            user.password_hash = new_hash
            changes["password"] = {"from": None, "to": "changed"}
        if changes:
            audit.record(
                s, principal, user.corporation_id, "user.updated", "user", user.id, changes=changes
            )
            s.flush()
        return _full(s, [user])[0]


def _keep_an_admin(s: Session, user: User) -> None:
    """Conflict if this change leaves the corporation without an active admin."""
    if user.role == Role.ADMIN and user.is_active:
        return
    lock_rows(s, User, user.corporation_id, User.role == Role.ADMIN.value)
    others = s.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.corporation_id == user.corporation_id,
            User.role == Role.ADMIN.value,
            User.is_active.is_(True),
            User.id != user.id,
        )
    )
    if not others:
        raise Conflict(f"user {user.id} is the last active admin; make someone else an admin first")


def _set_groups(s: Session, user: User, group_ids: list[int]) -> audit.Changes:
    """Make the user a member of exactly ``group_ids``; the audit change if any."""
    wanted = set(_group_names_by_id(s, user.corporation_id, group_ids))
    rows = {
        m.group_id: m
        for m in s.scalars(select(GroupMembership).where(GroupMembership.user_id == user.id))
    }
    if wanted == set(rows):
        return {}
    for gid, row in rows.items():
        if gid not in wanted:
            s.delete(row)
    for gid in sorted(wanted - set(rows)):
        s.add(GroupMembership(group_id=gid, user_id=user.id))
    s.flush()
    return {"group_ids": {"from": sorted(rows), "to": sorted(wanted)}}


def _group_names(s: Session, corporation_id: int, group_ids: list[int]) -> list[str]:
    return list(_group_names_by_id(s, corporation_id, group_ids).values())


def _group_names_by_id(s: Session, corporation_id: int, group_ids: list[int]) -> dict[int, str]:
    wanted = list(dict.fromkeys(group_ids))
    if not wanted:
        return {}
    found = {
        gid: name
        for gid, name in s.execute(
            select(Group.id, Group.name).where(
                Group.corporation_id == corporation_id, Group.id.in_(wanted)
            )
        )
    }
    for gid in wanted:
        if gid not in found:
            raise ValidationFailed(f"group_ids {gid} does not exist", field="group_ids")
    return {gid: found[gid] for gid in wanted}


def _stored(permissions: list[Permission] | None) -> list[str] | None:
    return None if permissions is None else sorted({p.value for p in permissions})


def _out(
    s: Session, principal: Principal, users: Sequence[User]
) -> list[UserOut] | list[UserSummary]:
    if principal.is_admin:
        return _full(s, users)
    return [UserSummary.model_validate(u) for u in users]


def _full(s: Session, users: Sequence[User]) -> list[UserOut]:
    groups: dict[int, list[int]] = {}
    if users:
        rows = s.execute(
            select(GroupMembership.user_id, GroupMembership.group_id)
            .where(GroupMembership.user_id.in_([u.id for u in users]))
            .order_by(GroupMembership.group_id)
        )
        for uid, gid in rows:
            groups.setdefault(uid, []).append(gid)
    return [
        UserOut(
            id=u.id,
            email=u.email,
            name=u.name,
            role=u.role,
            is_active=u.is_active,
            permissions=u.permissions,
            group_ids=groups.get(u.id, []),
            created_at=u.created_at,
        )
        for u in users
    ]
