"""Groups of users: the unit of data segregation (an agent sees the cases of their
groups). One group is the default, where cases go when nothing else decides."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, NotFound
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    In,
    Name200,
    Out,
    claim_default,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    has_default,
    lock_rows,
    present,
    require_admin,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Group, GroupMembership, User

_FIELDS = ("name", "is_default")


class GroupOut(Out):
    id: int
    name: str
    is_default: bool
    member_ids: list[int]


class GroupCreate(In):
    name: Name200
    is_default: bool = False


class GroupPatch(In):
    name: Name200 | None = None
    is_default: bool | None = None


def list_groups(db: Database, principal: Principal) -> list[GroupOut]:
    with db.read() as s:
        rows = s.scalars(
            select(Group)
            .where(Group.corporation_id == principal.corporation_id)
            .order_by(Group.name, Group.id)
        ).all()
        return _out(s, rows)


def get_group(db: Database, principal: Principal, group_id: int) -> GroupOut:
    with db.read() as s:
        return _out(s, [get_row(s, Group, group_id, principal.corporation_id, "group")])[0]


def create_group(db: Database, principal: Principal, data: GroupCreate) -> GroupOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        ensure_unique(s, Group, corp, "name", data.name, "group")
        group = Group(corporation_id=corp, name=data.name, is_default=False)
        s.add(group)
        flush(s, f"a group named {data.name!r} exists already")
        if data.is_default or not has_default(s, Group, corp):
            claim_default(s, Group, group)
        audit.record(
            s,
            principal,
            corp,
            "group.created",
            "group",
            group.id,
            changes=created(snapshot(group, _FIELDS)),
        )
        return _out(s, [group])[0]


def update_group(db: Database, principal: Principal, group_id: int, patch: GroupPatch) -> GroupOut:
    values = present(patch, _FIELDS)
    with db.write() as s:
        group = get_row(s, Group, group_id, principal.corporation_id, "group")
        require_manager(principal)
        before = snapshot(group, _FIELDS)
        if "name" in values:
            ensure_unique(
                s, Group, group.corporation_id, "name", values["name"], "group", exclude_id=group.id
            )
            group.name = values["name"]
            flush(s, f"a group named {group.name!r} exists already")
        if values.get("is_default") is True:
            claim_default(s, Group, group)
        elif values.get("is_default") is False and group.is_default:
            raise Conflict(
                "one group is always the default; make another group the default instead",
                field="is_default",
            )
        changes = audit.diff(before, snapshot(group, _FIELDS))
        if changes:
            flush(s, f"a group named {group.name!r} exists already")
            audit.record(
                s,
                principal,
                group.corporation_id,
                "group.updated",
                "group",
                group.id,
                changes=changes,
            )
        return _out(s, [group])[0]


def delete_group(db: Database, principal: Principal, group_id: int) -> None:
    with db.write() as s:
        group = get_row(s, Group, group_id, principal.corporation_id, "group")
        require_manager(principal)
        lock_rows(s, Group, group.corporation_id)
        if group.is_default:
            raise Conflict(
                f"group {group.id} is the default group; make another group the default first"
            )
        ensure_unused(s, Group, group.id, "group", owned=frozenset({"group_memberships"}))
        members = _member_ids(s, [group.id]).get(group.id, [])
        s.delete(group)
        flush(s, f"group {group.id} is still in use")
        audit.record(
            s,
            principal,
            group.corporation_id,
            "group.deleted",
            "group",
            group_id,
            changes=deleted(snapshot(group, _FIELDS) | {"member_ids": members}),
        )


def add_member(db: Database, principal: Principal, group_id: int, user_id: int) -> GroupOut:
    """Make the user a member; adding a member twice changes nothing."""
    with db.write() as s:
        group, _ = _group_and_user(s, principal, group_id, user_id)
        if s.get(GroupMembership, (group.id, user_id)) is None:
            s.add(GroupMembership(group_id=group.id, user_id=user_id))
            flush(s, f"user {user_id} is a member of group {group.id} already")
            audit.record(
                s,
                principal,
                group.corporation_id,
                "group.member_added",
                "group",
                group.id,
                changes={"member_ids": {"from": None, "to": user_id}},
            )
        return _out(s, [group])[0]


def remove_member(db: Database, principal: Principal, group_id: int, user_id: int) -> GroupOut:
    """End the user's membership; removing a non-member changes nothing."""
    with db.write() as s:
        group, _ = _group_and_user(s, principal, group_id, user_id)
        membership = s.get(GroupMembership, (group.id, user_id))
        if membership is not None:
            s.delete(membership)
            audit.record(
                s,
                principal,
                group.corporation_id,
                "group.member_removed",
                "group",
                group.id,
                changes={"member_ids": {"from": user_id, "to": None}},
            )
        return _out(s, [group])[0]


def _group_and_user(
    s: Session, principal: Principal, group_id: int, user_id: int
) -> tuple[Group, User]:
    group = get_row(s, Group, group_id, principal.corporation_id, "group")
    user = s.get(User, user_id)
    if user is None or user.corporation_id != principal.corporation_id:
        raise NotFound(f"user {user_id} not found")
    require_admin(principal, "change group membership")
    return group, user


def _member_ids(s: Session, group_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not group_ids:
        return out
    rows = s.execute(
        select(GroupMembership.group_id, GroupMembership.user_id)
        .where(GroupMembership.group_id.in_(group_ids))
        .order_by(GroupMembership.user_id)
    )
    for gid, uid in rows:
        out.setdefault(gid, []).append(uid)
    return out


def _out(s: Session, groups: Sequence[Group]) -> list[GroupOut]:
    members = _member_ids(s, [g.id for g in groups])
    return [
        GroupOut(id=g.id, name=g.name, is_default=g.is_default, member_ids=members.get(g.id, []))
        for g in groups
    ]
