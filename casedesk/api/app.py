"""The ASGI application: native API, health and metrics. Dialects and the web UI are
mounted here too as they arrive."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text

import casedesk
from casedesk.api.errors import install as install_errors
from casedesk.api.guards import IntakeGuard
from casedesk.api.routers import case_parts, cases
from casedesk.config import Settings
from casedesk.store.db import Database

REQUESTS = Counter("casedesk_http_requests_total", "HTTP requests", ["method", "status"])
LATENCY = Histogram("casedesk_http_request_seconds", "HTTP request latency", ["method"])


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    database = db or Database(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if db is None:
            database.dispose()

    app = FastAPI(
        title="casedesk",
        version=casedesk.__version__,
        description="Case management: cases, messages, members, attachments and their rules.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    install_errors(app)
    _metrics(app)
    app.add_middleware(IntakeGuard, max_body_bytes=settings.max_body_bytes)

    for router in (cases.router, case_parts.router):
        app.include_router(router, prefix="/api/v1")

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        with database.read() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


def _metrics(app: FastAPI) -> None:
    @app.middleware("http")
    async def _count(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        with LATENCY.labels(request.method).time():
            response = await call_next(request)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        return response

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


__all__ = ["JSONResponse", "create_app"]
