"""/changes: the change feed, paged by cursor, with long polling (docs/changes.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from casedesk.api.deps import Caller, Db
from casedesk.api.routing import NativeRoute
from casedesk.services.reports import changes as feed
from casedesk.services.reports.changes import ChangePage

router = APIRouter(route_class=NativeRoute, prefix="/changes", tags=["changes"])


@router.get("", response_model=ChangePage)
async def list_changes(
    caller: Caller,
    db: Db,
    cursor: Annotated[
        str | None,
        Query(
            max_length=40, description="`next_cursor` of the previous page; none: from the start"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=feed.MAX_LIMIT)] = 100,
    wait: Annotated[
        float,
        Query(ge=0, le=feed.MAX_WAIT, description="Seconds to wait for a change when none is new"),
    ] = 0,
) -> ChangePage:
    """Every change to the cases the caller may see, after ``cursor``, in the feed's
    order; each exactly once when read from one ``next_cursor`` to the next."""
    return await feed.changes_async(db, caller, cursor, limit=limit, wait=wait)
