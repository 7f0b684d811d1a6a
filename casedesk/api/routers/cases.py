"""/cases: create, read, search, count, update (If-Match), delete, merge."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from casedesk.api.case_contract import (
    CASE_ID,
    CURSOR,
    IDEMPOTENCY_KEY,
    LIMIT,
    CreateBody,
    Q,
    case_query,
    created_answer,
    get_answer,
    list_answer,
    with_etag,
)
from casedesk.api.deps import Caller, CaseId, Db, IdItem
from casedesk.api.errors import PROBLEM
from casedesk.api.routing import NativeRoute
from casedesk.services.cases import core as cases
from casedesk.services.cases import merging, search
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import (
    CaseOut,
    CasePage,
    CasePatch,
    MergeRequest,
    SortKey,
)
from casedesk.services.kernel import idempotency
from casedesk.services.kernel.clock import utcnow

router = APIRouter(route_class=NativeRoute, prefix="/cases", tags=["cases"])

# Constraints of repeatable query parameters apply to each value.
StatusItem = Annotated[int, Field(ge=1, le=8)]
TagItem = Annotated[str, Field(min_length=1, max_length=100)]
CustomItem = Annotated[str, Field(min_length=1, max_length=300)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": desc, "content": {PROBLEM: {}}}
    for code, desc in (
        (400, "Malformed request"),
        (401, "Not authenticated"),
        (403, "Missing permission"),
        (404, "No such case (or not visible to you)"),
        (409, "Conflict with the case's state"),
        (422, "Invalid input"),
    )
}


def parse_if_match(value: str | None, case_id: int) -> frozenset[int] | None:
    """Versions the caller accepts; None when any will do (no header or ``*``)."""
    if value is None or value.strip() == "*":
        return None
    versions = set()
    for tag in value.split(","):
        m = re.fullmatch(r'\s*(?:W/)?"(\d+)-(\d+)"\s*', tag)
        if m and int(m.group(1)) == case_id:
            versions.add(int(m.group(2)))
    return frozenset(versions)


def created_once(status: int, body: dict[str, Any], replayed: bool) -> JSONResponse:
    """The answer to an idempotent create: the stored case, marked when replayed."""
    headers = {
        "ETag": f'"{body["id"]}-{body["version"]}"',
        "Location": f"/api/v1/cases/{body['id']}",
    }
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


@router.post("", status_code=201, response_model=CaseOut, responses=_ERRORS)
def create_case(
    data: CreateBody,
    caller: Caller,
    db: Db,
    idempotency_key: Annotated[str | None, Header(alias=IDEMPOTENCY_KEY, max_length=255)] = None,
) -> Response:
    """Open a case. With an `Idempotency-Key` header a retried request returns the first
    answer instead of creating a second case."""
    if idempotency_key is None:
        return created_answer(cases.open_case(db, caller, data))
    status, body, replayed = idempotency.run_once(
        db,
        caller,
        idempotency_key,
        "cases.create",
        idempotency.request_hash(data.model_dump(mode="json", exclude_unset=True)),
        lambda s: (201, open_case_in(s, caller, data, utcnow()).model_dump(mode="json")),
    )
    return created_once(status, body, replayed)


@router.get("", response_model=CasePage, responses=_ERRORS)
def list_cases(
    caller: Caller,
    db: Db,
    status: Annotated[list[StatusItem], Query()] = [],  # noqa: B006
    status_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    priority_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    category_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    queue_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    group_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    assignee_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    unassigned: bool | None = None,
    contact_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    organization_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    tag: Annotated[list[TagItem], Query()] = [],  # noqa: B006
    custom: Annotated[list[CustomItem], Query(description="custom field filter `key:value`")] = [],  # noqa: B006
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    updated_after: datetime | None = None,
    updated_before: datetime | None = None,
    q: Annotated[str | None, Q.query()] = None,
    include_deleted: bool = False,
    sort: SortKey = "-updated_at",
    limit: Annotated[int, LIMIT.query()] = 25,
    cursor: Annotated[str | None, CURSOR.query()] = None,
) -> Response:
    """Search cases the caller may see. Follow `next_cursor` for the next page."""
    params = dict(locals())
    with search.reader(db, q) as s:
        return list_answer(s, caller, params)


@router.get("/count", responses=_ERRORS)
def count_cases(
    request: Request,
    caller: Caller,
    db: Db,
    status: Annotated[list[StatusItem], Query()] = [],  # noqa: B006
    status_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    priority_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    category_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    queue_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    group_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    assignee_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    unassigned: bool | None = None,
    contact_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    organization_id: Annotated[list[IdItem], Query()] = [],  # noqa: B006
    tag: Annotated[list[TagItem], Query()] = [],  # noqa: B006
    custom: Annotated[list[CustomItem], Query(description="custom field filter `key:value`")] = [],  # noqa: B006
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    updated_after: datetime | None = None,
    updated_before: datetime | None = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    include_deleted: bool = False,
) -> dict[str, int | bool]:
    """How many cases the caller may see match the filters (the filters of the search):
    exact up to a bound (10,000 unless configured); above it `count` is the bound and
    `is_estimate` is true ("10,000 or more")."""
    params = {k: v for k, v in locals().items() if k not in ("request", "caller", "db")}
    counted = search.count_matches(db, caller, case_query(params))
    return {"count": counted.count, "is_estimate": counted.is_estimate}


@router.get("/{case_id:int}", response_model=CaseOut, responses=_ERRORS)
def get_case(case_id: Annotated[int, CASE_ID.path()], caller: Caller, db: Db) -> Response:
    with db.read() as s:
        return get_answer(s, caller, case_id)


@router.patch(
    "/{case_id:int}",
    response_model=CaseOut,
    responses=_ERRORS | {412: {"description": "If-Match does not match", "content": {PROBLEM: {}}}},
)
def update_case(
    case_id: CaseId,
    patch: CasePatch,
    caller: Caller,
    db: Db,
    if_match: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    """Change the fields present in the body. Send the case's `ETag` as `If-Match` to
    be refused (412) if someone else changed it meanwhile."""
    out = cases.update_case(
        db, caller, case_id, patch, expected_versions=parse_if_match(if_match, case_id)
    )
    return with_etag(out)


@router.delete("/{case_id:int}", response_model=CaseOut, responses=_ERRORS)
def delete_case(case_id: CaseId, caller: Caller, db: Db) -> Response:
    """Soft delete: the case moves to the Deleted status."""
    return with_etag(cases.delete_case(db, caller, case_id))


@router.post("/{case_id}/merge", response_model=CaseOut, responses=_ERRORS)
def merge_case(case_id: CaseId, body: MergeRequest, caller: Caller, db: Db) -> Response:
    """Merge this case into another: its messages, attachments, followers and tags move
    to the target, its contact too if the target has none. The merged case then refuses
    updates (409 naming the target). Merging into a merged or deleted case, or back into
    a case merged into this one, is a 409."""
    return with_etag(merging.merge_case(db, caller, case_id, body.into_case_id))
