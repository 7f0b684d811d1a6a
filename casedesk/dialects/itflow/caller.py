"""Who calls the ITFlow API: the ``api_key`` of the query string or, on writes, of the
JSON body (a casedesk API token). Checked before the body is validated; the body is
parsed first only to find the key, within the shared intake bounds."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from casedesk.body_limits import Handler
from casedesk.domain.errors import Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.intake import bounded_json, keep_caller
from casedesk.services.auth import authenticate_token
from casedesk.services.database import Database


def principal_of(request: Request, api_key: str | None) -> Principal:
    if not api_key:
        raise Unauthenticated("missing api_key")
    db: Database = request.app.state.db
    return authenticate_token(db, api_key)


def _key_of(request: Request, body: Any) -> str | None:
    key = request.query_params.get("api_key")
    if not key and isinstance(body, dict) and isinstance(body.get("api_key"), str):
        key = body["api_key"]
    return key or None


def authenticated_first(handler: Handler) -> Handler:
    async def handle(request: Request) -> Response:
        await bounded_json(request)
        key = _key_of(request, getattr(request, "_json", None))
        keep_caller(request, await run_in_threadpool(principal_of, request, key))
        return await handler(request)

    return handle
