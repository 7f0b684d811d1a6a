"""Holding a route's request body to a size before the framework reads it.

The app-wide body limit (``api/guards.py``) leaves multipart forms to their routes,
and the framework parses a form (spooling its files to disk) before any dependency of
the route runs, so a cap on uploads has to wrap the route's handler: it refuses a
body by its declared length, and counts what arrives so a body without one (or lying
about it) is cut off at the cap too. Each file is then held to the per-file limit as
it is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from starlette.exceptions import HTTPException
from starlette.types import Message

from casedesk.domain.errors import PayloadTooLarge

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
#: A request's cap in bytes, and what the refusal says about it.
CapOf = Callable[[Request], tuple[int, str]]


def capped(handler: Handler, cap_of: CapOf) -> Handler:
    """``handler`` refusing bodies over ``cap_of(request)`` with ``PayloadTooLarge``."""

    async def handle(request: Request) -> Response:
        cap, detail = cap_of(request)
        too_large = PayloadTooLarge(detail, limit=cap)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise too_large
        received = 0
        receive = request.receive

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > cap:
                raise too_large
            return message

        try:
            return await handler(Request(request.scope, counting))
        except HTTPException as exc:  # the form parser reports our error as a bad body
            if received > cap:
                raise too_large from exc
            raise

    return handle
