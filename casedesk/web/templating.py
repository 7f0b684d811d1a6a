"""Jinja2 pages: one environment, every value escaped, security headers on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from casedesk.web.local_times import ago, when

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
HTMX = "htmx-2.0.11.min.js"

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
#: Every text a page shows goes through gettext: ``{{ _("Save") }}``, or
#: ``{% trans %}…{% endtrans %}`` for a sentence with values in it.
env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
env.globals["htmx"] = HTMX
env.filters["when"] = when
env.filters["ago"] = ago

#: Scripts and styles come only from our own /static: no inline script can run, so an
#: escaping mistake cannot become script execution. Images may be data: URLs (inline
#: images of sanitized email HTML are served from /static-free attachment URLs).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page ``template`` rendered with ``context``. Every template sees ``request``,
    ``csrf_token`` (the session's, or the sign-in form's) and ``htmx_request``."""
    values: dict[str, Any] = {
        "request": request,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "htmx_request": request.headers.get("hx-request") == "true",
        "signed_in": getattr(request.state, "signed_in", None),
    }
    values.update(context or {})
    body = env.get_template(template).render(values)
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS | (headers or {}))
