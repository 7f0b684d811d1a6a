"""What every kind of reference row shares: bounded input types, loading a row of the
caller's corporation, uniqueness and "still in use" checks, and the single-default rule.

Input is bounded so that nothing a caller sends can fail in the database: every string
has a length no longer than its column and no NUL character (PostgreSQL refuses those),
every integer fits its column. What the database would refuse (a duplicate, a row still
referenced) is checked first and reported as a Conflict naming the problem; a concurrent
write that slips past the check is caught at flush and reported the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
)
from sqlalchemy import ColumnElement, Table, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.audit import Changes, jsonable
from casedesk.store.models import Base

M = TypeVar("M", bound=Base)

# A row id as callers may send it: positive and exact in a JSON number.
Id = Annotated[int, Field(ge=1, le=2**53)]


def iso_only(value: object) -> object:
    """A date-time given as text must be ISO 8601: pydantic would also read a number,
    or a text of digits, as seconds since 1970 (``0.5`` would be a valid deadline).
    The text is parsed here, so that strict validation (which takes only datetime
    objects from Python input) still accepts it."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.match(r"\s*[0-9]{4}-", value):
        return _DATETIME.validate_python(value)
    raise ValueError("must be an ISO 8601 date-time, e.g. 2024-05-01T09:00:00Z")


_DATETIME = TypeAdapter(datetime)


#: A timezone-aware instant, written as ISO 8601.
Instant = Annotated[AwareDatetime, BeforeValidator(iso_only)]


def _strip(max_length: int, min_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


#: A required name: stripped, not empty.
Name100 = Annotated[str, _strip(100, 1)]
Name200 = Annotated[str, _strip(200, 1)]
#: Optional free text: stripped, may be empty.
Text50 = Annotated[str, _strip(50, 0)]
Text100 = Annotated[str, _strip(100, 0)]
Text200 = Annotated[str, _strip(200, 0)]
LongText = Annotated[str, Field(max_length=20_000)]
Email = Annotated[str, _strip(320, 3)]
Password = Annotated[str, Field(min_length=8, max_length=1024)]


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date is out of range") from None


#: A timezone-aware instant, converted to UTC at the edge.
UtcInstant = Annotated[Instant, AfterValidator(_to_utc)]


def _no_nul(value: object) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)


class In(BaseModel):
    """Base of every input model: unknown fields are refused, NUL characters too."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _check_nul(cls, value: Any) -> Any:
        _no_nul(value)
        return value


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def no_nul(value: str | None) -> str | None:
    """For query parameters: refuse what the database would refuse."""
    if value is not None and "\x00" in value:
        raise ValidationFailed("a query parameter must not contain NUL characters")
    return value


# --------------------------------------------------------------------------- access


def require_manager(principal: Principal) -> None:
    principal.require(Permission.MANAGE_REFERENCE)


def require_admin(principal: Principal, what: str) -> None:
    """Who may act for others or widen access (users, group membership) is an admin: the
    reference permission alone would let an agent grant themselves more."""
    principal.require(Permission.MANAGE_REFERENCE)
    if not principal.is_admin:
        raise Forbidden(f"only admins {what}")


def get_row(s: Session, model: type[M], row_id: int, corporation_id: int, noun: str) -> M:
    """The row if it belongs to the corporation; NotFound otherwise (either way alike)."""
    c = _table(model).c
    row = s.scalars(
        select(model).where(c.id == row_id, c.corporation_id == corporation_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"{noun} {row_id} not found")
    return row


def lock_rows(
    s: Session, model: type[Base], corporation_id: int, *where: ColumnElement[bool]
) -> None:
    """Lock the corporation's rows of ``model`` (matching ``where``) for this transaction,
    so rules spanning several rows (one default, at least one admin) hold under concurrent
    writes on PostgreSQL. SQLite write transactions are serialised already."""
    c = _table(model).c
    s.execute(
        select(c.id)
        .where(c.corporation_id == corporation_id, *where)
        .order_by(c.id)
        .with_for_update()
    ).all()


# --------------------------------------------------------------------------- rules


def ensure_unique(
    s: Session,
    model: type[Base],
    corporation_id: int,
    column: str,
    value: str,
    noun: str,
    *,
    exclude_id: int | None = None,
    where: Iterable[ColumnElement[bool]] = (),
) -> None:
    """Conflict if another row of the corporation has ``value`` in ``column``, compared
    without regard to case (``Network`` and ``network`` would confuse everyone)."""
    c = _table(model).c
    stmt = select(c.id).where(
        c.corporation_id == corporation_id, func.lower(c[column]) == value.lower(), *where
    )
    if exclude_id is not None:
        stmt = stmt.where(c.id != exclude_id)
    if s.execute(stmt.limit(1)).first() is not None:
        raise Conflict(f"a {noun} with {column} {value!r} exists already", field=column)


def ensure_not_taken(
    s: Session,
    model: type[Base],
    corporation_id: int,
    column: str,
    values: Iterable[str],
    *,
    owner: str,
    owner_id: int,
    field: str,
) -> None:
    """Conflict naming the first of ``values`` that another ``owner`` of the corporation
    holds in ``column`` (``<owner>_id`` says whose a row is): for names that belong to
    one owner of a corporation, as a contact's email address or an organization's email
    domain. The error carries the holder's id, so a caller can go and look."""
    wanted = list(values)
    if not wanted:
        return
    c = _table(model).c
    holder = c[f"{owner}_id"]
    taken = s.execute(
        select(c[column], holder).where(
            c.corporation_id == corporation_id, c[column].in_(wanted), holder != owner_id
        )
    ).first()
    if taken is not None:
        raise Conflict(
            f"{column} {taken[0]} belongs to {owner} {taken[1]} already",
            field=field,
            **{f"{owner}_id": taken[1]},
        )


