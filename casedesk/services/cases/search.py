"""Case search: filters, free text, sorting, cursor (keyset) pagination and counts.

Pages are fetched by position in the sort order (``(sort value, id)`` after the last
row seen), so a page costs the same however deep it is and rows inserted meanwhile
neither repeat nor vanish. The text of ``q`` is the search language of
``domain/search_query.py``: its ``field:value`` parts are filters like the others
(``search_fields.py``), its words are matched as ``text_search.py`` plans. Counts stop
at a bound and then say so (``Count.is_estimate``), so that no count reads the whole
desk.
"""

from __future__ import annotations

import base64
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, select, tuple_
from sqlalchemy.orm import Session

from casedesk.domain import search_query
from casedesk.domain.custom_fields import FieldType, parse_filter
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import custom_fields
from casedesk.services.cases.schemas import CasePage, CaseQuery
from casedesk.services.cases.search_fields import field_filters
from casedesk.services.cases.text_search import Tuning, plan
from casedesk.services.cases.views import CASE_COLUMNS, build
from casedesk.services.kernel.access import readable_cases
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMember,
    CaseTag,
    Category,
    CustomFieldValue,
    Tag,
)
from casedesk.store.pg_reads import tune_for_lists

_MAX_ID = 2**53
_MAX_NUMBER = 2**31 - 1
_SORT_COLUMNS = {
    "created_at": Case.created_at,
    "updated_at": Case.updated_at,
    "number": Case.number,
    "last_activity_at": Case.last_activity_at,
}


@dataclass(frozen=True, slots=True)
class Count:
    """How many cases match: exact, or (``is_estimate``) at least ``count``."""

    count: int
    is_estimate: bool = False


def on_replica(db: Database, q: str | None) -> bool:
    """Whether a read of cases for the free text ``q`` goes to the read replica: a text
    search may lag the last commits by the replication delay, so it reads there when
    one is configured; every other read (a list, a count, a case) reads on the primary.
    This is the one place that rule is stated."""
    return bool(q) and db.has_replica


def reader(db: Database, q: str | None) -> AbstractContextManager[Session]:
    """The read transaction for cases matching the free text ``q``, on the server
    :func:`on_replica` chooses (a replica that does not answer leaves it to the
    primary, see :meth:`Database.replica`)."""
    return db.replica() if on_replica(db, q) else db.read()


def search_cases(
    db: Database, principal: Principal, query: CaseQuery, *, with_total: bool = False
) -> CasePage:
    with reader(db, query.q) as s:
        return search_cases_in(s, principal, query, with_total=with_total)


def search_cases_in(
    s: Session,
    principal: Principal,
    query: CaseQuery,
    *,
    with_total: bool = False,
    tuning: Tuning | None = None,
) -> CasePage:
    """``search_cases`` in a transaction the caller owns. ``with_total`` adds how many
    cases match to the first page (no cursor), exact up to ``tuning.exact_count_up_to``."""
    principal.require(Permission.VIEW_CASE)
    tune_for_lists(s)
    tuning = tuning or Tuning()
    stmt, text = _filtered(s, principal, query)
    key = query.sort.lstrip("-")
    desc = query.sort.startswith("-")
    col = _SORT_COLUMNS[key]
    if query.cursor:
        value, last_id = _decode_cursor(query.cursor, key)
        pair = tuple_(col, Case.id)
        bound = tuple_(literal(value, type_=col.type), literal(last_id))
        stmt = stmt.where(pair < bound if desc else pair > bound)
    sort: Any = col
    if text is not None:
        found = plan(s, text, tuning)
        if found.driver is not None:
            stmt = stmt.where(found.driven())
            # A bounded set, sorted as a whole: not by walking the sort's index.
            sort = func.coalesce(col, col)
        else:
            stmt = stmt.where(found.walked())
    order = (sort.desc(), Case.id.desc()) if desc else (sort.asc(), Case.id.asc())
    stmt = stmt.with_only_columns(*CASE_COLUMNS).order_by(*order).limit(query.limit + 1)
    rows = list(s.connection().execute(stmt))  # plain rows: no ORM bookkeeping
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = _encode_cursor(getattr(rows[-1], key), rows[-1].id) if more and rows else None
    page = CasePage(items=build(s, rows, principal), next_cursor=cursor)
    if with_total and not query.cursor:
        total = count_cases_in(s, principal, query, up_to=tuning.exact_count_up_to)
        page.total, page.total_is_estimate = total.count, total.is_estimate
    return page


