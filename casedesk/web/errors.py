"""Errors on web pages come back as pages (or, for htmx requests, as a notice shown in
the page's notice area), never as JSON; a missing session sends the browser to sign in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from casedesk.domain import errors
from casedesk.services.kernel.translations import N_
from casedesk.web.session import SignInRequired
from casedesk.web.templating import render

WEB_PREFIXES = ("/console", "/portal")

Handler = Callable[[Request, Exception], Awaitable[Response] | Response]

_STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.ValidationFailed: 422,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.Forbidden: 403,
    errors.Unauthenticated: 401,
    errors.PayloadTooLarge: 413,
    errors.TooManyAttempts: 429,
}

_TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Conflict"),
    412: N_("Changed meanwhile"),
    413: N_("Too large"),
    422: N_("Please check your input"),
    429: N_("Too many attempts"),
}


def is_web(request: Request) -> bool:
    return request.url.path.startswith(WEB_PREFIXES)


def _status(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, errors.DomainError):
        for cls in type(exc).__mro__:
            if cls in _STATUS:
                return _STATUS[cls], exc.detail
        return 400, exc.detail
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid input"}
        field = ".".join(str(p) for p in first["loc"][1:])
        return 422, f"{field}: {first['msg']}" if field else str(first["msg"])
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code, str(exc.detail)
    return 400, "bad request"


def status_of(exc: Exception) -> tuple[int, str]:
    """The HTTP status and message a page shows for ``exc``."""
    return _status(exc)


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SignInRequired):
        target = exc.target or f"/{exc.area}/sign-in"
        if exc.next_url and (not exc.target or exc.target.endswith("/second-step")):
            target += "?" + urlencode({"next": exc.next_url})
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    status, detail = _status(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, errors.TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    if request.headers.get("hx-request") == "true":
        headers |= {"HX-Retarget": "#notice", "HX-Reswap": "innerHTML"}
        return render(
            request,
            "notice.html",
            {"kind": "error", "message": detail},
            status_code=status,
            headers=headers,
        )
    title = _TITLES.get(status, N_("Error"))
    return render(
        request,
        "error.html",
        {"title": title, "message": detail, "status": status},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    """Route errors of web pages to ``error_page``; other paths keep their handlers."""
    for cls in (errors.DomainError, RequestValidationError, StarletteHTTPException):
        app.exception_handlers[cls] = _web_or(app.exception_handlers[cls])


def _web_or(api_handler: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if is_web(request):
            return error_page(request, exc)
        answer = api_handler(request, exc)
        return await answer if isinstance(answer, Awaitable) else answer

    return handle
