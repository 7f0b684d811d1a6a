"""The console's data-subject requests on a contact's page (admins only): export the
contact's data as a ZIP archive, anonymise them, erase them. Anonymising and erasing
ask for a ticked confirmation; without it the page answers 422 and nothing changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.responses import StreamingResponse

from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.services.privacy import exporting, requests
from casedesk.services.privacy.subject import require_admin
from casedesk.web.errors import status_of
from casedesk.web.routes.console_contacts import _page
from casedesk.web.routes.console_context import OtherId, blob_store, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/contacts", route_class=SessionFirstRoute)


@router.post("/{contact_id}/privacy/export")
def export_contact(request: Request, agent: Agent, contact_id: OtherId) -> Response:
    chunks = exporting.export_contact(
        db_of(request), agent.principal, contact_id, blob_store(request)
    )
    return StreamingResponse(
        chunks,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="contact-{contact_id}.zip"'},
    )


@router.post("/{contact_id}/privacy/{kind}")
def privacy_request(
    request: Request,
    agent: Agent,
    contact_id: OtherId,
    kind: str,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Anonymise or erase the contact once the admin has confirmed it."""
    db, principal = db_of(request), agent.principal
    require_admin(principal)
    if kind not in ("anonymise", "erase"):
        return Response(status_code=404)
    try:
        if confirm != "yes":
            raise ValidationFailed(f"tick “Yes, {kind}” to confirm", field="confirm")
        requests.run(db, kind, principal.corporation_id, contact_id, blob_store(request), principal)
    except DomainError as exc:
        status, detail = status_of(exc)
        return _page(request, db, principal, contact_id, error=detail, status_code=status)
    if kind == "erase":
        return RedirectResponse("/console/contacts", status_code=303)
    return RedirectResponse(f"/console/contacts/{contact_id}?done=anonymised", status_code=303)