def count_cases(db: Database, principal: Principal, query: CaseQuery) -> int:
    """The exact number of matching cases (for faces whose contract needs it)."""
    with reader(db, query.q) as s:
        return count_cases_in(s, principal, query, up_to=None).count


def count_matches(
    db: Database, principal: Principal, query: CaseQuery, *, tuning: Tuning | None = None
) -> Count:
    """How many cases match, exact up to ``tuning.exact_count_up_to`` and "at least"
    that many above it."""
    with reader(db, query.q) as s:
        bound = (tuning or Tuning()).exact_count_up_to
        return count_cases_in(s, principal, query, up_to=bound)


def count_cases_in(
    s: Session, principal: Principal, query: CaseQuery, *, up_to: int | None
) -> Count:
    """The count in a transaction the caller owns; ``up_to`` None counts them all."""
    principal.require(Permission.VIEW_CASE)
    tune_for_lists(s)
    stmt, text = _filtered(s, principal, query, counting=True)
    if text is not None:
        counted = plan(s, text, Tuning(), counting=True)
        quick = counted.count_from_first(stmt, up_to) if up_to is not None else None
        if quick is not None:
            return Count(*quick)
        source = counted.count_source(stmt)
    else:
        source = stmt.with_only_columns(Case.id)
    if up_to is not None:
        source = source.limit(up_to + 1)
    n = int(s.scalar(select(func.count()).select_from(source.subquery())) or 0)
    if up_to is not None and n > up_to:
        return Count(up_to, is_estimate=True)
    return Count(n)


def _filtered(
    s: Session, principal: Principal, q: CaseQuery, *, counting: bool = False
) -> tuple[Select[Case], search_query.SearchQuery | None]:
    """The readable cases matching the filters of ``q`` and of the ``field:value``
    parts of its text, and the parsed text (None without words to match). ``counting``:
    for a count, which has no order to keep (see :func:`_conditions`)."""
    stmt = readable_cases(principal).where(*_conditions(s, principal, q, counting=counting))
    if q.q is None or not q.q.strip():
        return stmt, None
    parsed = search_query.parse(q.q)
    if parsed.fields or parsed.created or parsed.updated:
        found = field_filters(s, principal, parsed)
        extra = CaseQuery.model_construct(include_deleted=True, **found)
        stmt = stmt.where(*_conditions(s, principal, extra, counting=counting))
    return stmt, parsed if parsed.has_text else None


