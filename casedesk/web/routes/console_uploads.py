"""Files sent with a console form: the size cap checked before the form is spooled to
disk, and the files stored as uploads for the one write that takes them."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from starlette.datastructures import UploadFile

from casedesk.body_limits import Handler, capped
from casedesk.domain.permissions import Principal
from casedesk.services.attachments import uploads
from casedesk.services.attachments.files import Upload
from casedesk.store.db import Database
from casedesk.web.routes.console_context import blob_store, settings
from casedesk.web.routing import SessionFirstRoute

#: Room for the text and the multipart framing on top of the files themselves.
FORM_OVERHEAD = 2 * 1024 * 1024


def capped_route(what: str) -> type[SessionFirstRoute]:
    """A route class that refuses a post larger than its allowed files could need
    (``what``, e.g. "a message", names the post in the refusal)."""

    def cap(request: Request) -> tuple[int, str]:
        limit = settings(request).max_attachment_bytes * uploads.MAX_UPLOADS_PER_WRITE
        limit += FORM_OVERHEAD
        return limit, f"{what} with its files is limited to {limit} bytes"

    class CappedRoute(SessionFirstRoute):
        def get_route_handler(self) -> Handler:
            return capped(super().get_route_handler(), cap)

    return CappedRoute


def stored(
    request: Request, db: Database, principal: Principal, chosen: Sequence[UploadFile]
) -> list[uploads.UploadRef]:
    """The chosen files stored as the caller's uploads, ready to attach to one write."""
    if not chosen:
        return []
    kept = uploads.upload_files(
        db,
        blob_store(request),
        principal,
        [Upload(f.filename, f.file, f.content_type) for f in chosen],
        settings(request).max_attachment_bytes,
    )
    return [uploads.UploadRef(u.id) for u in kept]
