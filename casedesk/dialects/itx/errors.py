"""ITX error bodies: ``{"timestamp", "status", "error", "message", "path"}`` plus
``field`` when one input is at fault.

Every validation problem is a 400 in ITX (its clients expect no 422), a case the caller
may not see a 404, and the route class below renders both domain errors and request
validation errors this way, so the native problem+json handler never answers here.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from casedesk.dialects.itx.deps import get_principal, principal_of
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
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
}

#: Service field names as the ITX wire names them, so a 400 names what the client sent.
WIRE_FIELDS = {
    "title": "description",
    "contact_id": "entityExtension.eeexId",
    # A case is for one of its contact's organizations: a refusal names the contact.
    "organization_id": "entityExtension.eeexId",
    "status_id": "emsStatus.emstId",
    "status": "status",
    "priority_id": "priority.emprId",
    "category_id": "category.ctnoId",
    "queue_id": "queue.ucquId",
    "group_id": "corporation.corpId",
    "assignee_id": "members",
    "follower_ids": "members",
    "user_id": "members",
    "parent_id": "links",
    "deadline_at": "deadlineTs",
    "on_hold_until": "onHoldToTs",
    "on_hold_comment": "onHoldComment",
    "tags": "emsTags",
    "custom_fields": "propValues",
    "body_text": "texts",
    "file": "files",
}


class ItxError(errors.ValidationFailed):
    """A request the ITX wire format itself refuses (bad tblId, wrong activityType, …)."""


def wire_field(field: str | None) -> str | None:
    if field is None:
        return None
    head, _, rest = field.partition(".")
    if head == "custom_fields" and rest:
        return f"propValues.{rest}"
    return WIRE_FIELDS.get(field, field)


def body(status: int, message: str, path: str, field: str | None = None) -> JSONResponse:
    content: dict[str, Any] = {
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "status": status,
        "error": REASONS.get(status, "Error"),
        "message": message,
        "path": path,
    }
    if field:
        content["field"] = field
    headers = {"WWW-Authenticate": 'Bearer realm="itx"'} if status == 401 else None
    return JSONResponse(content, status_code=status, headers=headers)


def render(request: Request, exc: Exception) -> JSONResponse:
    path = request.url.path
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        loc = [str(p) for p in first["loc"] if p not in ("body", "query", "path")]
        field = ".".join(loc) or None
        if first.get("type") == "json_invalid":
            return body(400, "the request body is not valid JSON", path)
        message = f"{field}: {first['msg']}" if field else str(first["msg"])
        return body(400, message, path, field)
    assert isinstance(exc, errors.DomainError)
    status = next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), 400)
    field = wire_field(exc.extra.get("field"))
    message = exc.detail
    if field and exc.extra.get("field") and exc.extra["field"] != field:
        message = f"{field}: {exc.detail}"
    return body(status, message, path, field)


class ItxRoute(APIRoute):
    """Renders domain and request-validation errors in the ITX shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = strict_body(super().get_route_handler(), self)
        if uses(self.dependant, get_principal):
            handler = authenticated_first(handler, principal_of)
        else:
            handler = bounded_first(handler)

        async def itx_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (errors.DomainError, RequestValidationError) as exc:
                return render(request, exc)

        return itx_handler
