"""Downloading a case's attachment from the console.

The same service call as the API's download, so the same checks: the agent must see
the case (else 404, like a missing one) and may view attachments. The file is always
offered as a download in the type sniffed at upload, never rendered in the page's
origin: ``nosniff`` and a ``default-src 'none'`` policy disarm it if opened anyway.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from casedesk.downloads import download_headers
from casedesk.services.attachments import attaching as attachments
from casedesk.web.routes.console_context import CaseId, OtherId, blob_store, db_of
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/cases/{case_id}/attachments")


@router.get("/{attachment_id}")
def download(request: Request, agent: Agent, case_id: CaseId, attachment_id: OtherId) -> Response:
    found = attachments.open_attachment(
        db_of(request), blob_store(request), agent.principal, case_id, attachment_id
    )
    meta = found.meta
    headers = download_headers(meta.filename, meta.sha256)
    return FileResponse(found.path, media_type=meta.content_type, headers=headers)
