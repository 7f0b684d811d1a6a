"""Track-It! error bodies: ``{"success": false, "message": …}`` (and ``field`` when one
input is at fault), the counterpart of the seed's ``{"success": true}``.

Validation problems are 400s, a ticket the caller may not see (or that does not exist)
a 404, a missing permission a 403. The route class renders domain errors and request
validation errors this way, so the native problem+json handler never answers here.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from casedesk.dialects.trackit.deps import get_principal, principal_of
from casedesk.domain import errors
from casedesk.intake import authenticated_first, bounded_first, strict_body, uses

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.ValidationFailed: 400,
    errors.Conflict: 409,
    errors.PreconditionFailed: 409,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.TooManyAttempts: 429,
    errors.IdempotencyMismatch: 400,
    errors.PayloadTooLarge: 413,
}

#: Service field names as Track-It shows them.
WIRE_FIELDS = {
    "title": "Ticket Summary",
    "description": "Additional Information",
    "group_id": "Seq_Group",
    "contact_id": "Seq_Requestor",
    # A case is for one of its requestor's organizations: a refusal names the requestor.
    "organization_id": "Seq_Requestor",
    "assignee_id": "Seq_Assigned To",
    "category_id": "Seq_Category",
    "status_id": "Seq_Status",
    "status": "Seq_Status",
    "priority_id": "Seq_Priority",
    "deadline_at": "Expected Due Date & Time",
    "asset_id": "Asset ID",
    "note_type": "Note Type",
    "activity_code": "Activity Code",
    "body_text": "Note",
    "duration_seconds": "Duration",
}


class TrackItError(errors.ValidationFailed):
    """A request the Track-It wire format itself refuses (unknown field, bad value)."""


def body(status: int, message: str, field: str | None = None) -> JSONResponse:
    content: dict[str, Any] = {"success": False, "message": message}
    if field:
        content["field"] = field
    headers = {"WWW-Authenticate": 'Bearer realm="trackit"'} if status == 401 else None
    return JSONResponse(content, status_code=status, headers=headers)


def render(exc: Exception) -> JSONResponse:
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        if first.get("type") == "json_invalid":
            return body(400, "the request body is not valid JSON")
        loc = [str(p) for p in first["loc"] if p not in ("body", "query", "path")]
        field = ".".join(loc) or None
        return body(400, f"{field}: {first['msg']}" if field else str(first["msg"]), field)
    assert isinstance(exc, errors.DomainError)
    status = next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), 400)
    raw = exc.extra.get("field")
    field = WIRE_FIELDS.get(raw, raw) if raw else None
    return body(status, exc.detail, field)


class TrackItRoute(APIRoute):
    """Renders domain and request-validation errors in the Track-It shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = strict_body(super().get_route_handler(), self)
        if uses(self.dependant, get_principal):
            handler = authenticated_first(handler, principal_of)
        else:
            handler = bounded_first(handler)

        async def trackit_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (errors.DomainError, RequestValidationError) as exc:
                return render(exc)

        return trackit_handler
