"""The Case Management API's one error shape, ``{"errors": [{"code", "message",
"field"}]}``, for every error of the services or the request, with the seed's statuses
only (200/400/401/403/409/500): 400 bad input, and also a case or order number that
names no case the caller may see (``not-found``; the seed has no 404), 401, 403, 409
state conflicts."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from casedesk.body_limits import Handler, capped
from casedesk.dialects.casemgmt.caller import principal_of
from casedesk.domain import errors
from casedesk.intake import authenticated_first, strict_body

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 400,
    errors.ValidationFailed: 400,
    errors.Conflict: 409,
    errors.PreconditionFailed: 409,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.TooManyAttempts: 429,
    errors.PayloadTooLarge: 400,
}


def error(status: int, code: str, message: str, field: str | None) -> JSONResponse:
    body = {"errors": [{"code": code, "message": message, "field": field}]}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _status(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def shaped(handler: Handler) -> Handler:
    """``handler`` answering every error of the services or the request in our shape."""

    async def handle(request: Request) -> Response:
        try:
            return await handler(request)
        except errors.DomainError as exc:
            return error(_status(exc), exc.code, exc.detail, exc.extra.get("field"))
        except (RequestValidationError, ValidationError) as exc:
            first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
            loc = [str(p) for p in first["loc"] if p not in ("body", "path", "query")]
            where = ".".join(loc)
            return error(400, "invalid-request", f"{where}: {first['msg']}", where or None)
        except HTTPException as exc:  # e.g. a multipart body that does not parse
            return error(exc.status_code, "invalid-request", str(exc.detail), None)

    return handle


class CaseMgmtRoute(APIRoute):
    """Every route of the API needs a caller: checked before the body is read."""

    def get_route_handler(self) -> Handler:
        handler = strict_body(super().get_route_handler(), self)
        return shaped(authenticated_first(handler, principal_of))


#: Room for the multipart boundary, part headers and the ``name`` field.
_MULTIPART_OVERHEAD = 64 * 1024


class CaseMgmtUploadRoute(APIRoute):
    """The upload route: the whole request is held to one file's size limit as it
    arrives, before the multipart parser spools it to disk (the app-wide body limit
    leaves multipart to the routes). Each file is held to the limit again as stored."""

    def get_route_handler(self) -> Handler:
        handler = capped(super().get_route_handler(), _upload_cap)
        return shaped(authenticated_first(handler, principal_of))


def _upload_cap(request: Request) -> tuple[int, str]:
    cap = int(request.app.state.settings.max_attachment_bytes) + _MULTIPART_OVERHEAD
    return cap, f"uploads are limited to {cap} bytes a request"