def _conditions(
    s: Session, principal: Principal, q: CaseQuery, *, counting: bool = False
) -> list[ColumnElement[bool]]:
    """The WHERE terms of the filters. The assignee is a column of the case with an
    index of its own (each agent's cases by last update). A list walks its sort's index
    and checks each case, so a contact is a correlated ``EXISTS``; a count has no order
    to keep, so there it is ``id IN (…)``, which lets the planner start from that
    person's cases (the members' index) rather than check every case the other filters
    leave."""
    member = _member_of if counting else _active_member
    conds: list[ColumnElement[bool]] = []
    if q.status:
        conds.append(Case.status.in_(q.status))
    elif not q.include_deleted:
        conds.append(Case.status != int(InternalStatus.DELETED))
    lists: tuple[tuple[list[Any], Any], ...] = (
        (q.status_id, Case.status_id),
        (q.priority_id, Case.priority_id),
        (q.queue_id, Case.queue_id),
        (q.group_id, Case.group_id),
        (q.organization_id, Case.organization_id),
        (q.primary_reference, Case.primary_reference),
    )
    for values, col in lists:
        if values:
            conds.append(col.in_(values))
    if q.category_id:
        conds.append(
            Case.category_id.in_(_category_subtree(principal.corporation_id, q.category_id))
        )
    if q.assignee_id:
        conds.append(Case.assignee_id.in_(q.assignee_id))
    if q.unassigned is not None:
        conds.append(Case.assignee_id.is_(None) if q.unassigned else Case.assignee_id.isnot(None))
    if q.contact_id:
        conds.append(member(MemberRole.CONTACT, CaseMember.contact_id.in_(q.contact_id)))
    if q.tag:
        names = [t.strip().lower() for t in q.tag]
        conds.append(
            exists().where(
                CaseTag.case_id == Case.id,
                CaseTag.tag_id == Tag.id,
                Tag.name_key.in_(names),
            )
        )
    if q.custom:
        conds.extend(_custom_conditions(s, principal.corporation_id, q.custom))
    ranges: tuple[tuple[datetime | None, Any, str], ...] = (
        (q.created_after, Case.created_at, "ge"),
        (q.created_before, Case.created_at, "lt"),
        (q.updated_after, Case.updated_at, "ge"),
        (q.updated_before, Case.updated_at, "lt"),
    )
    for bound, col, op in ranges:
        if bound is not None:
            conds.append(col >= bound if op == "ge" else col < bound)
    return conds


def _active_member(role: MemberRole, cond: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(
        CaseMember.case_id == Case.id,
        CaseMember.role == int(role),
        CaseMember.end_at.is_(None),
        cond,
    )


def _member_of(role: MemberRole, cond: ColumnElement[bool]) -> ColumnElement[bool]:
    """:func:`_active_member` as ``id IN (…)``, for counts."""
    return Case.id.in_(
        select(CaseMember.case_id).where(
            CaseMember.role == int(role), CaseMember.end_at.is_(None), cond
        )
    )


def _category_subtree(corporation_id: int, roots: list[int]) -> Select[int]:
    tree = (
        select(Category.id)
        .where(Category.id.in_(roots), Category.corporation_id == corporation_id)
        .cte("category_tree", recursive=True)
    )
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def _custom_conditions(
    s: Session, corporation_id: int, wanted: dict[str, str]
) -> list[ColumnElement[bool]]:
    defined = custom_fields.specs(s, corporation_id)
    conds: list[ColumnElement[bool]] = []
    for key, text in wanted.items():
        if key not in defined:
            raise ValidationFailed(f"unknown custom field {key!r}", field=f"custom.{key}")
        field_id, spec = defined[key]
        value = parse_filter(spec, text)
        column = {
            FieldType.NUMBER: CustomFieldValue.value_number,
            FieldType.DATE: CustomFieldValue.value_date,
            FieldType.BOOL: CustomFieldValue.value_bool,
        }.get(spec.type, CustomFieldValue.value_text)
        conds.append(
            exists().where(
                and_(
                    CustomFieldValue.case_id == Case.id,
                    CustomFieldValue.field_id == field_id,
                    column == value,
                )
            )
        )
    return conds


def _encode_cursor(value: Any, last_id: int) -> str:
    v = value.isoformat() if isinstance(value, datetime) else value
    raw = json.dumps([v, last_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, key: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, last_id = json.loads(raw)
        # Bounds keep a forged cursor from overflowing the database's integers.
        if not isinstance(last_id, int) or not 0 <= last_id <= _MAX_ID:
            raise TypeError
        if key == "number":
            if not isinstance(value, int) or not 0 <= value <= _MAX_NUMBER:
                raise TypeError
            return value, last_id
        dt = datetime.fromisoformat(value)
        if dt.tzinfo is None:
            raise TypeError
        return dt.astimezone(UTC), last_id
    except (ValueError, TypeError, OverflowError):
        raise ValidationFailed("cursor is not valid for this sort order", field="cursor") from None
