"""Case exports: checking a request, and running the large ones as background jobs.

An export above the threshold (``CASEDESK_EXPORT_JOB_ROWS``) is not streamed in the
request: it is kept as an ``export_jobs`` row, the ``exports`` job writes the file a
batch at a time (``rows_done`` is its progress), and its owner downloads it when it is
done; the file is removed a week after it was written. The job runs with its owner's
rights as they are when it runs, and only the owner sees the job and its file; anyone
else gets NotFound, as for a missing one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.cases.saved_filters import parse_query
from casedesk.services.identity.auth import principal_for
from casedesk.services.kernel import job_leases
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reports import exports
from casedesk.services.reports.export_columns import parse_columns
from casedesk.services.reports.exports import ExportRequest, Format
from casedesk.store.db import Database
from casedesk.store.models import ExportJob, User

#: How long a finished export's file is kept for download.
KEEP = timedelta(days=7)
#: Query parameters of an export that are not filters of the case list.
OWN_PARAMETERS = frozenset({"format", "columns", "background"})


class ExportJobOut(BaseModel):
    id: int
    format: str
    state: str
    rows_total: int
    rows_done: int
    #: ``rows_done / rows_total`` (1 when done).
    progress: float
    download_url: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def filters_of(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The list filters among an export's query parameters, in the console's spelling
    (the API's ``custom=key:value`` becomes ``custom.key=value``)."""
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        if key in OWN_PARAMETERS or key == "cursor":
            continue
        if key == "custom":
            name, sep, wanted = value.partition(":")
            if not sep or not name:
                raise ValidationFailed("custom filters are written key:value", field="custom")
            out.append((f"custom.{name}", wanted))
        else:
            out.append((key, value))
    return out


def check(
    db: Database,
    principal: Principal,
    fmt: str,
    filters: list[tuple[str, str]],
    columns: str | None,
) -> ExportRequest:
    """The export asked for, checked: format, filters and columns (422 naming a bad one)."""
    principal.require(Permission.VIEW_CASE)
    if fmt not in exports.FORMATS:
        raise ValidationFailed("format must be csv or xlsx", field="format")
    query = parse_query(filters)
    with db.read() as s:
        return ExportRequest(query, parse_columns(s, principal.corporation_id, columns))


@dataclass(frozen=True, slots=True)
class Started:
    """An export begun: ``job`` when it was queued, else ``request`` to send now."""

    request: ExportRequest
    job: ExportJobOut | None = None


def start(
    db: Database,
    principal: Principal,
    fmt: str,
    filters: list[tuple[str, str]],
    columns: str | None,
    *,
    threshold: int,
    background: bool = False,
) -> Started:
    """Check the export; queue it as a job when it has more than ``threshold`` rows
    (or ``background`` is asked for), else hand it back to be sent in the request."""
    wanted = check(db, principal, fmt, filters, columns)
    total = exports.count(db, principal, wanted)
    if not background and total <= threshold:
        return Started(wanted)
    assert fmt in exports.FORMATS
    job = queue(db, principal, fmt, filters, wanted.columns, total)
    return Started(wanted, job)


def queue(
    db: Database,
    principal: Principal,
    fmt: Format,
    filters: list[tuple[str, str]],
    columns: list[str],
    rows_total: int,
) -> ExportJobOut:
    """Keep the export for the ``exports`` job to run."""
    with db.write() as s:
        job = ExportJob(
            corporation_id=principal.corporation_id,
            user_id=principal.user_id,
            format=fmt,
            spec={
                "filters": urlencode(filters),
                "columns": ",".join(columns),
                "organization_id": principal.organization_id,
            },
            state="queued",
            rows_total=rows_total,
            rows_done=0,
        )
        s.add(job)
        s.flush()
        return _out(job)


def get_job(db: Database, principal: Principal, job_id: int) -> ExportJobOut:
    with db.read() as s:
        return _out(_own(s, principal, job_id))


def job_file(db: Database, principal: Principal, job_id: int, folder: Path) -> tuple[Path, str]:
    """The finished export's file and the name to download it as."""
    with db.read() as s:
        job = _own(s, principal, job_id)
        if job.state != "done" or job.file_name is None:
            raise NotFound(f"export {job_id} has no file yet", export_id=job_id)
        path = folder / job.file_name
        if not path.is_file():
            raise NotFound(f"export {job_id} has no file any more", export_id=job_id)
        return path, f"cases-{job.id}.{job.format}"


def _own(s: Session, principal: Principal, job_id: int) -> ExportJob:
    job = s.get(ExportJob, job_id)
    if job is None or job.user_id != principal.user_id:
        raise NotFound(f"export {job_id} not found", export_id=job_id)
    return job


def _out(job: ExportJob) -> ExportJobOut:
    done = job.state == "done"
    progress = 1.0 if done else (job.rows_done / job.rows_total if job.rows_total else 0.0)
    return ExportJobOut(
        id=job.id,
        format=job.format,
        state=job.state,
        rows_total=job.rows_total,
        rows_done=job.rows_done,
        progress=round(min(progress, 1.0), 4),
        download_url=f"/api/v1/exports/{job.id}/file" if done else None,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def run_queued(db: Database, folder: Path, now: datetime) -> int:
    """The ``exports`` job: remove the files of exports older than ``KEEP``, then run
    every queued export; how many ran."""
    expire(db, folder, now)
    ran = 0
    while (job_id := job_leases.claim_queued(db, ExportJob)) is not None:
        _run(db, folder, job_id)
        ran += 1
    return ran


def expire(db: Database, folder: Path, now: datetime) -> int:
    """Remove the files of exports finished more than ``KEEP`` before ``now`` (their
    rows stay, as ``expired``); how many."""
    with db.write() as s:
        jobs = list(
            s.scalars(
                select(ExportJob).where(
                    ExportJob.state == "done", ExportJob.finished_at < now - KEEP
                )
            )
        )
        for job in jobs:
            if job.file_name:
                (folder / job.file_name).unlink(missing_ok=True)
            job.state, job.file_name = "expired", None
        return len(jobs)


def _run(db: Database, folder: Path, job_id: int) -> None:
    with db.read() as s:
        job = s.get(ExportJob, job_id)
        assert job is not None
        user = s.get(User, job.user_id)
        fmt, spec = job.format, dict(job.spec)
        principal = principal_for(s, user, spec.get("organization_id")) if user else None
    try:
        if principal is None or user is None or not user.is_active:
            raise NotFound("the export's user is no longer active")
        request = check(
            db, principal, fmt, parse_qsl(spec["filters"], keep_blank_values=True), spec["columns"]
        )
        folder.mkdir(parents=True, exist_ok=True)
        name = f"export-{job_id}-{secrets.token_hex(8)}.{fmt}"

        def progress(n: int) -> None:
            with db.write() as s:
                s.execute(update(ExportJob).where(ExportJob.id == job_id).values(rows_done=n))

        write = exports.write_xlsx if fmt == "xlsx" else exports.csv_to_file
        rows = write(
            folder / name, request.columns, exports.iter_rows(db, principal, request), progress
        )
        values: dict[str, object] = {
            "state": "done",
            "file_name": name,
            "rows_done": rows,
            "rows_total": rows,
        }
    except Exception as exc:  # the job is marked failed with why; the others go on
        detail = getattr(exc, "detail", None) or type(exc).__name__
        values = {"state": "failed", "error": str(detail)[:500]}
    with db.write() as s:
        s.execute(
            update(ExportJob).where(ExportJob.id == job_id).values(finished_at=utcnow(), **values)
        )
