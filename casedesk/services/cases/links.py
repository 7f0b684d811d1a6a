"""Links between cases: parent/child (on the case row) and symmetric "related" links."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.cases.schemas import LinkCreate, LinksOut
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case, readable_cases
from casedesk.services.kernel.case_state import ensure_updatable, touch
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseLink


def get_links(db: Database, principal: Principal, case_id: int) -> LinksOut:
    with db.read() as s:
        case = load_case(s, principal, case_id)
        return _links(s, principal, case)


def add_link(db: Database, principal: Principal, case_id: int, data: LinkCreate) -> LinksOut:
    if data.case_id == case_id:
        raise ValidationFailed("a case cannot be linked to itself", field="case_id")
    now = utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        ensure_updatable(case)
        try:
            other = load_case(s, principal, data.case_id, Permission.EDIT_CASE, for_update=True)
        except NotFound:
            raise ValidationFailed(
                f"case_id {data.case_id} does not exist", field="case_id"
            ) from None
        if data.kind == "related":
            a, b = sorted((case.id, other.id))
            exists = s.scalar(
                select(CaseLink.id).where(
                    CaseLink.case_id == a, CaseLink.other_case_id == b, CaseLink.kind == "related"
                )
            )
            if exists is None:
                s.add(CaseLink(case_id=a, other_case_id=b, kind="related", created_at=now))
        else:
            child, parent = (case, other) if data.kind == "parent" else (other, case)
            ensure_updatable(child)
            check_no_cycle(s, child.id, parent.id)
            child.parent_id = parent.id
            touch(child, now)
        touch(case, now)
        audit.record(
            s,
            principal,
            case.corporation_id,
            "case.linked",
            "case",
            case.id,
            case_id=case.id,
            changes={f"links.{data.kind}": {"from": None, "to": other.id}},
        )
        s.flush()
        return _links(s, principal, case)


def remove_link(
    db: Database, principal: Principal, case_id: int, kind: str, other_id: int
) -> LinksOut:
    now = utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        ensure_updatable(case)
        removed = False
        if kind == "related":
            a, b = sorted((case_id, other_id))
            result = s.execute(
                delete(CaseLink).where(
                    CaseLink.case_id == a, CaseLink.other_case_id == b, CaseLink.kind == "related"
                )
            )
            removed = cast(CursorResult[Any], result).rowcount > 0
        elif kind == "parent" and case.parent_id == other_id:
            case.parent_id = None
            removed = True
        elif kind == "child":
            child = load_case(s, principal, other_id, Permission.EDIT_CASE, for_update=True)
            if child.parent_id == case.id:
                child.parent_id = None
                touch(child, now)
                removed = True
        if not removed:
            raise NotFound(f"no {kind} link to case {other_id}")
        touch(case, now)
        audit.record(
            s,
            principal,
            case.corporation_id,
            "case.unlinked",
            "case",
            case.id,
            case_id=case.id,
            changes={f"links.{kind}": {"from": other_id, "to": None}},
        )
        s.flush()
        return _links(s, principal, case)


def _links(s: Session, principal: Principal, case: Case) -> LinksOut:
    visible = readable_cases(principal).with_only_columns(Case.id)
    children = s.scalars(visible.where(Case.parent_id == case.id).order_by(Case.id)).all()
    merged_from = s.scalars(visible.where(Case.merged_into_id == case.id).order_by(Case.id)).all()
    rel = s.execute(
        select(CaseLink.case_id, CaseLink.other_case_id).where(
            CaseLink.kind == "related",
            or_(CaseLink.case_id == case.id, CaseLink.other_case_id == case.id),
        )
    ).all()
    others = {b if a == case.id else a for a, b in rel}
    related = (
        s.scalars(visible.where(Case.id.in_(others)).order_by(Case.id)).all() if others else []
    )
    parent = (
        s.scalar(visible.where(Case.id == case.parent_id)) if case.parent_id is not None else None
    )
    return LinksOut(
        parent_id=parent,
        children=list(children),
        related=list(related),
        merged_into_id=case.merged_into_id,
        merged_from=list(merged_from),
    )


def check_no_cycle(s: Session, child_id: int, parent_id: int, field: str = "case_id") -> None:
    """ValidationFailed naming ``field`` when making ``parent_id`` the parent of
    ``child_id`` would close a loop in the parent chain."""
    seen = {child_id}
    current: int | None = parent_id
    while current is not None:
        if current in seen:
            raise ValidationFailed("that parent would make a cycle", field=field)
        seen.add(current)
        current = s.scalar(select(Case.parent_id).where(Case.id == current))
