"""The one ASGI layer in front of the routes: intake checks, request metrics, hot routes.

One plain ASGI callable instead of a middleware per concern: every layer costs a
coroutine call (and a ``send`` wrapper) on every request.

1. The intake checks of ``guards.py`` (limits, NUL characters); refusals are answered
   there and not counted in the metrics.
2. Metrics: requests by method and status, and their latency.
3. ``hot_routes.py`` answers the busiest requests in their plain form; all the others go
   on to FastAPI's routing.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casedesk.api.guards import admit
from casedesk.api.hot_routes import HotRoutes

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
    def __init__(self, app: ASGIApp, max_body_bytes: int, hot: HotRoutes | None) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.hot = hot

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
