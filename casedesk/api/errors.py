"""One place that turns errors into RFC 9457 problem+json responses.

Bad input is always a 4xx that names the problem; malformed JSON is 400, input that
parses but breaks a rule is 422.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from casedesk.domain import errors

PROBLEM = "application/problem+json"

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.MalformedBody: 400,
    errors.ValidationFailed: 422,
    errors.CaseMerged: 409,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.IdempotencyMismatch: 422,
    errors.PayloadTooLarge: 413,
    errors.TooManyAttempts: 429,
}

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    429: "Too Many Requests",
}


#: What any operation of the native API may answer besides its success, declared on
#: every operation: each is a problem+json document whose ``code`` says which rule.
SHARED_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": {PROBLEM: {}}}
    for status, description in (
        (
            400,
            "Malformed request: the body is not JSON, nests too deeply, or holds a "
            "number out of range",
        ),
        (401, "Not authenticated"),
        (403, "Missing permission"),
        (404, "Not found, or not visible to the caller"),
        (409, "Conflict with the current state (a duplicate, a row still in use, a merged case)"),
        (412, "If-Match names a version that is not the current one"),
        (413, "The request body is over the size limit"),
        (
            422,
            "Invalid input: a field of the wrong type or out of its bounds, or an id "
            "that names nothing the caller may use",
        ),
        (429, "Too many requests; try again after Retry-After seconds"),
    )
}


def status_for(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def problem(status: int, detail: str, code: str, **extra: Any) -> JSONResponse:
    body = {
        "type": f"https://casedesk.dev/problems/{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"WWW-Authenticate": 'Bearer, Basic realm="casedesk"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def domain_problem(exc: errors.DomainError) -> JSONResponse:
    """The answer to a refused use-case (not found, forbidden, invalid...)."""
    response = problem(status_for(exc), exc.detail, exc.code, **exc.extra)
    if isinstance(exc, errors.TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.DomainError)
    async def _domain(_: Request, exc: errors.DomainError) -> JSONResponse:
        return domain_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        items = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in items):
            return problem(
                400, "the request body is not valid JSON", "malformed-json", errors=items
            )
        first = items[0] if items else {"field": "", "message": "invalid"}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return problem(422, detail, "invalid-request", errors=items, field=first["field"])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = TITLES.get(exc.status_code, "error").lower().replace(" ", "-")
        response = problem(exc.status_code, str(exc.detail), code)
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = allowed_methods(request)
        return response


def allowed_methods(request: Request) -> str:
    """Every method some route serves at the request's path. The router names only the
    methods of the first route that matched the path, and FastAPI makes a route per
    method, so its ``Allow`` would list one method of several. Each method is tried
    against the routes as the router would; this runs only for a 405."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
