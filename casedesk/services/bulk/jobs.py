"""Running a bulk request: at once when small, else as a ``bulk_jobs`` row that the
``bulk`` job works through a chunk at a time (``cases_done`` is its progress).

The cases are resolved when the request is made (a filter becomes the ids it matches
for the caller then), so the set does not move under the change while it runs. The
job runs with its owner's rights as they are when it runs; only the owner sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from sqlalchemy import update

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.bulk.apply import apply_one, check
from casedesk.services.bulk.schemas import (
    MAX_IDS,
    BulkChange,
    BulkJobOut,
    BulkRequest,
    BulkSummary,
    Failure,
)
from casedesk.services.cases.saved_filters import parse_query
from casedesk.services.cases.search import search_cases_in
from casedesk.services.identity.auth import principal_for
from casedesk.services.kernel import job_leases
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import BulkJob, User

#: Cases a job changes between two writes of its progress.
CHUNK = 100
#: Failures kept on a job (the count is always exact).
KEEP_FAILURES = 1000


@dataclass(frozen=True, slots=True)
class Started:
    """A bulk request begun: ``summary`` when it was done at once, else ``job``."""

    summary: BulkSummary | None = None
    job: BulkJobOut | None = None


def start(db: Database, principal: Principal, request: BulkRequest, *, threshold: int) -> Started:
    """Resolve the cases; change them now when there are at most ``threshold``, else
    queue a job for them."""
    principal.require(Permission.EDIT_CASE)
    check(db, principal, request.change)
    ids = resolve(db, principal, request)
    if len(ids) <= threshold:
        return Started(summary=run_now(db, principal, ids, request.change, request.versions))
    return Started(job=queue(db, principal, ids, request))


def resolve(db: Database, principal: Principal, request: BulkRequest) -> list[int]:
    """The ids asked for, in order without repeats; a filter's matches for the caller."""
    if request.ids is not None:
        return list(dict.fromkeys(request.ids))
    assert request.filter is not None
    pairs = [(k, v) for k, v in parse_qsl(request.filter, keep_blank_values=True) if v != ""]
    query = parse_query([p for p in pairs if p[0] not in {"cursor", "limit", "sort"}])
    query = query.model_copy(update={"sort": "number", "cursor": None, "limit": 200})
    ids: list[int] = []
    while True:
        with db.read() as s:
            page = search_cases_in(s, principal, query)
        ids.extend(case.id for case in page.items)
        if len(ids) > MAX_IDS:
            raise ValidationFailed(f"the filter matches more than {MAX_IDS} cases", field="filter")
        if page.next_cursor is None:
            return ids
        query = query.model_copy(update={"cursor": page.next_cursor})


def run_now(
    db: Database,
    principal: Principal,
    ids: list[int],
    change: BulkChange,
    versions: dict[int, int] | None = None,
    progress: Callable[[int, list[Failure]], None] | None = None,
) -> BulkSummary:
    """Change each case in turn; ``progress(done, new failures)`` after every chunk."""
    versions = versions or {}
    failures: list[Failure] = []
    fresh: list[Failure] = []
    for n, case_id in enumerate(ids, start=1):
        failed = apply_one(db, principal, case_id, change, versions.get(case_id))
        if failed is not None:
            failures.append(failed)
            fresh.append(failed)
        if progress is not None and (n % CHUNK == 0 or n == len(ids)):
            progress(n, fresh)
            fresh = []
    return BulkSummary(
        total=len(ids), succeeded=len(ids) - len(failures), failed=len(failures), failures=failures
    )


def queue(db: Database, principal: Principal, ids: list[int], request: BulkRequest) -> BulkJobOut:
    """Keep the request for the ``bulk`` job to run."""
    with db.write() as s:
        job = BulkJob(
            corporation_id=principal.corporation_id,
            user_id=principal.user_id,
            spec={
                "ids": ids,
                "change": request.change.model_dump(mode="json", exclude_unset=True),
                "versions": {str(k): v for k, v in (request.versions or {}).items()},
                "organization_id": principal.organization_id,
            },
            state="queued",
            cases_total=len(ids),
            cases_done=0,
            cases_failed=0,
            failures=[],
        )
        s.add(job)
        s.flush()
        return _out(job)


def get_job(db: Database, principal: Principal, job_id: int) -> BulkJobOut:
    """A job of the caller's; anyone else's is NotFound, as a missing one."""
    with db.read() as s:
        job = s.get(BulkJob, job_id)
        if job is None or job.user_id != principal.user_id:
            raise NotFound(f"bulk job {job_id} not found", bulk_job_id=job_id)
        return _out(job)


def _out(job: BulkJob) -> BulkJobOut:
    finished = job.state in {"done", "failed"}
    progress = 1.0 if finished else (job.cases_done / job.cases_total if job.cases_total else 0)
    return BulkJobOut(
        id=job.id,
        state=job.state,
        total=job.cases_total,
        done=job.cases_done,
        failed=job.cases_failed,
        progress=round(min(progress, 1.0), 4),
        failures=[Failure.model_validate(f) for f in job.failures],
        error=job.error,
        url=f"/api/v1/bulk-jobs/{job.id}",
    )


def run_queued(
    db: Database, now: datetime, observe: Callable[[BulkJobOut], None] | None = None
) -> int:
    """The ``bulk`` job: run every queued bulk job; how many ran."""
    ran = 0
    while (job_id := job_leases.claim_queued(db, BulkJob)) is not None:
        run_job(db, job_id, observe)
        ran += 1
    return ran


def run_job(db: Database, job_id: int, observe: Callable[[BulkJobOut], None] | None = None) -> None:
    """Work through one claimed job, writing its progress after every chunk;
    ``observe`` is shown the job as stored after each write (a command line's progress)."""
    with db.read() as s:
        job = s.get(BulkJob, job_id)
        assert job is not None
        user = s.get(User, job.user_id)
        spec = dict(job.spec)
        principal = principal_for(s, user, spec.get("organization_id")) if user else None
    values: dict[str, object] = {"state": "done"}
    try:
        if principal is None or user is None or not user.is_active:
            raise NotFound("the bulk job's user is no longer active")
        change = BulkChange.model_validate(spec["change"])
        versions = {int(k): int(v) for k, v in spec.get("versions", {}).items()}

        def progress(done: int, fresh: list[Failure]) -> None:
            with db.write() as s:
                row = s.get(BulkJob, job_id, with_for_update=True)
                assert row is not None
                row.cases_done = done
                row.cases_failed += len(fresh)
                room = KEEP_FAILURES - len(row.failures)
                if fresh and room > 0:
                    row.failures = [*row.failures, *(f.model_dump() for f in fresh[:room])]
                stored = _out(row)
            if observe is not None:
                observe(stored)

        run_now(db, principal, [int(i) for i in spec["ids"]], change, versions, progress)
    except Exception as exc:  # the job is marked failed with why; the others go on
        detail = getattr(exc, "detail", None) or type(exc).__name__
        values = {"state": "failed", "error": str(detail)[:500]}
    with db.write() as s:
        s.execute(
            update(BulkJob).where(BulkJob.id == job_id).values(finished_at=utcnow(), **values)
        )
