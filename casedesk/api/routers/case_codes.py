"""/case-codes: the code table coded cases are opened with (seed 004)."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.cases import _ERRORS
from casedesk.api.routing import NativeRoute
from casedesk.services.cases import codes as case_codes
from casedesk.services.cases.codes import CaseCodeTable, CaseCodeTableIn

router = APIRouter(
    route_class=NativeRoute, prefix="/case-codes", tags=["reference"], responses=_ERRORS
)


@router.get("", response_model=CaseCodeTable)
def get_case_codes(caller: Caller, db: Db) -> CaseCodeTable:
    """The corporation's code table, or the default table while it has none."""
    return case_codes.get_table(db, caller)


@router.put("", response_model=CaseCodeTable)
def put_case_codes(body: CaseCodeTableIn, caller: Caller, db: Db) -> CaseCodeTable:
    """Replace the whole table (needs `manage_reference`); an empty list restores the
    default table."""
    return case_codes.replace_table(db, caller, body)
