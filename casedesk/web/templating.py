"""Jinja2 pages: one environment, every value escaped, security headers on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from casedesk.web import i18n
from casedesk.web.local_times import ago, number, when

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
#: ``{% trans %}…{% endtrans %}`` for a sentence with values in it; in the language
#: ``render`` picked for the page (web/i18n.py).
env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=i18n.gettext,
    ngettext=i18n.ngettext,
    pgettext=i18n.pgettext,
    npgettext=i18n.npgettext,
    newstyle=True,
)
env.globals["htmx"] = HTMX
env.filters["when"] = when
env.filters["ago"] = ago
env.filters["number"] = number
#: A text made in Python and marked there with ``N_``: translated as it is shown.
env.filters["translate"] = i18n.translate

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
    ``csrf_token`` (the session's, or the sign-in form's), ``htmx_request`` and
    ``language`` (the page's, see ``i18n.page_language``)."""
    signed_in = getattr(request.state, "signed_in", None)
    language = i18n.page_language(request, signed_in)
    values: dict[str, Any] = {
        "request": request,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "htmx_request": request.headers.get("hx-request") == "true",
        "signed_in": signed_in,
        "language": language,
    }
    values.update(context or {})
    with i18n.speaking(language):
        body = env.get_template(template).render(values)
    response_headers = SECURITY_HEADERS | {"Content-Language": language, "Vary": "Accept-Language"}
    return HTMLResponse(body, status_code=status_code, headers=response_headers | (headers or {}))
