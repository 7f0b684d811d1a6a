"""What every face does with a request before its route reads the body.

1. **Who calls, before what they send.** A route's handler is wrapped so that the
   caller's credentials are checked first; a caller without valid credentials is
   refused before a byte of the body is parsed (JSON, XML or a multipart form that
   would be spooled to disk). The principal is kept in the request's scope so the
   route's own dependency does not check the credentials a second time.
2. **Bounded JSON.** Bodies are parsed by ``load_json``: nesting deeper than
   ``MAX_DEPTH``, integers outside ``INT64``, and numbers that are not finite are
   refused with ``MalformedBody`` (a 400 in every face's own shape) instead of reaching
   the parser's recursion limit, a database column or a float overflow. Faces whose
   wire format types its ids narrower (SuperOffice's int32) bound those fields too.

The body-size limits are ``api/guards.py`` (whole app) and ``body_limits.py`` (uploads).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from fastapi import Request, params
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from casedesk.body_limits import Handler
from casedesk.domain.errors import MalformedBody
from casedesk.domain.permissions import Principal

#: Nesting of arrays and objects a body may have. The deepest wire format (a SuperOffice
#: TicketEntity with its persons, messages and custom fields) needs five.
MAX_DEPTH = 32
#: The range of integers any body may carry: what every store's BIGINT holds.
INT64 = (-(2**63), 2**63 - 1)
#: The range of ids in wire formats that type them as 32-bit integers.
INT32 = (-(2**31), 2**31 - 1)

_SCOPE_KEY = "casedesk.principal"
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth_exceeds(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the arrays and objects of ``raw`` nest deeper than ``limit``, found
    without parsing it (and without recursion). Brackets inside strings do not count."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # the common case: too few to nest
        return False
    skeleton = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, skeleton)), default=0) > limit


def _int(text: str) -> int:
    if len(text) > 20:  # longer than any int64, and int() of huge texts is slow
        raise MalformedBody(f"the number {text[:20]}… is out of range")
    value = int(text)
    if not INT64[0] <= value <= INT64[1]:
        raise MalformedBody(f"the number {text} is out of range (64-bit integers)")
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedBody(f"the number {text[:40]} is out of range")
    return value


def _constant(text: str) -> float:
    raise MalformedBody(f"{text} is not a JSON number")


def load_json(raw: bytes | str) -> Any:
    """``raw`` parsed, within the depth and number bounds. ``ValueError`` when it is not
    JSON at all (each face words that itself); ``MalformedBody`` when it is too deep or
    holds a number out of range."""
    data = raw.encode() if isinstance(raw, str) else raw
    if json_depth_exceeds(data):
        raise MalformedBody(f"the body nests arrays and objects deeper than {MAX_DEPTH}")
    try:
        return json.loads(data, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:  # cannot happen within MAX_DEPTH; refused all the same
        raise MalformedBody("the body nests too deeply") from None


def is_json(request: Request) -> bool:
    """Whether the framework would read the body as JSON (it does without a type)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return ctype in ("", "application/json") or (
        ctype.startswith("application/") and ctype.endswith("+json")
    )


async def bounded_json(request: Request) -> None:
    """Parse a JSON body within the bounds, before the framework parses it, and leave
    the result where ``request.json()`` finds it (so it is parsed once). A body that is
    not JSON at all is left to the framework, which answers it as each face does."""
    if not is_json(request):
        return
    body = await request.body()
    if not body:
        return
    try:
        parsed = load_json(body)
    except (ValueError, UnicodeDecodeError):
        return
    request._json = parsed  # Starlette's own cache of request.json()


def may_have_body(request: Request) -> bool:
    headers = request.headers
    return request.method not in ("GET", "HEAD", "OPTIONS") or (
        headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
    )


Authenticate = Callable[[Request], Principal]


def authenticated_first(handler: Handler, authenticate: Authenticate) -> Handler:
    """``handler`` that checks the caller (``authenticate``, run in the thread pool: it
    reads the database) before anything reads the body, and bounds a JSON body.
    ``authenticate`` raises ``Unauthenticated``; the face renders it."""

    async def handle(request: Request) -> Response:
        if may_have_body(request):
            keep_caller(request, await run_in_threadpool(authenticate, request))
            await bounded_json(request)
        return await handler(request)

    return handle


def bounded_first(handler: Handler) -> Handler:
    """``handler`` bounding a JSON body, for routes whose credentials travel in the
    body itself or that take none."""

    async def handle(request: Request) -> Response:
        await bounded_json(request)
        return await handler(request)

    return handle


def strict_body(handler: Handler, route: APIRoute) -> Handler:
    """``handler`` validating a JSON body against the route's body type in pydantic's
    strict JSON mode first: no ``0`` for ``false``, no ``"2"`` for ``2`` (FastAPI itself
    validates the parsed body in the lax Python mode), while ISO 8601 strings remain
    valid date-times. A refusal is the ``RequestValidationError`` FastAPI would raise."""
    body = route.body_field
    if body is None or isinstance(body.field_info, params.Form):
        return handler
    adapter: TypeAdapter[Any] = TypeAdapter(body.field_info.annotation or Any)

    async def handle(request: Request) -> Response:
        if is_json(request) and hasattr(request, "_json"):  # parsed by bounded_json
            try:
                adapter.validate_json(await request.body(), strict=True)
            except ValidationError as exc:
                errors = exc.errors(include_url=False)
                raise RequestValidationError(
                    [{**e, "loc": ("body", *e["loc"])} for e in errors]
                ) from None
        return await handler(request)

    return handle


def uses(dependant: Dependant, dependency: Callable[..., Any]) -> bool:
    """Whether a route's dependencies (at any depth) include ``dependency``."""
    return any(d.call is dependency or uses(d, dependency) for d in dependant.dependencies)


def keep_caller(request: Request, principal: Principal) -> None:
    """Remember the caller found before the route ran, for the route's dependency."""
    request.scope[_SCOPE_KEY] = principal


def known_caller(request: Request) -> Principal | None:
    """The principal ``authenticated_first`` found for this request, if it ran."""
    principal: Principal | None = request.scope.get(_SCOPE_KEY)
    return principal
