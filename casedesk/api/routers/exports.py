"""/exports: a filtered case list as CSV or XLSX, streamed, or as a background job
with progress and a download link when it is large (docs/reports.md, "Exports")."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.background import BackgroundTask
from starlette.responses import Response

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.routing import NativeRoute
from casedesk.config import Settings
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
    wanted = export_jobs.check(db, caller, format, filters, columns)
    total = exports.count(db, caller, wanted)
    if background or total > settings.export_job_rows:
        job = export_jobs.queue(db, caller, format, filters, wanted.columns, total)
        return JSONResponse(
            job.model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/api/v1/exports/{job.id}"},
        )
    name = f"cases.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    rows = exports.iter_rows(db, caller, wanted)
    if format == "csv":
        return StreamingResponse(
            exports.csv_chunks(wanted.columns, rows),
            media_type=exports.MEDIA_TYPES["csv"],
            headers=disposition,
        )
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        exports.write_xlsx(FilePath(path), wanted.columns, rows)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path,
        media_type=exports.MEDIA_TYPES["xlsx"],
        filename=name,
        background=BackgroundTask(os.unlink, path),
    )


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
    media = exports.MEDIA_TYPES["xlsx" if name.endswith(".xlsx") else "csv"]
    return FileResponse(path, media_type=media, filename=name)
