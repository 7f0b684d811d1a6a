"""The console's case export: the list being shown, with its filters, as CSV or XLSX.

A small export is sent in the answer to the form; a large one becomes a background
export whose page shows its progress and, when done, a download link. Only the agent
who asked sees the page and the file (``services.reports.export_jobs``).
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.export_downloads import export_response, job_file_response
from casedesk.services.reports import export_jobs
from casedesk.web.routes.console_context import OtherId, db_of, settings
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/exports", route_class=SessionFirstRoute)


@router.post("/cases")
def export_cases(
    request: Request,
    agent: Agent,
    format: Annotated[Literal["csv", "xlsx"], Form()] = "csv",
    query: Annotated[str, Form(max_length=4000)] = "",
    columns: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    db = db_of(request)
    filters = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in ("cursor",)]
    started = export_jobs.start(
        db,
        agent.principal,
        format,
        filters,
        columns or None,
        threshold=settings(request).export_job_rows,
    )
    if started.job is not None:
        return RedirectResponse(f"/console/exports/{started.job.id}", status_code=303)
    return export_response(db, agent.principal, format, started.request)


@router.get("/{export_id}")
def export_page(request: Request, agent: Agent, export_id: OtherId) -> Response:
    job = export_jobs.get_job(db_of(request), agent.principal, export_id)
    return render(request, "console/export_job.html", {"agent": agent, "job": job})


@router.get("/{export_id}/file")
def export_file(request: Request, agent: Agent, export_id: OtherId) -> Response:
    path, name = export_jobs.job_file(
        db_of(request), agent.principal, export_id, settings(request).exports_dir
    )
    return job_file_response(path, name)
