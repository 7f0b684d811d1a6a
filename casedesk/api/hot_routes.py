"""The busiest routes of the native API, answered without FastAPI's per-request work.

``GET /api/v1/cases/{id}``, ``GET /api/v1/cases`` and ``POST /api/v1/cases`` are most of
an integration's traffic. Through FastAPI each costs about twice its use-case: routing,
solving dependencies, two hops to the thread pool and a dozen layers of ASGI calls. Here
a request in the plain form clients send (a Bearer token, a canonical id, the common
query parameters, a JSON body declared as ``application/json``) is answered directly by
the same functions the routes of ``routers/cases.py`` call, with the same response
(``with_etag``, the same problem documents for refusals).

Anything else (Basic credentials or none, an id FastAPI would have to coerce, other
query parameters, a body that does not validate, an ``Idempotency-Key``...) is passed
on to FastAPI untouched, so validation errors and everything unusual stay FastAPI's.
The routes in ``routers/cases.py`` remain the definition: they make the OpenAPI document
and answer whatever is not taken here. ``tests/api/test_hot_routes.py`` checks that
both give the same answers.

A request is metered against its token's rate quota like any other (``RateLimit``
headers on the answer, 429 past the quota); a token that is not valid counts against
its client's brute-force limit (``services/credentials.py``).

Reads on SQLite run on the event loop: they take a fraction of a millisecond and never
wait for a lock (WAL readers do not block), so the hop to a thread would cost more than
it frees. Reads on PostgreSQL (a network round trip per statement) go to the thread pool
in one hop for authentication and use-case together. Creates are written in batches with
the creates that arrive meanwhile (``create_batches.py``).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from typing import Any, get_args
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from casedesk.api.create_batches import CreateBatches
from casedesk.api.deps import MAX_ID
from casedesk.api.errors import domain_problem
from casedesk.api.routers import cases as routes
from casedesk.domain.errors import DomainError, Unauthenticated
from casedesk.domain.rate_limits import RateState
from casedesk.http_credentials import client_address, state_headers
from casedesk.services import cases, search
from casedesk.services.credentials import Credentials, RateLimitExceeded
from casedesk.services.schemas import CaseCreate, SortKey

_CASES = "/api/v1/cases"
_ONE_CASE = re.compile(r"/api/v1/cases/([1-9][0-9]{0,15})")
_LIMIT = re.compile(r"[1-9][0-9]{0,2}")
_SORTS = frozenset(get_args(SortKey))
#: What ``list_cases`` gets for the parameters a request leaves out: its own defaults.
_LIST_DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(routes.list_cases).parameters.items()
    if p.default is not inspect.Parameter.empty
}


class HotRoutes:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.db = credentials.db
        self.reads_inline = self.db.backend == "sqlite"
        self.creates = CreateBatches(credentials)

    async def handle(
        self, scope: Scope, receive: Receive, send: Send, body: bytes | None
    ) -> int | None:
        """Answer the request and return its status, or None to leave it to FastAPI."""
        if scope.get("root_path"):
            return None
        method, path = scope["method"], scope["path"]
        if path.startswith(_CASES):
            if method == "GET":
                if path == _CASES:
                    return await self._list(scope, receive, send)
                found = _ONE_CASE.fullmatch(path)
                if found is not None and int(found.group(1)) <= MAX_ID:
                    return await self._get(scope, receive, send, int(found.group(1)))
            elif method == "POST" and path == _CASES and body:
                return await self._create(scope, receive, send, body)
        return None

    async def _get(self, scope: Scope, receive: Receive, send: Send, case_id: int) -> int | None:
        token = _bearer(scope)
        if token is None:
            return None
        db, credentials = self.db, self.credentials

        def work() -> Response:
            with db.read() as s:  # one transaction for the caller and the case
                caller, state = credentials.token_in(s, token)
                try:
                    response = routes.with_etag(cases.get_case_in(s, caller, case_id))
                except DomainError as exc:
                    response = domain_problem(exc)
                return _limited(response, state)

        return await self._answer(scope, receive, send, work, inline=self.reads_inline)

    async def _list(self, scope: Scope, receive: Receive, send: Send) -> int | None:
        token = _bearer(scope)
        params = _list_params(scope.get("query_string", b""))
        if token is None or params is None:
            return None
        db, credentials = self.db, self.credentials

        def work() -> Response:
            with db.read() as s:
                caller, state = credentials.token_in(s, token)
                try:
                    page = search.search_cases_in(s, caller, routes.case_query(params))
                except DomainError as exc:
                    return _limited(domain_problem(exc), state)
            return _limited(Response(page.model_dump_json(), media_type="application/json"), state)

        return await self._answer(scope, receive, send, work, inline=self.reads_inline)

    async def _create(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> int | None:
        token = _bearer(scope)
        if token is None or not _plain_json(scope):
            return None
        try:
            data = CaseCreate.model_validate(json.loads(body))
        except (ValueError, ValidationError, RecursionError):  # FastAPI words the 400 or 422
            return None
        try:
            out, state = await self.creates.open(token, data)
            response = routes.with_etag(out, 201, {"Location": f"/api/v1/cases/{out.id}"})
            response = _limited(response, state)
        except Unauthenticated as exc:
            response = domain_problem(await self._refused(scope, exc))
        except RateLimitExceeded as exc:
            response = _limited(domain_problem(exc), exc.state)
        except DomainError as exc:
            response = domain_problem(exc)
        await response(scope, receive, send)
        return response.status_code

    async def _refused(self, scope: Scope, exc: Unauthenticated) -> DomainError:
        """Count a token that is not valid against its client (a write: off the loop)."""
        client = client_address(scope)
        return await run_in_threadpool(self.credentials.token_refused, exc, client)

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        work: Callable[[], Response],
        *,
        inline: bool,
    ) -> int:
        try:
            response = work() if inline else await run_in_threadpool(work)
        except Unauthenticated as exc:
            response = domain_problem(await self._refused(scope, exc))
        except RateLimitExceeded as exc:
            response = _limited(domain_problem(exc), exc.state)
        except DomainError as exc:
            response = domain_problem(exc)
        await response(scope, receive, send)
        return response.status_code


def _limited(response: Response, state: RateState | None) -> Response:
    """``response`` with the ``RateLimit`` headers of its request, if it is metered."""
    if state is not None:
        response.raw_headers += state_headers(state)
    return response


def _header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of a header, as Starlette's ``request.headers.get`` reads it."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _bearer(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer`` header, parsed as ``deps.get_principal``
    does; None for anything else (FastAPI's route answers those)."""
    header = _header(scope, b"authorization")
    if header is None:
        return None
    scheme, _, value = header.decode("latin-1").partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        return None
    return value


def _plain_json(scope: Scope) -> bool:
    return (
        _header(scope, b"content-type") == b"application/json"
        and _header(scope, b"idempotency-key") is None
    )


def _list_params(query_string: bytes) -> dict[str, Any] | None:
    """The arguments ``list_cases`` would get, for a query of at most ``limit``,
    ``cursor``, ``q`` and ``sort``, each once and in its plain form; None otherwise."""
    params = {k: list(v) if isinstance(v, list) else v for k, v in _LIST_DEFAULTS.items()}
    seen: set[str] = set()
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if key in seen:
            return None
        seen.add(key)
        if key == "limit" and _LIMIT.fullmatch(value) and int(value) <= 200:
            params["limit"] = int(value)
        elif key in ("cursor", "q") and len(value) <= 500:
            params[key] = value
        elif key == "sort" and value in _SORTS:
            params["sort"] = value
        else:
            return None
    return params
