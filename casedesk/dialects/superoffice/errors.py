"""SuperOffice's error answer: ``{"Error", "ErrorType", "ErrorSource"}`` in JSON or XML
as the caller accepts, from every error of the services or the request."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from casedesk.dialects.superoffice import xmlcodec
from casedesk.domain import errors

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.ValidationFailed: 400,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.TooManyAttempts: 429,
    errors.PayloadTooLarge: 413,
}


class UnsupportedMediaType(errors.DomainError):
    code = "unsupported-media-type"


def wants_xml(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    xml, js = accept.find("xml"), accept.find("json")
    return xml >= 0 and (js < 0 or xml < js)


def render(request: Request, body: dict[str, Any], status: int = 200) -> Response:
    if wants_xml(request):
        return Response(
            xmlcodec.dumps(body.pop("_root", "TicketEntity"), body),
            status_code=status,
            media_type="application/xml; charset=utf-8",
        )
    body.pop("_root", None)
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type="application/json; charset=utf-8",
    )


def error(request: Request, status: int, detail: str, kind: str, source: str | None) -> Response:
    body = {"_root": "Error", "Error": detail, "ErrorType": kind, "ErrorSource": source}
    response = render(request, body, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="superoffice", Bearer, SOTicket'
    return response


def _status(exc: errors.DomainError) -> int:
    if isinstance(exc, UnsupportedMediaType):
        return 415
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


class SuperOfficeRoute(APIRoute):
    """Renders every error of a SuperOffice route in SuperOffice's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except errors.DomainError as exc:
                field = exc.extra.get("field")
                return error(request, _status(exc), exc.detail, exc.code, field)
            except (RequestValidationError, ValidationError) as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
                where = ".".join(str(p) for p in first["loc"])
                return error(request, 400, f"{where}: {first['msg']}", "invalid-request", where)

        return handle


PREFIX = "/superoffice"

_HTTP_KINDS = {404: "not-found", 405: "method-not-allowed"}


def install(app: FastAPI) -> None:
    """Answer unknown paths and methods under /superoffice in SuperOffice's shape (the
    router's own errors already are); everything else keeps the handler it had."""
    previous = app.exception_handlers[StarletteHTTPException]

    async def handle(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if isinstance(exc, StarletteHTTPException) and (
            path == PREFIX or path.startswith(PREFIX + "/")
        ):
            kind = _HTTP_KINDS.get(exc.status_code, "http-error")
            detail = (
                f"no operation {request.method} {path}"
                if exc.status_code in _HTTP_KINDS
                else str(exc.detail)
            )
            response = error(request, exc.status_code, detail, kind, None)
            response.headers.update(exc.headers or {})  # e.g. the Allow of a 405
            return response
        answer = previous(request, exc)
        return await answer if isinstance(answer, Awaitable) else answer

    app.exception_handlers[StarletteHTTPException] = handle
