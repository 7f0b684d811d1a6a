"""Reading a case as a user: every face that shows one case to a user (the console's
case page, the dialects' single-ticket reads) records the read, so the owner's read
status and the first and latest reads (seed 001's ReadByOwner, FirstReadByOwner,
FirstReadByUser) follow what users actually opened.

The same read record says which cases have activity a user has not seen: a case is
unread for a user when its latest activity (a message, or its opening) came after
their latest read and was not their own.

The native ``GET /api/v1/cases/{id}`` stays a safe read without side effects; a
native client records a read with ``POST /api/v1/cases/{id}/read``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_

from casedesk.domain.permissions import Principal
from casedesk.services.cases.core import get_case
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.kernel.access import readable_cases
from casedesk.services.sla.case_times import mark_read
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseRead


def read_case(db: Database, principal: Principal, case_id: int) -> CaseOut:
    """The case, for a user opening it; the read is recorded first (a case the caller
    may not see is not found, and nothing is recorded)."""
    record_read(db, principal, case_id)
    return get_case(db, principal, case_id)


def record_read(db: Database, principal: Principal, case_id: int) -> None:
    """Note that the calling user opened the case now."""
    mark_read(db, principal, case_id)


def unread_case_ids(db: Database, principal: Principal, case_ids: Iterable[int]) -> set[int]:
    """Which of ``case_ids`` (cases a list shows) have activity the caller has not
    seen. Cases the caller may not see are never among them."""
    ids = sorted(set(case_ids))
    if not ids:
        return set()
    read = CaseRead.__table__.alias("my_read")
    stmt = (
        readable_cases(principal)
        .with_only_columns(Case.id)
        .outerjoin(read, and_(read.c.case_id == Case.id, read.c.user_id == principal.user_id))
        .where(
            Case.id.in_(ids),
            or_(Case.last_activity_by_id.is_(None), Case.last_activity_by_id != principal.user_id),
            or_(read.c.read_at.is_(None), read.c.read_at < Case.last_activity_at),
        )
    )
    with db.read() as s:
        return set(s.scalars(stmt))
