"""Canned responses: create, read, change and delete, each checked against who may see
the snippet.

A personal snippet (no ``group_id``) belongs to the agent who wrote it; nobody else sees
it, admins included, as with saved filters. A shared snippet belongs to a group: its
members (and admins) see, change and delete it; anyone else gets the not-found of a
snippet that does not exist, and cannot create one in that group. The body is parsed on
every write, so a snippet that cannot work is refused when it is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.canned import sandbox
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import Id, In, Out
from casedesk.store.db import Database
from casedesk.store.models import CannedResponse, Group

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Body = Annotated[str, Field(min_length=1, max_length=20_000)]


class CannedCreate(In):
    name: Name = Field(description="What an agent types after `::` to insert it.")
    body: Body = Field(description="Text with placeholders such as {{ case.number }}.")
    group_id: Id | None = Field(
        default=None, description="Shared with this group's members; omitted: personal."
    )


class CannedPatch(In):
    name: Name | None = None
    body: Body | None = None


class CannedOut(Out):
    id: int
    name: str
    body: str
    group_id: int | None
    owner_user_id: int | None
    created_at: datetime
    updated_at: datetime


def list_canned(
    db: Database, principal: Principal, *, starts_with: str | None = None, limit: int = 200
) -> list[CannedOut]:
    """The snippets the caller may use, by name; ``starts_with`` narrows by name."""
    with db.read() as s:
        stmt = select(CannedResponse).where(_visible(principal))
        if starts_with:
            stmt = stmt.where(func.lower(CannedResponse.name).startswith(starts_with.lower()))
        rows = s.scalars(stmt.order_by(CannedResponse.name, CannedResponse.id).limit(limit))
        return [CannedOut.model_validate(r) for r in rows]


def get_canned(db: Database, principal: Principal, canned_id: int) -> CannedOut:
    with db.read() as s:
        return CannedOut.model_validate(load(s, principal, canned_id))


def create_canned(db: Database, principal: Principal, data: CannedCreate) -> CannedOut:
    sandbox.check(data.body)
    now = utcnow()
    with db.write() as s:
        if data.group_id is not None:
            _require_group(s, principal, data.group_id)
        row = CannedResponse(
            corporation_id=principal.corporation_id,
            owner_user_id=None if data.group_id is not None else principal.user_id,
            group_id=data.group_id,
            name=data.name,
            body=data.body,
            created_at=now,
            updated_at=now,
        )
        _refuse_duplicate(s, row, data.name)
        s.add(row)
        s.flush()
        _audit(
            s, principal, "canned_response.created", row, {"name": {"from": None, "to": row.name}}
        )
        return CannedOut.model_validate(row)


def update_canned(
    db: Database, principal: Principal, canned_id: int, patch: CannedPatch
) -> CannedOut:
    if patch.body is not None:
        sandbox.check(patch.body)
    with db.write() as s:
        row = load(s, principal, canned_id)
        changes: audit.Changes = {}
        if patch.name is not None and patch.name != row.name:
            _refuse_duplicate(s, row, patch.name)
            changes["name"] = {"from": row.name, "to": patch.name}
            row.name = patch.name
        if patch.body is not None and patch.body != row.body:
            changes["body"] = {"from": row.body, "to": patch.body}
            row.body = patch.body
        if changes:
            row.updated_at = utcnow()
            _audit(s, principal, "canned_response.updated", row, changes)
        s.flush()
        return CannedOut.model_validate(row)


def delete_canned(db: Database, principal: Principal, canned_id: int) -> None:
    with db.write() as s:
        row = load(s, principal, canned_id)
        _audit(
            s, principal, "canned_response.deleted", row, {"name": {"from": row.name, "to": None}}
        )
        s.delete(row)


def load(s: Session, principal: Principal, canned_id: int) -> CannedResponse:
    """The snippet if the caller may see it, else NotFound (the same for one missing)."""
    row = s.scalars(
        select(CannedResponse).where(CannedResponse.id == canned_id, _visible(principal))
    ).one_or_none()
    if row is None:
        raise NotFound(f"canned response {canned_id} not found")
    return row


def _visible(principal: Principal) -> ColumnElement[bool]:
    mine = CannedResponse.owner_user_id == principal.user_id
    groups = principal.visible_group_ids
    shared: ColumnElement[bool] = CannedResponse.group_id.is_not(None)
    if groups is not None:
        shared = and_(shared, CannedResponse.group_id.in_(groups))
    return and_(CannedResponse.corporation_id == principal.corporation_id, or_(mine, shared))


def _require_group(s: Session, principal: Principal, group_id: int) -> None:
    group = s.get(Group, group_id)
    if (
        group is None
        or group.corporation_id != principal.corporation_id
        or not principal.sees_group(group_id)
    ):
        raise ValidationFailed(f"group {group_id} not found among your groups", field="group_id")


def _refuse_duplicate(s: Session, row: CannedResponse, name: str) -> None:
    """Names are unique where an agent picks from: among their own, and in a group."""
    scope = (
        CannedResponse.group_id == row.group_id
        if row.group_id is not None
        else CannedResponse.owner_user_id == row.owner_user_id
    )
    clash = s.scalar(
        select(CannedResponse.id).where(
            CannedResponse.corporation_id == row.corporation_id,
            scope,
            func.lower(CannedResponse.name) == name.lower(),
            CannedResponse.id != (row.id or 0),
        )
    )
    if clash is not None:
        raise Conflict(f"a canned response named {name!r} exists already", field="name")


def _audit(
    s: Session, principal: Principal, action: str, row: CannedResponse, changes: audit.Changes
) -> None:
    audit.record(
        s, principal, row.corporation_id, action, "canned_response", row.id, changes=changes
    )
