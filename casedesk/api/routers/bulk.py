"""/cases/bulk and /bulk-jobs: one change over many cases, each case changed and audited
as if alone; large requests run as a background job (docs/web.md, "Bulk work")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.routing import NativeRoute
from casedesk.config import Settings
from casedesk.services.bulk import jobs
from casedesk.services.bulk.schemas import BulkJobOut, BulkRequest, BulkSummary

router = APIRouter(route_class=NativeRoute, tags=["bulk"])

JobId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/cases/bulk",
    responses={
        200: {"description": "Done at once: what changed and what failed", "model": BulkSummary},
        202: {"description": "Queued as a background job", "model": BulkJobOut},
    },
)
def bulk_change(request: Request, body: BulkRequest, caller: Caller, db: Db) -> Response:
    """Apply `change` to the cases named by `ids` or matching `filter` (a case list's
    query string). Each case is changed through the same rules as alone; a case that
    cannot be changed is listed in `failures` with its reason. Above the server's
    threshold the answer is 202 with a job to follow at its `url`."""
    settings: Settings = request.app.state.settings
    started = jobs.start(db, caller, body, threshold=settings.bulk_job_cases)
    if started.job is not None:
        return JSONResponse(
            started.job.model_dump(mode="json"),
            status_code=202,
            headers={"Location": started.job.url},
        )
    assert started.summary is not None
    return JSONResponse(started.summary.model_dump(mode="json"))


@router.get("/bulk-jobs/{job_id}", response_model=BulkJobOut)
def get_bulk_job(job_id: JobId, caller: Caller, db: Db) -> BulkJobOut:
    """A background bulk change: its state, progress and failures so far."""
    return jobs.get_job(db, caller, job_id)
