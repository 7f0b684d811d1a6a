"""/contacts/{id}/merge and /contacts/{id}/portal-link: merging a duplicate contact into
another, and mailing a contact a portal sign-in link. Both need manage_reference."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.customers import merging, portal_access
from casedesk.services.customers.merging import ContactMergeOut
from casedesk.services.reference.common import Id

router = APIRouter(route_class=NativeRoute, responses=ERRORS, tags=["contacts"])


class ContactMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into_id: Id


class PortalLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["invite", "reset"] = "invite"


class PortalLinkOut(BaseModel):
    email: str


@router.post("/contacts/{contact_id}/merge", response_model=ContactMergeOut)
def merge_contact(contact_id: RowId, data: ContactMerge, caller: Caller, db: Db) -> ContactMergeOut:
    """Merge this contact (a duplicate) into `into_id`: its case memberships, message
    authorship, email addresses and phone numbers move there, empty fields of the
    staying contact are filled from it, and it is deleted. Audited on both contacts and
    on every case whose contact changed."""
    return merging.merge_contacts(db, caller, contact_id, data.into_id)


@router.post("/contacts/{contact_id}/portal-link", response_model=PortalLinkOut)
def send_portal_link(
    contact_id: RowId, data: PortalLink, caller: Caller, db: Db, request: Request
) -> PortalLinkOut:
    """Mail the contact a one-time portal sign-in link (`invite`); `reset` first removes
    their portal password, ends their portal sessions and voids earlier links. 422 when
    the contact has no email address."""
    base_url = request.app.state.settings.link_base_url
    email = portal_access.send_portal_link(db, caller, contact_id, data.action, base_url)
    return PortalLinkOut(email=email)
