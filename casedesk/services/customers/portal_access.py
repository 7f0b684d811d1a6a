"""An agent invites a contact to the portal, or resets their access.

Both mail the contact a one-time sign-in link through the same outbox event and mail
as the portal's own "email me a link" form (``identity.portal_sign_in``), so the
contact signs in the way they would on their own. Resetting first removes the portal
password, ends the contact's portal sessions and voids their earlier links: for a
customer who lost their password, or whose access should start over. Each is one
transaction with its audit record, naming the agent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.identity.portal_sign_in import LINK_PATH, TOPIC
from casedesk.services.identity.web_sessions import end_contact_access, issue_contact_link
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import get_row
from casedesk.store.db import Database
from casedesk.store.models import Contact, ContactEmail

Action = Literal["invite", "reset"]


def send_portal_link(
    db: Database,
    principal: Principal,
    contact_id: int,
    action: Action,
    base_url: str,
    *,
    now: datetime | None = None,
) -> str:
    """Mail the contact a sign-in link (``reset``: after ending their access); the
    address it goes to."""
    principal.require(Permission.MANAGE_REFERENCE)
    now = now or utcnow()
    with db.write() as s:
        contact = get_row(s, Contact, contact_id, principal.corporation_id, "contact")
        email = s.scalar(
            select(ContactEmail.email)
            .where(ContactEmail.contact_id == contact.id)
            .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        )
        if email is None:
            raise ValidationFailed(
                "the contact has no email address to send a sign-in link to", field="emails"
            )
        changes: audit.Changes = {"email": {"from": None, "to": email}}
        if action == "reset":
            had_password = contact.password_hash is not None
            contact.password_hash = None
            ended = end_contact_access(s, contact.id)
            changes |= {
                "portal_password": {"from": had_password, "to": False},
                "sessions_ended": {"from": None, "to": ended},
            }
        token = issue_contact_link(s, contact, now)
        audit.record(
            s,
            principal,
            contact.corporation_id,
            "contact.portal_invited" if action == "invite" else "contact.portal_access_reset",
            "contact",
            contact.id,
            changes=changes,
            at=now,
        )
        audit.emit(
            s,
            contact.corporation_id,
            TOPIC,
            {
                "contact_id": contact.id,
                "email": email,
                "url": base_url.rstrip("/") + LINK_PATH + token,
            },
        )
        return email
