"""ITFlow's error answer: ``{"success": "False", "message": …}`` with the status of the
error (400 bad input, 401 bad key, 403, 404, 409)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from casedesk.dialects.itflow.caller import authenticated_first
from casedesk.domain import errors

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.ValidationFailed: 400,
    errors.Conflict: 409,
    errors.PreconditionFailed: 409,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.TooManyAttempts: 429,
    errors.PayloadTooLarge: 400,
}


def failure(status: int, message: str) -> JSONResponse:
    return JSONResponse({"success": "False", "message": message}, status_code=status)


class ItflowRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = authenticated_first(super().get_route_handler())

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except errors.DomainError as exc:
                status = next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), 400)
                return failure(status, exc.detail)
            except (RequestValidationError, ValidationError) as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
                loc = ".".join(str(p) for p in first["loc"] if p not in ("body", "query"))
                return failure(400, f"{loc}: {first['msg']}")

        return handle
