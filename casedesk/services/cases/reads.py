"""Reading a case as a user: every face that shows one case to a user (the console's
case page, the dialects' single-ticket reads) records the read, so the owner's read
status and the first and latest reads (seed 001's ReadByOwner, FirstReadByOwner,
FirstReadByUser) follow what users actually opened.

The native ``GET /api/v1/cases/{id}`` stays a safe read without side effects; a
native client records a read with ``POST /api/v1/cases/{id}/read``.
"""

from __future__ import annotations

from casedesk.domain.permissions import Principal
from casedesk.services.cases.core import get_case
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.sla.case_times import mark_read
from casedesk.store.db import Database


def read_case(db: Database, principal: Principal, case_id: int) -> CaseOut:
    """The case, for a user opening it; the read is recorded first (a case the caller
    may not see is not found, and nothing is recorded)."""
    record_read(db, principal, case_id)
    return get_case(db, principal, case_id)


def record_read(db: Database, principal: Principal, case_id: int) -> None:
    """Note that the calling user opened the case now."""
    mark_read(db, principal, case_id)
