"""A case opened by an agent for a caller: a phone call, a walk-in.

The agent picks the contact or types a new one; the case, the new contact, the
files and an optional first reply are one transaction, so a refused case leaves no
contact behind and a refused reply leaves no case. Adding a contact this way needs
only the right to open cases: an agent taking a call from someone new records who
called, as a mail from a new address does. Editing or deleting contacts still needs
the right to manage reference data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments.uploads import UploadRef, attach_uploads_in
from casedesk.services.cases.messages import add_message_in
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate, CaseOut, MessageCreate
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.contacts import ContactCreate, create_contact_in
from casedesk.store.db import Database
from casedesk.store.models import Contact, Organization


class CallerCase(BaseModel):
    """What the agent entered: the case, and either a contact's id or a new contact."""

    model_config = ConfigDict(extra="forbid")

    case: CaseCreate
    new_contact: ContactCreate | None = None
    first_reply: str | None = None


def open_case_for_caller(
    db: Database,
    principal: Principal,
    order: CallerCase,
    *,
    uploads: Sequence[UploadRef] = (),
    now: datetime | None = None,
) -> CaseOut:
    """Open the case (adding the new contact first, when there is one); the files go
    with the first reply when there is one, else with the case. The case's organization
    and group default to the contact's organization and its group."""
    principal.require(Permission.CREATE_CASE)
    data = order.case
    if order.new_contact is not None and data.contact_id is not None:
        raise ValidationFailed("pick a contact or enter a new one, not both", field="contact_id")
    reply = (order.first_reply or "").strip()
    if reply or uploads:
        principal.require(Permission.ADD_NOTE)
    now = now or utcnow()
    with db.write() as s:
        if order.new_contact is not None:
            contact = create_contact_in(s, principal, order.new_contact)
            data = data.model_copy(update={"contact_id": contact.id})
        if data.contact_id is not None and data.organization_id is None:
            # An unknown contact is refused by the opening's own reference checks.
            organization_id = s.scalar(
                select(Contact.organization_id).where(
                    Contact.id == data.contact_id,
                    Contact.corporation_id == principal.corporation_id,
                )
            )
            data = data.model_copy(update={"organization_id": organization_id})
        if data.group_id is None and data.organization_id is not None:
            org = s.get(Organization, data.organization_id)
            if org is not None and org.group_id is not None and principal.sees_group(org.group_id):
                data = data.model_copy(update={"group_id": org.group_id})
        opened = open_case_in(s, principal, data, now)
        message_id = None
        if reply or uploads:
            case = load_case(s, principal, opened.id, Permission.ADD_NOTE, for_update=True)
            if reply:
                message = add_message_in(
                    s, principal, case, MessageCreate(visibility="external", body_text=reply), now
                )
                message_id = message.id
            attach_uploads_in(s, principal, case, uploads, now, message_id=message_id)
    return opened
