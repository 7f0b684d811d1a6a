"""Splitting messages off into a new case, and logging time, from a case's page.

Plain form posts answered with a redirect, like the case page's other actions; the
rules are the services' (``cases.splitting``, ``billing.time_entries``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import ValidationFailed
from casedesk.services.billing.time_entries import TimeEntryCreate, add_time_entry
from casedesk.services.cases.splitting import split_messages
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/cases/{case_id}", route_class=SessionFirstRoute)

_MAX_ID = 2**53


@router.post("/split")
def split(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    message_ids: Annotated[list[str] | None, Form(max_length=200)] = None,
    title: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Move the ticked messages to a new case; go to it."""
    ids = []
    for raw in message_ids or []:
        if not raw.isdigit() or not 1 <= int(raw) <= _MAX_ID:
            raise ValidationFailed("choose messages from the list", field="message_ids")
        ids.append(int(raw))
    new = split_messages(db_of(request), agent.principal, case_id, ids, title.strip() or None)
    return RedirectResponse(f"/console/cases/{new.id}", status_code=303)


@router.post("/time")
def add_time(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    minutes: Annotated[str, Form(max_length=10)],
    activity: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=20_000)] = "",
    billable: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record time worked on the case; back to the time panel."""
    text = minutes.strip()
    if not text.isdigit() or not 1 <= int(text) <= 24 * 60:
        raise ValidationFailed("minutes: a whole number from 1 to 1440", field="minutes")
    try:
        data = TimeEntryCreate(
            duration_seconds=int(text) * 60,
            activity=activity,
            note=note,
            billable=billable == "yes",
            hourly_rate=Decimal("0"),
        )
    except PydanticError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "minutes"
        raise ValidationFailed(f"{field}: {first['msg']}", field=field) from None
    add_time_entry(db_of(request), agent.principal, case_id, data)
    return RedirectResponse(f"/console/cases/{case_id}#time", status_code=303)
