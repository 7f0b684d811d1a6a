"""The interactive API docs, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served with
their scripts and styles from casedesk's own ``/static``.

FastAPI's built-in pages load these from a CDN, so on a machine without internet they
stay blank. The assets are pinned copies from the npm registry (``scripts/static-assets``
brings them in and names the versions used below), and the pages ask nothing of any
other host: Swagger UI's online validator is off and ReDoc's logo link is removed.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

SWAGGER_UI = "/static/swagger-ui-5.35.0"
REDOC = "/static/redoc-2.5.4"


def install(app: FastAPI) -> None:
    """Add ``/docs`` and ``/redoc`` to ``app``, which must be made with ``docs_url=None``
    and ``redoc_url=None`` and serve ``casedesk/web/static`` at ``/static``."""
    title = app.title

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url=f"{root}{SWAGGER_UI}/favicon-32x32.png",
            # Swagger UI would send the schema to swagger.io's online validator.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_redoc_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"),
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{REDOC}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{SWAGGER_UI}/favicon-32x32.png",
            with_google_fonts=False,
        )
