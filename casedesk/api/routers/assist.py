"""/cases/{id}/assist, /cases/{id}/similar, /assist/cases and /assist-settings: what the
server worked out about cases (docs/assist.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.assist import reads, similar, suggestions
from casedesk.services.assist import settings as assist_settings
from casedesk.services.assist.reads import InsightFilter, InsightOut
from casedesk.services.assist.settings import AssistSettingsIn, AssistSettingsOut
from casedesk.services.assist.similar import SimilarCase
from casedesk.services.cases.schemas import CaseOut

router = APIRouter(route_class=NativeRoute, responses=ERRORS, tags=["assist"])


@router.get("/cases/{case_id}/assist", response_model=InsightOut)
def case_insight(case_id: RowId, caller: Caller, db: Db) -> InsightOut:
    """Language of the first external message and of each message, sentiment of the
    last external message (index 0…1000, 500 neutral; confidence 0…1000), the
    suggested category with its confidence (percent) and the agent's choice, and a
    possible duplicate. Null where not computed yet or turned off."""
    return reads.case_insight(db, caller, case_id)


@router.get("/assist/cases", response_model=list[InsightOut])
def find_cases(caller: Caller, db: Db, f: Annotated[InsightFilter, Query()]) -> list[InsightOut]:
    """The visible cases by language, sentiment (label or index range) or suggestion,
    by case id; page with `after_id`."""
    return reads.find_cases(db, caller, f)


@router.get("/cases/{case_id}/similar", response_model=list[SimilarCase])
def similar_cases(
    case_id: RowId, caller: Caller, db: Db, limit: Annotated[int, Query(ge=1, le=20)] = 5
) -> list[SimilarCase]:
    """The open and recently closed cases of the caller's groups most like this one."""
    return similar.similar_cases(db, caller, case_id, limit=limit)


@router.post("/cases/{case_id}/suggestion/accept", response_model=CaseOut)
def accept_suggestion(case_id: RowId, caller: Caller, db: Db) -> CaseOut:
    """Set the case's category to the suggested one."""
    return suggestions.accept_suggestion(db, caller, case_id)


@router.post("/cases/{case_id}/suggestion/refuse", status_code=204)
def refuse_suggestion(case_id: RowId, caller: Caller, db: Db) -> Response:
    """Record that the suggestion was not taken."""
    suggestions.refuse_suggestion(db, caller, case_id)
    return Response(status_code=204)


@router.get("/assist-settings", response_model=AssistSettingsOut)
def get_settings(caller: Caller, db: Db) -> AssistSettingsOut:
    """Which parts of the assist are on, and their thresholds."""
    return assist_settings.get_settings(db, caller)


@router.put("/assist-settings", response_model=AssistSettingsOut)
def set_settings(data: AssistSettingsIn, caller: Caller, db: Db) -> AssistSettingsOut:
    """Turn parts on or off, set the examples a category needs before it is suggested
    and the confidence above which the rule action applies a suggestion. Admins only."""
    return assist_settings.set_settings(db, caller, data)
