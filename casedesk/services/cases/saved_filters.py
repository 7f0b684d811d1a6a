"""Agents' saved case filters: a case list's query string kept under a name.

A filter belongs to its owner: an agent lists, uses and deletes only their own, and
another agent's filter answers NotFound like a missing one (its owner may share it as
a view with a group or everyone: ``shared_views``). The query is parsed into a
``CaseQuery`` before it is saved, so a saved filter always runs; running it goes
through the same search (and the same group visibility) as any other list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, get_args, get_origin
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, StringConstraints
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.cases.schemas import CaseQuery
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import SavedFilter

#: Filters one agent may keep; the sidebar shows them all with their counts.
MAX_FILTERS_PER_USER = 50
#: Parameters that page or reorder a list rather than choose its cases.
NOT_SAVED = frozenset({"cursor"})
_MAX_QUERY = 2000

FilterName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class SavedFilterOut(BaseModel):
    id: int
    name: str
    query: str
    created_at: datetime


class _Name(BaseModel):
    name: FilterName


def _list_fields() -> frozenset[str]:
    return frozenset(
        name
        for name, info in CaseQuery.model_fields.items()
        if get_origin(info.annotation) is list
        or any(get_origin(a) is list for a in get_args(info.annotation))
    )


LIST_FIELDS = _list_fields()


def parse_query(pairs: list[tuple[str, str]]) -> CaseQuery:
    """A ``CaseQuery`` from a list's query parameters: list filters may repeat, custom
    fields are ``custom.<key>=value``, empty values are ignored (a form's "any"), and
    an unknown or malformed parameter is refused naming it."""
    values: dict[str, Any] = {}
    for key, raw in pairs:
        value = raw.strip()
        if not value:
            continue
        if key.startswith("custom."):
            values.setdefault("custom", {})[key.removeprefix("custom.")] = value
        elif key in LIST_FIELDS:
            values.setdefault(key, []).append(value)
        elif key in CaseQuery.model_fields:
            values[key] = value
        else:
            raise ValidationFailed(f"unknown filter {key!r}", field=key)
    try:
        return CaseQuery.model_validate(values)
    except PydanticError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
        raise ValidationFailed(f"{field}: {first['msg']}", field=field) from None


def parse_query_string(text: str) -> CaseQuery:
    return parse_query(parse_qsl(text, keep_blank_values=True))


def canonical(pairs: list[tuple[str, str]]) -> str:
    """The query string as it is saved: paging dropped, empty values left out."""
    return urlencode([(k, v.strip()) for k, v in pairs if v.strip() and k not in NOT_SAVED])


def create_filter(db: Database, principal: Principal, name: str, query: str) -> SavedFilterOut:
    """Save ``query`` (a case list's query string) as the caller's filter ``name``."""
    principal.require(Permission.VIEW_CASE)
    try:
        clean_name = _Name(name=name).name
    except PydanticError:
        raise ValidationFailed(
            "a filter needs a name of 1 to 100 characters", field="name"
        ) from None
    pairs = parse_qsl(query, keep_blank_values=True)
    parse_query(pairs)
    text = canonical(pairs)
    if len(text) > _MAX_QUERY:
        raise ValidationFailed(f"the filter is longer than {_MAX_QUERY} characters", field="query")
    now = utcnow()
    with db.write() as s:
        mine = s.scalars(select(SavedFilter).where(SavedFilter.user_id == principal.user_id)).all()
        if any(f.name == clean_name for f in mine):
            raise Conflict(f"you already have a filter named {clean_name!r}", field="name")
        if len(mine) >= MAX_FILTERS_PER_USER:
            raise ValidationFailed(
                f"you can keep at most {MAX_FILTERS_PER_USER} filters; delete one first",
                field="name",
            )
        row = SavedFilter(
            corporation_id=principal.corporation_id,
            user_id=principal.user_id,
            name=clean_name,
            query=text,
            created_at=now,
        )
        s.add(row)
        try:
            s.flush()
        except IntegrityError:  # the same name saved at the same moment
            raise Conflict(f"you already have a filter named {clean_name!r}") from None
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "saved_filter.created",
            "saved_filter",
            row.id,
            changes={"saved_filter": {"from": None, "to": {"name": clean_name, "query": text}}},
            at=now,
        )
        return _out(row)


def list_filters(db: Database, principal: Principal) -> list[SavedFilterOut]:
    with db.read() as s:
        rows = s.scalars(
            select(SavedFilter)
            .where(SavedFilter.user_id == principal.user_id)
            .order_by(SavedFilter.name, SavedFilter.id)
        )
        return [_out(r) for r in rows]


def get_filter(db: Database, principal: Principal, filter_id: int) -> SavedFilterOut:
    with db.read() as s:
        return _out(_own(s.get(SavedFilter, filter_id), principal, filter_id))


def delete_filter(db: Database, principal: Principal, filter_id: int) -> None:
    with db.write() as s:
        row = _own(s.get(SavedFilter, filter_id, with_for_update=True), principal, filter_id)
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "saved_filter.deleted",
            "saved_filter",
            row.id,
            changes={"saved_filter": {"from": {"name": row.name, "query": row.query}, "to": None}},
        )
        s.delete(row)


def _own(row: SavedFilter | None, principal: Principal, filter_id: int) -> SavedFilter:
    if row is None or row.user_id != principal.user_id:
        raise NotFound(f"saved filter {filter_id} not found")
    return row


def _out(row: SavedFilter) -> SavedFilterOut:
    return SavedFilterOut(id=row.id, name=row.name, query=row.query, created_at=row.created_at)
