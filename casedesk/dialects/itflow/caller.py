"""Who calls the ITFlow API: the ``api_key`` of the query string or, on writes, of the
JSON body (a casedesk API token). Checked before the body is validated; the body is
parsed first only to find the key, within the shared intake bounds."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from casedesk.body_limits import Handler
from casedesk.domain.errors import MalformedBody, Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.http_credentials import bearer_caller
from casedesk.intake import bounded_json, keep_caller


def principal_of(request: Request, api_key: str | None) -> Principal:
    if not api_key:
        raise Unauthenticated("missing api_key")
    return bearer_caller(request, api_key)


def authenticated_first(handler: Handler) -> Handler:
    async def handle(request: Request) -> Response:
        key = request.query_params.get("api_key")
        if key:  # checked before the body is read
            keep_caller(request, await run_in_threadpool(principal_of, request, key))
            await bounded_json(request)
        else:
            try:
                await bounded_json(request)
            except MalformedBody:  # no key can be read from it
                raise Unauthenticated("missing api_key") from None
            body = getattr(request, "_json", None)
            if isinstance(body, dict) and isinstance(body.get("api_key"), str):
                key = body["api_key"]
            keep_caller(request, await run_in_threadpool(principal_of, request, key))
        return await handler(request)

    return handle
