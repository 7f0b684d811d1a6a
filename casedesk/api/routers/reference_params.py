"""Parameters and error documentation shared by the reference-data routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from casedesk.api.deps import MAX_ID
from casedesk.api.errors import PROBLEM

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": desc, "content": {PROBLEM: {}}}
    for code, desc in (
        (400, "Malformed request"),
        (401, "Not authenticated"),
        (403, "Missing permission (writes need manage_reference)"),
        (404, "No such row in your corporation"),
        (409, "Duplicate, or still in use"),
        (422, "Invalid input"),
    )
}

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Search = Annotated[str | None, Query(max_length=200, description="part of the name")]
OrganizationFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
