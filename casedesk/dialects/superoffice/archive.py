"""``GET /api/v1/Ticket?$select=&$filter=&$orderBy=&$top=&$skip=``: SuperOffice's ticket
archive query over the cases the caller may read.

Rows come from the case search use-case with the caller's principal, so group
segregation and deleted cases are handled where they are for every other face; the
OData subset (``odata``) is then applied to those rows. The scan stops with a 400 when
the caller can read more than ``MAX_SCANNED`` cases, rather than answer from part of
them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from casedesk.dialects.superoffice import mapping
from casedesk.dialects.superoffice.odata import (
    Column,
    parse_count,
    parse_filter,
    parse_order,
    parse_select,
    sort_rows,
)
from casedesk.domain.base_status import base_status_of
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases import search
from casedesk.services.cases.schemas import CaseOut, CaseQuery
from casedesk.services.kernel.database import Database
from casedesk.services.reference import categories, priorities, statuses

MAX_SCANNED = 10_000
DEFAULT_TOP = 200
MAX_TOP = 1000

_COLUMNS = [
    Column("TicketId", int),
    Column("Title", str),
    Column("CreatedAt", datetime),
    Column("LastChanged", datetime),
    Column("ClosedAt", datetime),
    Column("RepliedAt", datetime),
    Column("Activate", datetime),
    Column("Deadline", datetime),
    Column("BaseStatus", str),
    Column("Status", str),
    Column("Priority", str),
    Column("Category", str),
    Column("OwnedBy", int),
    Column("Person", int),
    Column("Origin", str),
    Column("FromAddress", str),
]
COLUMNS: dict[str, Column] = {c.name.lower(): c for c in _COLUMNS}
_ORIGIN_OUT = {v: k for k, v in mapping.ORIGINS.items()}


@dataclass(frozen=True)
class ArchiveQuery:
    select: str = ""
    filter: str = ""
    order_by: str = ""
    top: str | None = None
    skip: str | None = None


@dataclass(frozen=True)
class ArchivePage:
    rows: list[dict[str, Any]]
    next_skip: int | None  # the $skip of the next page, when there is one


def query(db: Database, p: Principal, q: ArchiveQuery, tz: tzinfo) -> ArchivePage:
    """The rows of one page, each keyed by the names ``$select`` asked for."""
    selected = parse_select(q.select, COLUMNS)
    order = parse_order(q.order_by, COLUMNS) or [("TicketId", False)]
    top = parse_count(q.top, "$top", DEFAULT_TOP, MAX_TOP)
    skip = parse_count(q.skip, "$skip", 0, 2**31 - 1)
    keep = parse_filter(q.filter, COLUMNS, tz) if q.filter.strip() else None
    names = _Names(db, p)
    rows = [r for r in (_row(c, names, tz) for c in _readable(db, p)) if not keep or keep(r)]
    sort_rows(rows, order)
    page = rows[skip : skip + top]
    out = [
        {"PrimaryKey": r["TicketId"], "EntityName": "ticket"}
        | {label: _wire(r[name]) for label, name in selected}
        for r in page
    ]
    more = top > 0 and len(rows) > skip + top
    return ArchivePage(rows=out, next_skip=skip + top if more else None)


def _readable(db: Database, p: Principal) -> Iterator[CaseOut]:
    cursor: str | None = None
    seen = 0
    while True:
        page = search.search_cases(db, p, CaseQuery(sort="created_at", limit=200, cursor=cursor))
        seen += len(page.items)
        if seen > MAX_SCANNED:
            raise ValidationFailed(
                f"the query reaches more than {MAX_SCANNED} tickets; narrow it down",
                field="$filter",
            )
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor


class _Names:
    """Status, priority and category names, read once per query."""

    def __init__(self, db: Database, p: Principal) -> None:
        self.status = {s.id: s.name for s in statuses.list_statuses(db, p)}
        self.priority = {x.id: x.name for x in priorities.list_priorities(db, p)}
        self.category = {c.id: c.name for c in categories.list_categories(db, p)}


def _row(c: CaseOut, names: _Names, tz: tzinfo) -> dict[str, Any]:
    def at(value: datetime | None) -> datetime | None:
        return value.astimezone(tz) if value is not None else None

    return {
        "TicketId": c.id,
        "Title": c.title,
        "CreatedAt": at(c.created_at),
        "LastChanged": at(c.updated_at),
        "ClosedAt": at(c.closed_at),
        "RepliedAt": at(c.first_response_at),
        "Activate": at(c.on_hold_until),
        "Deadline": at(c.deadline_at),
        "BaseStatus": base_status_of(c.status).value,
        "Status": names.status.get(c.status_id),
        "Priority": names.priority.get(c.priority_id),
        "Category": names.category.get(c.category_id) if c.category_id else None,
        "OwnedBy": c.assignee_id or mapping.UNASSIGNED,
        "Person": c.contact_id or 0,
        "Origin": _ORIGIN_OUT.get(c.origin, "AutoGenerated"),
        "FromAddress": c.from_address,
    }


def _wire(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
