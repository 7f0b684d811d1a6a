"""/reports/{name}: the dashboards' figures, the same the console draws, as JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.errors import PROBLEM
from casedesk.api.routing import NativeRoute
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reports import dashboards, schemas
from casedesk.services.reports.schemas import Dimension, Period, Report

ReportName = Literal[
    "volume", "times", "sla", "reopens", "messages", "busiest-hours", "open-load", "satisfaction"
]  # fmt: skip
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": desc, "content": {PROBLEM: {}}}
    for code, desc in (
        (401, "Not authenticated"),
        (403, "Missing permission"),
        (404, "No such group (or not visible to you)"),
        (422, "Invalid input"),
    )
}

router = APIRouter(route_class=NativeRoute, prefix="/reports", responses=_ERRORS, tags=["reports"])


@router.get("/{name}", response_model=Report)
def get_report(
    name: ReportName,
    caller: Caller,
    db: Db,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    group: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    channel: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    period: Period = "day",
    by: Dimension = "group",
) -> Report:
    """A report over the cases created from ``from`` to ``to`` (days in the
    corporation's time zone, both included; by default the last 30 days), of your
    groups' cases (an admin's: every group), optionally of one group and one channel.
    ``period`` buckets ``volume``; ``by`` splits ``times``. Times are seconds of
    business time in the calendar of each case's priority."""
    start, end = dashboards.default_range(utcnow().date(), date_from, date_to)
    query = schemas.Query(
        date_from=start, date_to=end, group=group, channel=channel, period=period, by=by
    )
    return dashboards.report(db, caller, name, query)
