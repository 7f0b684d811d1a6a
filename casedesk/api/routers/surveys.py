"""/surveys: the satisfaction surveys sent when cases closed, their answers, the scores
by agent, group and period, and (for admins) the survey settings.

An agent reads the surveys of their groups' cases only; another group's survey is a
404 like a missing one. The scores are the ``satisfaction`` report's, the same figures
the console's Reports area draws."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reports import dashboards, schemas
from casedesk.services.reports.schemas import Period, Report
from casedesk.services.surveys import results, settings
from casedesk.services.surveys.results import SurveyOut
from casedesk.services.surveys.settings import SurveySettingsIn, SurveySettingsOut

router = APIRouter(route_class=NativeRoute, prefix="/surveys", tags=["surveys"], responses=ERRORS)


@router.get("", response_model=list[SurveyOut])
def list_surveys(
    caller: Caller,
    db: Db,
    rating: Literal["good", "bad"] | None = None,
    answered: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=results.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[SurveyOut]:
    """Newest first; ``rating`` and ``answered`` narrow the list."""
    return results.list_surveys(
        db, caller, rating=rating, answered=answered, limit=limit, offset=offset
    )


@router.get("/scores", response_model=Report)
def scores(
    caller: Caller,
    db: Db,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    group: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    period: Period = "day",
    by: Literal["agent", "group"] = "group",
) -> Report:
    """Good and bad answers and the satisfaction % (good of all answers) per ``period``
    and per ``by``, for answers given from ``from`` to ``to`` (UTC days, both included;
    by default the last 30 days)."""
    start, end = dashboards.default_range(utcnow().date(), date_from, date_to)
    query = schemas.Query(date_from=start, date_to=end, group=group, period=period, by=by)
    return dashboards.report(db, caller, "satisfaction", query)


@router.get("/settings", response_model=SurveySettingsOut)
def get_settings(caller: Caller, db: Db) -> SurveySettingsOut:
    """Admins only."""
    return settings.get_settings(db, caller)


@router.put("/settings", response_model=SurveySettingsOut)
def put_settings(caller: Caller, db: Db, body: SurveySettingsIn) -> SurveySettingsOut:
    """Admins only. Texts may name ``{case_reference}``, ``{case_title}`` and
    ``{recipient_name}``; an empty text is the shipped default."""
    return settings.update_settings(db, caller, body)


@router.get("/{survey_id}", response_model=SurveyOut)
def get_survey(survey_id: RowId, caller: Caller, db: Db) -> SurveyOut:
    return results.get_survey(db, caller, survey_id)
