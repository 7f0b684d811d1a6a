"""Reading the portal's multipart forms, and showing mail HTML safely.

Forms are read once (the session dependency already parsed them to check the CSRF
token); the files the browser sends for an empty file input (no name, no bytes) are
dropped. The app-wide body limit leaves multipart alone, so ``CappedRoute`` holds a
whole request to as many files as a form may carry at the largest size each before the
parser spools anything to disk; each file is then held to its own limit as it is stored.

Message HTML is sanitized with nh3 every time it is shown, whatever was stored, and
inline images that pointed at the API's download URL are pointed at the portal's.
"""

from __future__ import annotations

import re

import nh3
from fastapi import Request
from markupsafe import Markup
from starlette.datastructures import UploadFile

from casedesk.body_limits import Handler, capped
from casedesk.domain.errors import ValidationFailed
from casedesk.services.attachments.files import Upload
from casedesk.services.portal.writes import MAX_FILES
from casedesk.web.routing import SessionFirstRoute

#: Text fields longer than this are refused before they reach a service.
MAX_FIELD = 100_000
_URL_SCHEMES = {"http", "https", "mailto"}
_API_IMAGE = re.compile(r'src="/api/v1/cases/(\d+)/attachments/(\d+)/content"')


#: Room for the text fields, boundaries and part headers besides the files.
FORM_OVERHEAD = 1024 * 1024


class CappedRoute(SessionFirstRoute):
    """Refuses a request body over the cap with 413, declared or counted as it arrives."""

    def get_route_handler(self) -> Handler:
        return capped(super().get_route_handler(), _form_cap)


def _form_cap(request: Request) -> tuple[int, str]:
    limit = int(request.app.state.settings.max_attachment_bytes)
    cap = limit * MAX_FILES + FORM_OVERHEAD
    return cap, f"a form with files is limited to {cap} bytes ({limit} bytes a file)"


async def text_field(request: Request, name: str) -> str:
    value = (await request.form()).get(name, "")
    if not isinstance(value, str):
        raise ValidationFailed(f"{name}: expected text", field=name)
    if len(value) > MAX_FIELD:
        raise ValidationFailed(f"{name}: at most {MAX_FIELD} characters", field=name)
    return value


async def file_fields(request: Request, name: str = "files") -> list[Upload]:
    uploads = []
    for value in (await request.form()).getlist(name):
        if value == "":
            continue  # an empty file input, as some clients send it
        if not isinstance(value, UploadFile):
            raise ValidationFailed(f"{name}: expected a file", field=name)
        if not value.filename and not value.size:
            continue  # an empty file input
        uploads.append(Upload(value.filename, value.file, value.content_type))
    return uploads


def safe_html(html: str, case_id: int) -> Markup:
    """Mail HTML cleaned to an allowlist, its inline images served by the portal."""

    def to_portal(match: re.Match[str]) -> str:
        if int(match.group(1)) != case_id:
            return 'src=""'
        return f'src="/portal/cases/{case_id}/attachments/{match.group(2)}"'

    cleaned = nh3.clean(html, url_schemes=_URL_SCHEMES)
    return Markup(_API_IMAGE.sub(to_portal, cleaned))
