"""Shared views: a saved filter its owner shares with one of their groups or, for an
admin, with everyone, together with the list columns to show (its sort is part of its
query string).

Only members of the group see a group's view (an admin sees every view); running one
goes through the same search and group visibility as any list, so a shared view never
shows a case its viewer could not see anyway. Only the owner changes or deletes it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sqlalchemy import or_, select

from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.store.db import Database
from casedesk.store.models import Group, SavedFilter

#: Optional columns of the case list a view may choose.
COLUMNS = ("priority", "assignee", "last_activity")
Scope = Literal["nobody", "group", "everyone"]


class SharedViewOut(BaseModel):
    id: int
    name: str
    query: str
    owner_id: int
    shared_with: str | None
    group_id: int | None
    columns: list[str] | None


def parse_columns(text: str | None) -> list[str] | None:
    if text is None or not text.strip():
        return None
    chosen = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in COLUMNS]
    if unknown:
        raise ValidationFailed(f"unknown column {unknown[0]!r}", field="columns")
    return list(dict.fromkeys(chosen))


def share(
    db: Database,
    principal: Principal,
    filter_id: int,
    scope: Scope,
    group_id: int | None = None,
    columns: str | None = None,
) -> SharedViewOut:
    """Share the caller's filter with ``scope`` (``nobody`` makes it personal again)."""
    principal.require(Permission.VIEW_CASE)
    chosen = parse_columns(columns)
    with db.write() as s:
        row = s.get(SavedFilter, filter_id, with_for_update=True)
        if row is None or row.user_id != principal.user_id:
            raise NotFound(f"saved filter {filter_id} not found")
        if scope == "everyone" and not principal.is_admin:
            raise Forbidden("only admins share a view with everyone")
        if scope == "group":
            group = s.get(Group, group_id) if group_id is not None else None
            if group is None or group.corporation_id != principal.corporation_id:
                raise ValidationFailed("choose one of your groups", field="group_id")
            if not principal.sees_group(group.id):
                raise ValidationFailed(
                    "you can share only with a group you are in", field="group_id"
                )
        before = {"shared_with": row.shared_with, "group_id": row.group_id, "columns": row.columns}
        row.shared_with = None if scope == "nobody" else scope
        row.group_id = group_id if scope == "group" else None
        row.columns = ",".join(chosen) if chosen else None
        after = {"shared_with": row.shared_with, "group_id": row.group_id, "columns": row.columns}
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "saved_filter.shared",
            "saved_filter",
            row.id,
            changes={"sharing": {"from": before, "to": after}},
        )
        return _out(row)


def visible_shared(db: Database, principal: Principal) -> list[SharedViewOut]:
    """Views others shared that the caller may see: with everyone, or with a group the
    caller is in (an admin sees all), by name."""
    with db.read() as s:
        seen = SavedFilter.shared_with == "everyone"
        if principal.is_admin:
            seen = SavedFilter.shared_with.is_not(None)
        elif principal.group_ids:
            seen = or_(
                seen,
                (SavedFilter.shared_with == "group")
                & SavedFilter.group_id.in_(sorted(principal.group_ids)),
            )
        rows = s.scalars(
            select(SavedFilter)
            .where(
                SavedFilter.corporation_id == principal.corporation_id,
                SavedFilter.user_id != principal.user_id,
                seen,
            )
            .order_by(SavedFilter.name, SavedFilter.id)
        )
        return [_out(r) for r in rows]


def columns_for(db: Database, principal: Principal, query: str) -> list[str] | None:
    """The columns chosen for the view with this query string among those the caller
    owns or sees shared (None: the default columns)."""
    with db.read() as s:
        own = s.scalars(
            select(SavedFilter.columns).where(
                SavedFilter.user_id == principal.user_id, SavedFilter.query == query
            )
        ).first()
    if own:
        return parse_columns(own)
    for view in visible_shared(db, principal):
        if view.query == query and view.columns:
            return view.columns
    return None


def _out(row: SavedFilter) -> SharedViewOut:
    return SharedViewOut(
        id=row.id,
        name=row.name,
        query=row.query,
        owner_id=row.user_id,
        shared_with=row.shared_with,
        group_id=row.group_id,
        columns=parse_columns(row.columns),
    )


def groups_to_share_with(db: Database, principal: Principal) -> list[tuple[int, str]]:
    """The groups the caller may share a view with (their own; every group for an admin)."""
    with db.read() as s:
        stmt = select(Group.id, Group.name).where(Group.corporation_id == principal.corporation_id)
        if not principal.is_admin:
            stmt = stmt.where(Group.id.in_(sorted(principal.group_ids)))
        return [(gid, name) for gid, name in s.execute(stmt.order_by(Group.name))]
