"""How a case export is sent, the same from the API and the console: CSV streamed as
it is read, XLSX from a temporary file removed once sent, a finished background
export from its file; always as a download (``downloads.file_headers``)."""

from __future__ import annotations

from pathlib import Path

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response, StreamingResponse

from casedesk.domain.permissions import Principal
from casedesk.downloads import file_headers
from casedesk.services.reports import exports
from casedesk.services.reports.exports import ExportRequest
from casedesk.store.db import Database


def export_response(db: Database, caller: Principal, fmt: str, wanted: ExportRequest) -> Response:
    name = f"cases.{fmt}"
    if fmt == "csv":
        return StreamingResponse(
            exports.csv_chunks(wanted.columns, exports.iter_rows(db, caller, wanted)),
            media_type=exports.MEDIA_TYPES["csv"],
            headers=file_headers(name),
        )
    path = exports.xlsx_file(db, caller, wanted)
    return FileResponse(
        path,
        media_type=exports.MEDIA_TYPES["xlsx"],
        headers=file_headers(name),
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def job_file_response(path: Path, name: str) -> Response:
    media = exports.MEDIA_TYPES["xlsx" if name.endswith(".xlsx") else "csv"]
    return FileResponse(path, media_type=media, headers=file_headers(name))
