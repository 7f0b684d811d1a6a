"""The console's bulk work: the cases ticked in a list (or all matching its filter)
changed at once, through ``services.bulk`` (each case as if changed alone).

A small selection is changed in the answer to the form and its summary shown; a large
one becomes a background job whose page shows a progress bar (the status part polled
with htmx) and, when done, what failed and why. Only the agent who asked sees it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from casedesk.domain.errors import ValidationFailed
from casedesk.services.bulk import jobs
from casedesk.services.bulk.schemas import BulkRequest
from casedesk.web.routes.console_context import OtherId, db_of, settings
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/bulk", route_class=SessionFirstRoute)

#: The form's action fields, each as the change it makes ("" leaves it alone).
_FIELDS = ("status_id", "priority_id", "queue_id", "group_id", "macro_id")


def _change(form: dict[str, str], me: int) -> dict[str, Any]:
    change: dict[str, Any] = {k: int(form[k]) for k in _FIELDS if form.get(k, "").isdigit()}
    assignee = form.get("assignee_id", "")
    if assignee == "me":
        change["assignee_id"] = me
    elif assignee == "none":
        change["assignee_id"] = None
    elif assignee.isdigit():
        change["assignee_id"] = int(assignee)
    for key in ("add_tags", "remove_tags"):
        names = [n.strip() for n in form.get(key, "").split(",") if n.strip()]
        if names:
            change[key] = names
    if form.get("merge_into", "").strip().isdigit():
        change["merge_into_id"] = int(form["merge_into"].strip())
    return change


@router.post("")
async def bulk_change(
    request: Request,
    agent: Agent,
    case_id: Annotated[list[int], Form(max_length=1000)] = [],  # noqa: B006
    all_matching: Annotated[str, Form(max_length=8)] = "",
    query: Annotated[str, Form(max_length=4000)] = "",
    back: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    selection: dict[str, Any] = (
        {"filter": query} if all_matching == "1" else {"ids": case_id or None}
    )
    try:
        wanted = BulkRequest.model_validate(
            {**selection, "change": _change(form, agent.principal.user_id)}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        message = "choose cases" if "ids" in str(first["loc"]) else first["msg"]
        raise ValidationFailed(f"Nothing was changed: {message}.") from None
    started = jobs.start(
        db_of(request), agent.principal, wanted, threshold=settings(request).bulk_job_cases
    )
    if started.job is not None:
        return RedirectResponse(f"/console/bulk/{started.job.id}", status_code=303)
    summary = started.summary
    if summary is not None and not summary.failed and back.startswith("/console/"):
        # A single key's change (``a`` on a case): back to where it was made.
        return RedirectResponse(back, status_code=303)
    return render(
        request, "console/bulk_job.html", {"agent": agent, "summary": summary, "job": None}
    )


@router.get("/{job_id}")
def bulk_page(request: Request, agent: Agent, job_id: OtherId) -> Response:
    job = jobs.get_job(db_of(request), agent.principal, job_id)
    return render(request, "console/bulk_job.html", {"agent": agent, "job": job, "summary": None})
