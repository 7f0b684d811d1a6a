"""/exports: a filtered case list as CSV or XLSX, streamed, or as a background job
with progress and a download link when it is large (docs/reports.md, "Exports")."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.routing import NativeRoute
from casedesk.config import Settings
from casedesk.export_downloads import export_response, job_file_response
from casedesk.services.reports import export_jobs, exports
from casedesk.services.reports.export_jobs import ExportJobOut

router = APIRouter(route_class=NativeRoute, prefix="/exports", tags=["exports"])

JobId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "/cases",
    responses={
        200: {
            "description": "The export",
            "content": {"text/csv": {}, exports.MEDIA_TYPES["xlsx"]: {}},
        },
        202: {"description": "Queued as a background job", "model": ExportJobOut},
    },
)
def export_cases(
    request: Request,
    caller: Caller,
    db: Db,
    format: Literal["csv", "xlsx"] = "csv",
    columns: Annotated[
        str | None,
        Query(max_length=4000, description="Comma-separated columns (docs/reports.md)"),
    ] = None,
    background: Annotated[
        bool, Query(description="Run as a background job whatever the size")
    ] = False,
) -> Response:
    """The cases the caller may see that match the filters of `GET /cases` (given the
    same way), with the chosen columns. Above the server's threshold, or with
    `background=true`, the answer is 202 with a job to follow."""
    settings: Settings = request.app.state.settings
    filters = export_jobs.filters_of(list(request.query_params.multi_items()))
    started = export_jobs.start(
        db,
        caller,
        format,
        filters,
        columns,
        threshold=settings.export_job_rows,
        background=background,
    )
    if started.job is not None:
        return JSONResponse(
            started.job.model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/api/v1/exports/{started.job.id}"},
        )
    return export_response(db, caller, format, started.request)


@router.get("/{export_id}", response_model=ExportJobOut)
def get_export(export_id: JobId, caller: Caller, db: Db) -> ExportJobOut:
    """A background export: its state, progress and, when done, its download link."""
    return export_jobs.get_job(db, caller, export_id)


@router.get(
    "/{export_id}/file",
    responses={200: {"description": "The file", "content": {"application/octet-stream": {}}}},
)
def download_export(request: Request, export_id: JobId, caller: Caller, db: Db) -> Response:
    """The finished file of one of the caller's background exports."""
    settings: Settings = request.app.state.settings
    path, name = export_jobs.job_file(db, caller, export_id, settings.exports_dir)
    return job_file_response(path, name)
