"""Checks that ids a caller sends exist in their corporation, and the defaults the
rules need (status catalog, default priority, default group)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus, StatusCatalog, UserStatus
from casedesk.store.models import (
    Asset,
    Base,
    Case,
    CaseStatus,
    Category,
    Contact,
    Corporation,
    CustomFieldDefinition,
    Group,
    Organization,
    Priority,
    Queue,
    User,
)


def require_ref(
    session: Session, model: type[Base], ref_id: int, corporation_id: int, field: str
) -> None:
    """ValidationFailed naming ``field`` unless ``ref_id`` is a row of ``model`` in the
    corporation."""
    table = model.__table__
    stmt = select(table.c.id).where(table.c.id == ref_id, table.c.corporation_id == corporation_id)
    if session.execute(stmt).first() is None:
        raise ValidationFailed(f"{field} {ref_id} does not exist", field=field)


REFERENCE_FIELDS: dict[str, type[Base]] = {
    "priority_id": Priority,
    "category_id": Category,
    "queue_id": Queue,
    "group_id": Group,
    "organization_id": Organization,
    "asset_id": Asset,
    "contact_id": Contact,
    "assignee_id": User,
    "parent_id": Case,
}


_statuses = CaseStatus.__table__.c
_STATUS_CATALOG = select(_statuses.id, _statuses.internal_status, _statuses.is_default).where(
    _statuses.corporation_id == bindparam("corporation_id")
)


def status_catalog(session: Session, corporation_id: int) -> StatusCatalog:
    rows = session.connection().execute(_STATUS_CATALOG, {"corporation_id": corporation_id})
    return StatusCatalog([UserStatus(r[0], InternalStatus(r[1]), r[2]) for r in rows])


@dataclass(frozen=True, slots=True)
class NewCaseDefaults:
    """What opening a case may need besides its input, read in one statement."""

    priority_id: int | None
    group_id: int | None
    requires_custom_fields: bool
    case_prefix: str


_NEW_CASE_DEFAULTS = select(
    select(Priority.id)
    .where(Priority.corporation_id == bindparam("corporation_id"))
    .order_by(Priority.is_default.desc(), Priority.rank, Priority.id)
    .limit(1)
    .scalar_subquery(),
    select(Group.id)
    .where(Group.corporation_id == bindparam("corporation_id"))
    .order_by(Group.is_default.desc(), Group.id)
    .limit(1)
    .scalar_subquery(),
    exists().where(
        CustomFieldDefinition.corporation_id == bindparam("corporation_id"),
        CustomFieldDefinition.required.is_(True),
    ),
    Corporation.case_prefix,
).where(Corporation.id == bindparam("corporation_id"))


def new_case_defaults(session: Session, corporation_id: int) -> NewCaseDefaults:
    row = session.connection().execute(_NEW_CASE_DEFAULTS, {"corporation_id": corporation_id}).one()
    return NewCaseDefaults(row[0], row[1], bool(row[2]), row[3])


def require_default_priority(defaults: NewCaseDefaults) -> int:
    if defaults.priority_id is None:
        raise ValidationFailed("no priority is defined; create one first", field="priority_id")
    return defaults.priority_id


def default_group_id(
    session: Session, principal: Principal, queue_id: int | None, defaults: NewCaseDefaults
) -> int:
    """The group a new case belongs to when the caller names none: the queue's group,
    else the caller's first group, else the corporation's default group."""
    if queue_id is not None:
        gid = session.scalar(select(Queue.group_id).where(Queue.id == queue_id))
        if gid is not None and principal.sees_group(gid):
            return gid
    if principal.group_ids:
        return min(principal.group_ids)
    if defaults.group_id is None:
        raise ValidationFailed("no group exists to put the case in", field="group_id")
    return defaults.group_id


def require_agent(session: Session, user_id: int, corporation_id: int, field: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.corporation_id != corporation_id or not user.is_active:
        raise ValidationFailed(f"{field} {user_id} is not an active user", field=field)
    return user


def check_case_refs(s: Session, principal: Principal, data: Any, fields: set[str]) -> None:
    """ValidationFailed naming the field unless every id among ``fields`` of ``data`` (a
    case create, update or template) is a row of the caller's corporation the caller may
    point at: groups and parent cases must be visible to them, assignees active users."""
    corp = principal.corporation_id
    for name, model in REFERENCE_FIELDS.items():
        value = getattr(data, name, None)
        if name in fields and value is not None:
            if name == "assignee_id":
                require_agent(s, value, corp, name)
            elif name == "parent_id":
                parent = s.scalar(
                    select(Case.group_id).where(Case.id == value, Case.corporation_id == corp)
                )
                if parent is None or not principal.sees_group(parent):
                    raise ValidationFailed(f"parent_id {value} does not exist", field=name)
            else:
                require_ref(s, model, value, corp, name)
    if "group_id" in fields and data.group_id and not principal.sees_group(data.group_id):
        raise ValidationFailed(f"group_id {data.group_id} does not exist", field="group_id")
    if "status_id" in fields and data.status_id is not None:
        require_ref(s, CaseStatus, data.status_id, corp, "status_id")
    limit = principal.organization_id
    if limit is not None and "organization_id" in fields and data.organization_id != limit:
        raise ValidationFailed(
            f"this caller works only on cases of organization {limit}", field="organization_id"
        )
