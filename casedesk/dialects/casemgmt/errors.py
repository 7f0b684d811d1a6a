"""The Case Management API's one error shape, ``{"errors": [{"code", "message",
"field"}]}``, for every error of the services or the request: 400 bad input, 401, 403,
404, 409 state conflicts."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from casedesk.domain import errors

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.ValidationFailed: 400,
    errors.Conflict: 409,
    errors.PreconditionFailed: 409,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
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


class CaseMgmtRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

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

        return handle
