"""/contacts/{id}/export, /anonymise and /erase: a contact's data-subject requests.
Admins only; see docs/privacy.md."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import StreamingResponse

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.attachments import Blobs
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.privacy import exporting, requests, retention
from casedesk.services.privacy.requests import RequestOut
from casedesk.services.privacy.retention import PolicyIn, PolicyOut

router = APIRouter(route_class=NativeRoute, responses=ERRORS, tags=["contacts"])


@router.get(
    "/contacts/{contact_id}/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_contact(contact_id: RowId, caller: Caller, db: Db, blobs: Blobs) -> StreamingResponse:
    """Everything held about the contact as one ZIP archive: JSON files (the contact,
    each case with the contact's messages and the replies to them, audit entries) and
    the files' bytes. Audited."""
    chunks = exporting.export_contact(db, caller, contact_id, blobs)
    return StreamingResponse(
        chunks,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="contact-{contact_id}.zip"'},
    )


@router.post("/contacts/{contact_id}/anonymise", response_model=RequestOut)
def anonymise_contact(contact_id: RowId, caller: Caller, db: Db, blobs: Blobs) -> RequestOut:
    """Replace the contact's names, addresses, phone numbers and message bodies by
    placeholders everywhere, remove their files; cases and their figures stay."""
    return requests.anonymise_contact(db, caller, contact_id, blobs)


@router.post("/contacts/{contact_id}/erase", response_model=RequestOut)
def erase_contact(contact_id: RowId, caller: Caller, db: Db, blobs: Blobs) -> RequestOut:
    """Delete the contact and the cases only they are part of; cases shared with
    other contacts stay, with the contact's part anonymised."""
    return requests.erase_contact(db, caller, contact_id, blobs)


@router.get("/retention-policy", response_model=PolicyOut | None, tags=["privacy"])
def get_retention_policy(caller: Caller, db: Db) -> PolicyOut | None:
    """The corporation's retention policy (null: closed cases are kept)."""
    return retention.get_policy(db, caller)


@router.put("/retention-policy", response_model=PolicyOut | None, tags=["privacy"])
def set_retention_policy(data: PolicyIn | None, caller: Caller, db: Db) -> PolicyOut | None:
    """Anonymise or delete closed cases `days` days after they were closed (the
    `retention` job applies it hourly); null removes the policy."""
    return retention.set_policy(db, caller, data)