#: How the tables that point at reference rows are named in messages.
_USERS_OF = {
    "status_history": "status history of cases",
    "case_members": "case memberships",
    "contact_organizations": "contacts belonging to it",
    "case_messages": "case messages",
    "custom_field_values": "cases with a value",
    "categories": "subcategories",
}


def ensure_unused(
    s: Session,
    model: type[Base],
    row_id: int,
    noun: str,
    *,
    owned: frozenset[str] = frozenset(),
) -> None:
    """Conflict naming what still points at the row, so a delete never fails on a
    foreign key. Every table with a foreign key to ``model`` is checked, except the
    ``owned`` parts that go with the row (e.g. an organization's domains)."""
    target = _table(model)
    used: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in owned:
            continue
        columns = [fk.parent for fk in table.foreign_keys if fk.column.table is target]
        if not columns:
            continue
        count = s.scalar(
            select(func.count()).select_from(table).where(or_(*(col == row_id for col in columns)))
        )
        if count:
            used[table.name] = int(count)
    if used:
        what = ", ".join(f"{_USERS_OF.get(t, t.replace('_', ' '))}: {n}" for t, n in used.items())
        raise Conflict(
            f"{noun} {row_id} is still in use ({what}); change or remove those first",
            used_by=used,
        )


def claim_default(s: Session, model: type[Base], row: Any, *scope: ColumnElement[bool]) -> None:
    """Make ``row`` the one default of its scope, unsetting any other in this transaction."""
    c = _table(model).c
    lock_rows(s, model, row.corporation_id, *scope)
    s.execute(
        update(_table(model))
        .where(
            c.corporation_id == row.corporation_id, c.id != row.id, c.is_default.is_(True), *scope
        )
        .values(is_default=False)
    )
    row.is_default = True


def has_default(
    s: Session, model: type[Base], corporation_id: int, *scope: ColumnElement[bool]
) -> bool:
    c = _table(model).c
    stmt = select(c.id).where(c.corporation_id == corporation_id, c.is_default.is_(True), *scope)
    return s.execute(stmt.limit(1)).first() is not None


def flush(s: Session, detail: str) -> None:
    """Flush, reporting a constraint a concurrent write got to first as a Conflict."""
    try:
        s.flush()
    except IntegrityError:
        raise Conflict(detail) from None


# --------------------------------------------------------------------------- patches


def present(patch: BaseModel, not_null: Iterable[str]) -> dict[str, Any]:
    """The fields the caller sent; ``null`` is refused for those that cannot be empty."""
    values = {name: getattr(patch, name) for name in patch.model_fields_set}
    for name in not_null:
        if name in values and values[name] is None:
            raise ValidationFailed(f"{name} cannot be null", field=name)
    return values


def snapshot(row: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def created(values: dict[str, Any]) -> Changes:
    return {k: {"from": None, "to": jsonable(v)} for k, v in values.items()}


def deleted(values: dict[str, Any]) -> Changes:
    return {k: {"from": jsonable(v), "to": None} for k, v in values.items()}


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
