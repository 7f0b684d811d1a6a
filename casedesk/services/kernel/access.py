"""Data segregation as query filters, so every face that reads cases inherits them.

A case the caller may not see is reported exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Permission, Principal
from casedesk.store.models import Case


def readable_cases(principal: Principal) -> Select[Case]:
    """SELECT of the cases ``principal`` may see (``load_case`` has the same filter)."""
    stmt = select(Case).where(Case.corporation_id == principal.corporation_id)
    groups = principal.visible_group_ids
    if groups is not None:
        stmt = stmt.where(Case.group_id.in_(groups))
    if principal.organization_id is not None:
        stmt = stmt.where(Case.organization_id == principal.organization_id)
    return stmt


#: ``load_case``'s statements, built once: building a SELECT costs more than running it.
_ONE = select(Case).where(
    Case.corporation_id == bindparam("corporation_id"), Case.id == bindparam("case_id")
)
_ONE_IN_GROUPS = _ONE.where(Case.group_id.in_(bindparam("group_ids", expanding=True)))
_LOAD = {
    (False, False): _ONE,
    (False, True): _ONE.with_for_update(),
    (True, False): _ONE_IN_GROUPS,
    (True, True): _ONE_IN_GROUPS.with_for_update(),
}
_AS_ROW = {s: s.with_only_columns(*Case.__table__.columns) for s in (_ONE, _ONE_IN_GROUPS)}


def not_found(case_id: int) -> NotFound:
    return NotFound(f"case {case_id} not found", case_id=case_id)


def load_case(
    session: Session,
    principal: Principal,
    case_id: int,
    permission: Permission = Permission.VIEW_CASE,
    *,
    for_update: bool = False,
) -> Case:
    """The case if the caller may see it and holds ``permission``, else NotFound/Forbidden.

    Visibility is checked first so that a hidden case never reveals itself through a 403.
    ``for_update`` locks the row on PostgreSQL (SQLite writers are already serialised).
    """
    statement, params = _load(principal, case_id, for_update)
    case = session.scalars(statement, params).one_or_none()
    return _allowed(case, principal, case_id, permission)


def read_case(session: Session, principal: Principal, case_id: int) -> Row[Any]:
    """``load_case`` for showing the case: a row of all of its columns rather than an
    ORM object (half the cost of loading one)."""
    statement, params = _load(principal, case_id, False)
    row = session.connection().execute(_AS_ROW[statement], params).one_or_none()
    return _allowed(row, principal, case_id, Permission.VIEW_CASE)


def _load(
    principal: Principal, case_id: int, for_update: bool
) -> tuple[Select[Case], dict[str, object]]:
    groups = principal.visible_group_ids
    params: dict[str, object] = {"corporation_id": principal.corporation_id, "case_id": case_id}
    if groups is not None:
        params["group_ids"] = list(groups)
    return _LOAD[groups is not None, for_update], params


_Found = TypeVar("_Found", Case, Row[Any])


def _allowed(
    case: _Found | None, principal: Principal, case_id: int, permission: Permission
) -> _Found:
    if case is None or (
        principal.organization_id is not None and case.organization_id != principal.organization_id
    ):
        raise not_found(case_id)
    principal.require(Permission.VIEW_CASE)
    principal.require(permission)
    return case
