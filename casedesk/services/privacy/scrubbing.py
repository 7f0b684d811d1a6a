"""Replacing a person's identifiers wherever the database holds them as text.

Mail headers, audit snapshots, delivery records, outbox payloads and search documents
all copy a contact's address or name at the time they are written. Rather than know
every such copy, the scrub walks every text and JSON column of every table in the
schema, finds the rows of the corporation that mention one of the identifiers (case
insensitive) and rewrites only those strings. New tables are covered without change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, String, Table, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from casedesk.store.models import Base

#: Identifiers shorter than this are not searched for: they would match ordinary words.
MIN_NEEDLE = 3


def text_columns(table: Table) -> list[Column[Any]]:
    """The columns of ``table`` that may hold a person's data as text."""
    return [c for c in table.columns if isinstance(c.type, String | JSON)]


def _scope(table: Table, corporation_id: int) -> ColumnElement[bool] | None:
    if "corporation_id" in table.columns:
        return table.c.corporation_id == corporation_id
    if "case_id" in table.columns:
        cases = Base.metadata.tables["cases"]
        ids = select(cases.c.id).where(cases.c.corporation_id == corporation_id)
        return table.c.case_id.in_(ids)
    return None


def _replace(value: Any, pattern: re.Pattern[str], placeholder: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(placeholder, value)
    if isinstance(value, list):
        return [_replace(v, pattern, placeholder) for v in value]
    if isinstance(value, dict):
        return {
            _replace(k, pattern, placeholder): _replace(v, pattern, placeholder)
            for k, v in value.items()
        }
    return value


def _escape(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scrub(
    session: Session,
    corporation_id: int,
    needles: Iterable[str],
    placeholder: str,
    *,
    only: tuple[Table, ColumnElement[bool]] | None = None,
) -> int:
    """Replace every occurrence of ``needles`` in the corporation's rows by
    ``placeholder``; returns how many rows changed. ``only`` limits the scrub to the
    rows of one table that match a condition."""
    wanted = sorted({n.strip().lower() for n in needles if len(n.strip()) >= MIN_NEEDLE})
    if not wanted:
        return 0
    pattern = re.compile(
        "|".join(re.escape(n) for n in sorted(wanted, key=len, reverse=True)), re.I
    )
    changed = 0
    tables = [only[0]] if only else Base.metadata.sorted_tables
    for table in tables:
        columns = text_columns(table)
        keys = list(table.primary_key.columns)
        if not columns or not keys:
            continue
        matches = [
            func.lower(cast(c, Text)).like(f"%{_escape(n)}%", escape="\\")
            for c in columns
            for n in wanted
        ]
        query = select(*keys, *columns).where(or_(*matches))
        scope = _scope(table, corporation_id)
        if scope is not None:
            query = query.where(scope)
        if only is not None:
            query = query.where(only[1])
        for row in session.execute(query).all():
            values = row._mapping
            update = {}
            for c in columns:
                new = _replace(values[c], pattern, placeholder)
                if new != values[c]:
                    update[c.name] = new
            if update:
                where = [k == values[k] for k in keys]
                session.execute(table.update().where(*where).values(**update))
                changed += 1
    return changed
