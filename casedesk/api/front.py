"""The one ASGI layer in front of the routes: intake checks, request metrics, hot routes.

One plain ASGI callable instead of a middleware per concern: every layer costs a
coroutine call (and a ``send`` wrapper) on every request.

1. The intake checks of ``guards.py`` (limits, NUL characters); refusals are answered
   there and not counted in the metrics.
2. Metrics: requests by method and status, and their latency.
3. ``hot_routes.py`` answers the busiest requests in their plain form; all the others go
   on to FastAPI's routing.
4. Limits: the ``RateLimit`` headers of a request metered by its token, and the
   ``Retry-After`` of a 429, whichever face answered (``http_credentials.py``); after the
   answer is sent, the token rate counts go to the database when they are due.
"""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter, Histogram
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casedesk.api.guards import admit
from casedesk.api.hot_routes import HotRoutes
from casedesk.http_credentials import RETRY_AFTER, limit_headers
from casedesk.services.identity.credentials import Credentials

log = logging.getLogger(__name__)

REQUESTS = Counter("casedesk_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("casedesk_http_request_seconds", "HTTP request latency", ["method"])


_latency: dict[str, Histogram] = {}
_requests: dict[tuple[str, int], Counter] = {}


def _note(method: str, status: int, seconds: float) -> None:
    """Count and time a request. The labelled children are kept at hand: looking them up
    through ``labels()`` costs more than updating them."""
    latency = _latency.get(method)
    if latency is None:
        latency = _latency[method] = LATENCY.labels(method)
    latency.observe(seconds)
    requests = _requests.get((method, status))
    if requests is None:
        requests = _requests[(method, status)] = REQUESTS.labels(method, str(status))
    requests.inc()


class Front:
    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        hot: HotRoutes | None,
        credentials: Credentials | None = None,
    ) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.hot = hot
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        admitted = await admit(scope, receive, send, self.limit)
        if admitted is None:
            return
        body, receive = admitted
        status = 500  # if the app fails before it answers

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                extra = _limit_headers(scope, message)
                if extra:
                    message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        start = time.perf_counter()
        try:
            answered = None
            if self.hot is not None:
                answered = await self.hot.handle(scope, receive, send, body)
            if answered is None:
                await self.app(scope, receive, send_and_note)
            else:
                status = answered
        finally:
            _note(scope["method"], status, time.perf_counter() - start)
        if self.credentials is not None and self.credentials.rates.due():
            await run_in_threadpool(_flush, self.credentials)


def _limit_headers(scope: Scope, start: Message) -> list[tuple[bytes, bytes]]:
    extra = limit_headers(scope)
    retry_after = scope.get(RETRY_AFTER)
    headers = start.get("headers", ())
    if (
        start["status"] == 429
        and retry_after is not None
        and not any(k.lower() == b"retry-after" for k, _ in headers)
    ):
        extra.append((b"retry-after", str(retry_after).encode()))
    return extra


def _flush(credentials: Credentials) -> None:
    try:
        credentials.rates.flush()
    except Exception:  # the counts stay pending for the next flush
        log.exception("could not write the token rate counts")
