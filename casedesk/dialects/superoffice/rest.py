"""/superoffice/api/v1/Ticket: SuperOffice's REST calls on the same TicketEntity the
Agents calls save and read. GET, POST, PUT, PATCH (JSON Patch, RFC 6902), DELETE,
GET /default and the archive query, with the Agents calls' credentials, mapping,
use-cases and error shape."""

from __future__ import annotations

import json
from typing import Any

import jsonpatch
import jsonpointer
from fastapi import APIRouter, Request, Response

from casedesk.dialects.superoffice import archive, facts, headers, mapping, wire
from casedesk.dialects.superoffice import router as agents
from casedesk.dialects.superoffice.errors import SuperOfficeRoute, UnsupportedMediaType
from casedesk.domain.errors import ValidationFailed
from casedesk.services.cases import core as cases
from casedesk.services.cases import reads

router = APIRouter(
    prefix="/superoffice/api/v1/Ticket",
    route_class=SuperOfficeRoute,
    include_in_schema=False,
)

_PATCH_TYPES = ("application/json-patch+json", "application/json", "text/json")
_MAX_OPERATIONS = 200
_MAX_ID = 2**53


@router.get("/default")
async def default_ticket(request: Request) -> Response:
    """GET /api/v1/Ticket/default: the same new, unsaved entity as
    CreateDefaultTicketEntity."""
    return await agents.create_default_ticket_entity(request)


@router.get("")
@router.get("/", include_in_schema=False)
async def query_tickets(request: Request) -> Response:
    """The archive query: ``{"odata.metadata", "odata.nextLink", "value": [rows]}``."""
    p, db = headers.caller(request), agents._db(request)
    params = {k.lower(): v for k, v in request.query_params.items()}
    fmt = params.get("$format", "json").lower()
    if fmt not in ("json", "application/json"):
        raise ValidationFailed("$format supports json only", field="$format")
    q = archive.ArchiveQuery(
        select=params.get("$select", ""),
        filter=params.get("$filter", ""),
        order_by=params.get("$orderby", ""),
        top=params.get("$top"),
        skip=params.get("$skip"),
    )
    page = archive.query(db, p, q, headers.time_zone(request))
    next_link = None
    if page.next_skip is not None:
        rest = {k: v for k, v in request.query_params.items() if k.lower() != "$skip"}
        next_link = str(request.url.replace_query_params(**rest, **{"$skip": page.next_skip}))
    base = str(request.base_url).rstrip("/")
    body = {
        "odata.metadata": f"{base}/superoffice/api/v1/archive$metadata",
        "odata.nextLink": next_link,
        "value": page.rows,
    }
    return Response(json.dumps(body), media_type="application/json; charset=utf-8")


@router.get("/{ticket_id}")
async def get_ticket(request: Request, ticket_id: int) -> Response:
    p, db = headers.caller(request), agents._db(request)
    case_id = _checked(ticket_id)
    reads.record_read(db, p, case_id)
    return agents._entity(request, p, db, case_id)


@router.post("")
@router.post("/", include_in_schema=False)
async def create_ticket(request: Request) -> Response:
    """POST /api/v1/Ticket: always a new ticket (a TicketId in the body is ignored)."""
    p, db = headers.caller(request), agents._db(request)
    entity = wire.TicketEntity.model_validate(await agents._body(request))
    case = cases.open_case(
        db,
        p,
        mapping.to_create(entity, headers.time_zone(request)),
        custom_values=mapping.custom_values(entity),
        secondary_contact_ids=mapping.secondary_ids(entity) or (),
    )
    response = agents._entity(request, p, db, case.id)
    response.status_code = 201
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{case.id}"
    return response


@router.put("/{ticket_id}")
async def replace_ticket(request: Request, ticket_id: int) -> Response:
    """PUT /api/v1/Ticket/{id}: saves the entity sent onto ticket ``id``."""
    p, db = headers.caller(request), agents._db(request)
    current = cases.get_case(db, p, _checked(ticket_id))
    body = await agents._body(request)
    entity = wire.TicketEntity.model_validate(body)
    patch = mapping.to_patch(entity, current, headers.time_zone(request))
    cases.update_case(
        db,
        p,
        current.id,
        patch,
        custom_values=mapping.custom_values(entity),
        secondary_contact_ids=mapping.secondary_ids(entity),
    )
    return agents._entity(request, p, db, current.id)


@router.patch("/{ticket_id}")
async def patch_ticket(request: Request, ticket_id: int) -> Response:
    """PATCH /api/v1/Ticket/{id}: a JSON Patch applied to the entity as read; the
    properties it touches are then saved as SaveTicketEntity saves them."""
    p, db, tz = headers.caller(request), agents._db(request), headers.time_zone(request)
    current = cases.get_case(db, p, _checked(ticket_id))
    operations = await _operations(request)
    before = mapping.to_entity(facts.read_ticket(db, p, current.id), tz)
    document = before.model_dump(mode="json")
    try:
        after = jsonpatch.JsonPatch(operations).apply(document)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise ValidationFailed(f"the patch does not apply: {exc}", field="patch") from None
    if not isinstance(after, dict):
        raise ValidationFailed("the patch must leave a TicketEntity object", field="patch")
    touched = {_top(op["path"]) for op in operations}
    touched |= {_top(op["from"]) for op in operations if isinstance(op.get("from"), str)}
    if "" in touched:  # the whole document was replaced
        touched = set(after)
    changed = {k: after.get(k) for k in touched if k != "TicketId"}
    entity = wire.TicketEntity.model_validate(changed)
    cases.update_case(
        db,
        p,
        current.id,
        mapping.to_patch(entity, current, tz),
        custom_values=mapping.custom_values(entity),
        secondary_contact_ids=mapping.secondary_ids(entity),
    )
    return agents._entity(request, p, db, current.id)


@router.delete("/{ticket_id}")
async def delete_ticket(request: Request, ticket_id: int) -> Response:
    p = headers.caller(request)
    cases.delete_case(agents._db(request), p, _checked(ticket_id))
    return Response(status_code=204)


def _checked(ticket_id: int) -> int:
    if not 1 <= ticket_id <= _MAX_ID:
        raise ValidationFailed("the ticket id is out of range", field="id")
    return ticket_id


async def _operations(request: Request) -> list[dict[str, Any]]:
    ctype = request.headers.get("content-type", "application/json-patch+json")
    if ctype.split(";")[0].strip().lower() not in _PATCH_TYPES:
        raise UnsupportedMediaType(f"content type {ctype!r} is not a JSON Patch")
    try:
        value = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("the request body is not valid JSON", field="patch") from None
    if not isinstance(value, list) or not value:
        raise ValidationFailed("a JSON Patch is a non-empty array of operations", field="patch")
    if len(value) > _MAX_OPERATIONS:
        raise ValidationFailed(f"at most {_MAX_OPERATIONS} operations", field="patch")
    for op in value:
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            raise ValidationFailed("each operation is an object with a path", field="patch")
    return value


def _top(path: str) -> str:
    """The top-level property a pointer names (``/Tags/0/Name`` → ``Tags``)."""
    first = path.split("/")[1] if path.startswith("/") else path
    return first.replace("~1", "/").replace("~0", "~")
