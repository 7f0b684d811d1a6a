"""Turning case rows into ``CaseOut``, loading related rows in batches (no N+1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Row, bindparam, exists, select
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.domain.numbering import format_case_number
from casedesk.domain.permissions import Principal
from casedesk.services.cases import custom_fields, tags
from casedesk.services.cases.members import to_out
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.kernel.access import readable_cases
from casedesk.store.models import Case, CaseMember, CaseTag, Corporation, CustomFieldValue

_corporations = Corporation.__table__
_members = CaseMember.__table__
_case_tags = CaseTag.__table__
_values = CustomFieldValue.__table__
_case_ids: BindParameter[list[int]] = bindparam("case_ids", expanding=True)
_PROBE = select(
    _corporations.c.id,
    _corporations.c.case_prefix,
    *(exists().where(t.c.case_id.in_(_case_ids)) for t in (_members, _case_tags, _values)),
).where(_corporations.c.id.in_(bindparam("corporation_ids", expanding=True)))
#: The same for one case: without lists to expand, its SQL is compiled once for all.
_PROBE_ONE = select(
    _corporations.c.id,
    _corporations.c.case_prefix,
    *(exists().where(t.c.case_id == bindparam("case_id")) for t in (_members, _case_tags, _values)),
).where(_corporations.c.id == bindparam("corporation_id"))


#: A case to show: an ORM object or a row of all of the ``cases`` columns (``CASE_COLUMNS``;
#: a page of a search has no use for the ORM's bookkeeping).
CaseRow = Case | Row[Any]
CASE_COLUMNS = tuple(Case.__table__.columns)


def build(session: Session, cases: Sequence[CaseRow], principal: Principal) -> list[CaseOut]:
    if not cases:
        return []
    ids = [c.id for c in cases]
    visible_refs = _visible_references(session, cases, principal)
    prefixes, has_members, has_tags, has_values = _probe(session, cases, ids)
    member_rows: dict[int, list[CaseMember]] = {}
    if has_members:
        for m in session.scalars(
            select(CaseMember).where(CaseMember.case_id.in_(ids)).order_by(CaseMember.id)
        ):
            member_rows.setdefault(m.case_id, []).append(m)
    tag_names = tags.names(session, ids) if has_tags else {}
    cf = custom_fields.read_values(session, ids) if has_values else {}
    return [
        _out(
            c,
            prefixes.get(c.corporation_id, ""),
            member_rows.get(c.id, []),
            tag_names.get(c.id, []),
            cf.get(c.id, {}),
            visible_refs(c.parent_id),
            visible_refs(c.merged_into_id),
        )
        for c in cases
    ]


def build_new(case: Case, prefix: str) -> CaseOut:
    """The view of a case created in this transaction without members, tags or custom
    values, from the row in memory: its parent was checked visible when it was set."""
    return _out(case, prefix, [], [], {}, case.parent_id, case.merged_into_id)


def _out(
    c: CaseRow,
    prefix: str,
    rows: list[CaseMember],
    tag_names: list[str],
    values: dict[str, str | float | bool | date | None],
    parent_id: int | None,
    merged_into_id: int | None,
) -> CaseOut:
    return CaseOut(
        id=c.id,
        number=c.number,
        reference=format_case_number(prefix, c.number),
        title=c.title,
        description=c.description,
        status=c.status,
        status_id=c.status_id,
        last_open_status_id=c.last_open_status_id,
        last_open_at=c.last_open_at,
        priority_id=c.priority_id,
        category_id=c.category_id,
        queue_id=c.queue_id,
        group_id=c.group_id,
        organization_id=c.organization_id,
        asset_id=c.asset_id,
        contact_id=_active(rows, MemberRole.CONTACT),
        assignee_id=_active(rows, MemberRole.ASSIGNED_USER),
        creator_id=c.creator_id,
        deadline_at=c.deadline_at,
        on_hold_until=c.on_hold_until,
        on_hold_comment=c.on_hold_comment,
        origin=c.origin,
        from_address=c.from_address,
        primary_reference=c.primary_reference,
        secondary_reference=c.secondary_reference,
        customer_reference=c.customer_reference,
        occurred_at=c.occurred_at,
        code=c.code,
        merged_into_id=merged_into_id,
        parent_id=parent_id,
        version=c.version,
        created_at=c.created_at,
        updated_at=c.updated_at,
        status_changed_at=c.status_changed_at,
        internal_updated_at=c.internal_updated_at,
        external_updated_at=c.external_updated_at,
        first_response_at=c.first_response_at,
        closed_at=c.closed_at,
        last_activity_at=c.last_activity_at,
        first_response_due_at=c.first_response_due_at,
        next_response_due_at=c.next_response_due_at,
        resolution_due_at=c.resolution_due_at,
        alert_level=c.alert_level or 0,
        tags=tag_names,
        custom_fields=values,
        members=to_out(rows),
    )


def build_one(session: Session, case: CaseRow, principal: Principal) -> CaseOut:
    return build(session, [case], principal)[0]


def _probe(
    session: Session, cases: Sequence[CaseRow], ids: list[int]
) -> tuple[dict[int, str], bool, bool, bool]:
    """Case number prefixes by corporation, and whether any of the cases has members,
    tags or custom values: one statement, so the common case of a plain case costs no
    further queries."""
    if len(cases) == 1:
        params = {"case_id": ids[0], "corporation_id": cases[0].corporation_id}
        found = session.connection().execute(_PROBE_ONE, params)
    else:
        corporation_ids = list({c.corporation_id for c in cases})
        found = session.connection().execute(
            _PROBE, {"case_ids": ids, "corporation_ids": corporation_ids}
        )
    rows = found.all()
    prefixes = {row[0]: row[1] for row in rows}
    if not rows:
        return prefixes, False, False, False
    return prefixes, bool(rows[0][2]), bool(rows[0][3]), bool(rows[0][4])


def _visible_references(
    session: Session, cases: Sequence[CaseRow], principal: Principal
) -> Callable[[int | None], int | None]:
    """Parent and merged-into ids of cases the caller cannot see are shown as null, so
    a case view never reveals a case of another group (one query, only when needed)."""
    refs = {r for c in cases for r in (c.parent_id, c.merged_into_id) if r is not None}
    if not refs or principal.visible_group_ids is None:
        return lambda ref: ref
    seen = set(
        session.scalars(
            readable_cases(principal).with_only_columns(Case.id).where(Case.id.in_(refs))
        )
    )
    return lambda ref: ref if ref in seen else None


def _active(rows: list[CaseMember], role: MemberRole) -> int | None:
    for r in rows:
        if r.role == role and r.end_at is None:
            return r.contact_id if role == MemberRole.CONTACT else r.user_id
    return None
