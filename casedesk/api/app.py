"""The ASGI application: native API, dialects, health and metrics."""

from __future__ import annotations

import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy import text
from starlette.middleware.trustedhost import TrustedHostMiddleware

import casedesk
from casedesk.api import docs_pages
from casedesk.api.errors import SHARED_RESPONSES
from casedesk.api.errors import install as install_errors
from casedesk.api.front import Front
from casedesk.api.hot_routes import HotRoutes
from casedesk.api.routers import assist as assist_routes
from casedesk.api.routers import (
    attachments,
    bulk,
    canned_responses,
    case_codes,
    case_parts,
    case_times,
    cases,
    catalog,
    changes,
    contact_actions,
    customers,
    directory,
    exports,
    invoices,
    knowledge,
    mail,
    mail_admin,
    notifications,
    privacy,
    reports,
    rules,
    schedules,
    sign_in_providers,
    surveys,
    templates,
    time_entries,
    timekeeping,
    vocabulary,
    webhooks,
)
from casedesk.automation.jobs import JOBS
from casedesk.config import Settings
from casedesk.dialects.casemgmt.router import router as casemgmt_router
from casedesk.dialects.itflow.router import router as itflow_router
from casedesk.dialects.itx.router import router as itx_router
from casedesk.dialects.superoffice.errors import install as install_superoffice_errors
from casedesk.dialects.superoffice.rest import router as superoffice_rest_router
from casedesk.dialects.superoffice.router import router as superoffice_router
from casedesk.dialects.trackit.router import router as trackit_router
from casedesk.services.identity.credentials import Clock, Credentials
from casedesk.services.reports.metrics import BusinessMetrics
from casedesk.services.rules import engine as rules_engine
from casedesk.services.surveys import sending as survey_sending
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database, SqliteLimits
from casedesk.web import install as install_web


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    *,
    hot_routes: bool = True,
    clock: Clock = time.time,
) -> FastAPI:
    """The app. ``hot_routes=False`` leaves every request to FastAPI's routes, which
    the tests use to check that ``hot_routes.py`` answers as they do; ``clock`` is
    the time the credential limits count by (Unix seconds)."""
    settings = settings or Settings()
    limits = SqliteLimits(**settings.sqlite_limits)
    database = db or Database(
        settings.effective_database_url,
        sqlite=limits,
        replica_url=settings.database_replica_url,
    )
    rules_engine.install()
    survey_sending.install(settings.link_base_url)

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
        docs_url=None,  # served by docs_pages, with local assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.blob_store = LocalBlobStore(settings.attachments_dir)
    app.state.credentials = credentials = Credentials(
        database,
        requests_per_minute=settings.api_requests_per_minute,
        flush_seconds=settings.rate_limit_flush_seconds,
        clock=clock,
    )
    install_errors(app)
    hot = HotRoutes(credentials) if hot_routes else None
    app.add_middleware(
        Front, max_body_bytes=settings.max_body_bytes, hot=hot, credentials=credentials
    )
    if settings.allowed_hosts:  # outermost: a request for another host gets nothing else
        app.add_middleware(
            TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False
        )

    for router in (
        assist_routes.router,
        bulk.router,
        cases.router,
        case_parts.router,
        case_times.router,
        attachments.router,
        directory.router,
        catalog.router,
        customers.router,
        contact_actions.router,
        privacy.router,
        templates.router,
        schedules.router,
        timekeeping.router,
        time_entries.router,
        invoices.router,
        mail.router,
        case_codes.router,
        vocabulary.router,
        mail_admin.router,
        canned_responses.router,
        webhooks.router,
        changes.router,
        exports.router,
        reports.router,
        notifications.router,
        rules.router,
        sign_in_providers.router,
        surveys.router,
        knowledge.router,
    ):
        app.include_router(router, prefix="/api/v1", responses=SHARED_RESPONSES)
    app.include_router(itx_router)
    app.include_router(trackit_router)

    app.include_router(superoffice_router)
    app.include_router(superoffice_rest_router)
    install_superoffice_errors(app)
    app.include_router(casemgmt_router)
    app.include_router(itflow_router)
    install_web(app)
    docs_pages.install(app)

    business = CollectorRegistry(auto_describe=False)
    app.state.business_metrics = BusinessMetrics(
        database,
        {job.name: job.every.total_seconds() for job in JOBS},
        max_age=settings.metrics_refresh_seconds,
    )
    business.register(app.state.business_metrics)

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics(request: Request) -> Response:
        body = generate_latest()
        if _is_operator(request, settings.metrics_token):
            body += generate_latest(business)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        with database.read() as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


def _is_operator(request: Request, token: str) -> bool:
    """Whether the request carries the operators' metrics token (none is set: nobody)."""
    sent = request.headers.get("authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


__all__ = ["JSONResponse", "create_app"]
