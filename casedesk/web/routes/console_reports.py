"""The console's Reports area: every dashboard on one page over one date range, group
and channel, each chart with its table and a CSV download of that table.

The figures are ``services.reports.dashboards``' (the same ``GET /api/v1/reports``
answers), so an agent sees their groups' cases only; a group they are not in is
refused like a missing one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from casedesk.domain.errors import DomainError, NotFound, ValidationFailed
from casedesk.services.cases.schemas import Origin
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.groups import list_groups
from casedesk.services.reports import dashboards, schemas, table_csv
from casedesk.services.reports.schemas import Cell, Dimension, Period, Table
from casedesk.web.errors import status_of
from casedesk.web.routes.console_context import db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/reports", route_class=SessionFirstRoute)

#: The reports the page shows, in order.
SHOWN = [
    "volume",
    "times",
    "sla",
    "reopens",
    "messages",
    "busiest-hours",
    "open-load",
    "satisfaction",
]
_MAX_ID = 2**53
From = Annotated[date | None, Query(alias="from")]
To = Annotated[date | None, Query(alias="to")]
#: The form sends an empty group for "all my groups"; a number otherwise.
GroupId = Annotated[str, Query(max_length=20)]
Channel = Annotated[str | None, Query(max_length=32)]


def _query(
    date_from: date | None,
    date_to: date | None,
    group: str,
    channel: str | None,
    period: Period,
    by: Dimension,
) -> schemas.Query:
    start, end = dashboards.default_range(utcnow().date(), date_from, date_to)
    chosen = group.strip()
    if chosen and (not chosen.isdigit() or not 0 < int(chosen) <= _MAX_ID):
        raise ValidationFailed("group: choose one of the list", field="group")
    return schemas.Query(
        date_from=start,
        date_to=end,
        group=int(chosen) if chosen else None,
        channel=channel or None,
        period=period,
        by=by,
    )


def heat_level(value: Cell, table: Table) -> int:
    """0..4: how hot a cell of the heat map is against the table's busiest cell."""
    top = max((v for row in table.rows for v in row[1:] if isinstance(v, int)), default=0)
    if not isinstance(value, int) or top == 0 or value == 0:
        return 0
    return min(4, 1 + (4 * value - 1) // top)


@router.get("")
def reports_page(
    request: Request,
    agent: Agent,
    date_from: From = None,
    date_to: To = None,
    group: GroupId = "",
    channel: Channel = None,
    period: Period = "day",
    by: Dimension = "group",
) -> Response:
    db, principal = db_of(request), agent.principal
    query = _query(date_from, date_to, group, channel, period, by)
    context: dict[str, Any] = {
        "query": query,
        "groups": [g for g in list_groups(db, principal) if principal.sees_group(g.id)],
        "channels": get_args(Origin),
        "periods": get_args(Period),
        "dimensions": get_args(Dimension),
        "reports": [],
        "error": "",
        "heat_level": heat_level,
    }
    params = {
        "from": query.date_from.isoformat(),
        "to": query.date_to.isoformat(),
        "group": query.group or "",
        "channel": query.channel or "",
        "period": query.period,
        "by": query.by,
    }
    context["params"] = {k: v for k, v in params.items() if v != ""}
    status = 200
    try:
        context["reports"] = dashboards.many(db, principal, SHOWN, query)
    except DomainError as exc:
        status, context["error"] = status_of(exc)
    return render(request, "console/reports.html", context, status_code=status)


@router.get("/{name}.csv")
def report_csv(
    request: Request,
    agent: Agent,
    name: str,
    table: Annotated[str | None, Query(max_length=64)] = None,
    date_from: From = None,
    date_to: To = None,
    group: GroupId = "",
    channel: Channel = None,
    period: Period = "day",
    by: Dimension = "group",
) -> Response:
    """One table of a report as a CSV file (the report's first table by default)."""
    query = _query(date_from, date_to, group, channel, period, by)
    found = dashboards.report(db_of(request), agent.principal, name, query)
    chosen = next((t for t in found.tables if table in (None, t.key)), None)
    if chosen is None:
        raise NotFound(f"table {table} not found", table=table)
    filename = f"{chosen.key}-{query.date_from.isoformat()}-{query.date_to.isoformat()}.csv"
    return Response(
        table_csv.render(chosen),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
