"""/itflow/api/v1/tickets/{read,create,update,delete}.php, authenticated by ``api_key``
(a casedesk API token; one limited to an organization sees only that client's tickets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from casedesk.dialects.itflow import mapping, wire
from casedesk.dialects.itflow.caller import principal_of
from casedesk.dialects.itflow.errors import ItflowRoute
from casedesk.domain.permissions import Principal
from casedesk.intake import known_caller
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages, reads, search
from casedesk.services.cases.schemas import CaseOut, CaseQuery, MessageCreate
from casedesk.services.kernel.database import Database
from casedesk.services.reference import categories, corporations, priorities

router = APIRouter(
    prefix="/itflow/api/v1/tickets", route_class=ItflowRoute, include_in_schema=False
)

ApiKey = Annotated[str | None, Query(max_length=200)]


@router.get("/read.php")
def read(
    request: Request,
    api_key: ApiKey = None,
    ticket_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
) -> dict[str, Any]:
    """One ticket with ``ticket_id``, else every ticket the key may see (newest first)."""
    p, db = _caller(request, api_key), _db(request)
    if ticket_id is not None:
        found = [reads.read_case(db, p, ticket_id)]
    else:
        found, cursor = [], None
        while True:
            page = search.search_cases(
                db, p, CaseQuery(limit=200, cursor=cursor, sort="-created_at")
            )
            found += page.items
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    return wire.answer(_rows(db, p, found))


@router.post("/create.php")
def create(data: wire.TicketCreate, request: Request, api_key: ApiKey = None) -> dict[str, Any]:
    p, db = _caller(request, api_key or data.api_key), _db(request)
    prio = priorities.priority_for_itflow(db, p, data.ticket_priority)
    case = cases.open_case(db, p, mapping.to_create(data, prio))
    return wire.answer(_rows(db, p, [case]))


@router.post("/update.php")
def update(data: wire.TicketUpdate, request: Request, api_key: ApiKey = None) -> dict[str, Any]:
    """Subject, details, priority, status, assignment (0 unassigns) and a reply."""
    p, db = _caller(request, api_key or data.api_key), _db(request)
    prio = None
    if data.ticket_priority is not None:
        current = cases.get_case(db, p, data.ticket_id).priority_id
        prio = priorities.priority_for_itflow(db, p, data.ticket_priority, current)
    case = cases.update_case(db, p, data.ticket_id, mapping.to_patch(data, prio))
    if data.ticket_reply is not None:
        internal = data.ticket_reply_type == "Internal"
        messages.add_message(
            db,
            p,
            case.id,
            MessageCreate(
                visibility="internal" if internal else "external", body_text=data.ticket_reply
            ),
        )
        case = cases.get_case(db, p, case.id)
    return wire.answer(_rows(db, p, [case]))


@router.post("/delete.php")
def delete(data: wire.TicketDelete, request: Request, api_key: ApiKey = None) -> dict[str, Any]:
    p, db = _caller(request, api_key or data.api_key), _db(request)
    cases.delete_case(db, p, data.ticket_id)
    return {"success": "True", "count": 1, "data": [{"ticket_id": str(data.ticket_id)}]}


def _rows(db: Database, p: Principal, found: list[CaseOut]) -> list[dict[str, Any]]:
    prefix = corporations.get_corporation(db, p, p.corporation_id).case_prefix
    prios = priorities.itflow_priority_of(db, p)
    cats = {x.id: x.name for x in categories.list_categories(db, p)}
    return [
        mapping.to_row(c, prefix, prios.get(c.priority_id), cats.get(c.category_id or 0))
        for c in found
    ]


def _caller(request: Request, api_key: str | None) -> Principal:
    return known_caller(request) or principal_of(request, api_key)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db
