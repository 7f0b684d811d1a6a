"""Mails about no case: a contact's portal sign-in link, and the notice to a
corporation's admins that a webhook was switched off. Planned from their outbox events
like the case mails (``notification_plans``), from the same identity.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.sign_in import LINK_LIFETIME
from casedesk.services.mail.planned import Event, Identity, PlannedMail
from casedesk.store.models import Contact, User


def sign_in_link(s: Session, event: Event, identity: Identity) -> list[PlannedMail]:
    """The portal sign-in link, to the contact address it was asked for."""
    p = event.payload
    address, url, contact_id = p.get("email"), p.get("url"), p.get("contact_id")
    if not isinstance(address, str) or not isinstance(url, str) or not address:
        return []
    contact = s.get(Contact, contact_id) if isinstance(contact_id, int) else None
    if contact is None or contact.corporation_id != event.corporation_id:
        return []
    name = f"{contact.first_name} {contact.last_name}".strip()
    context = {
        "link": url,
        "valid_minutes": int(LINK_LIFETIME.total_seconds() // 60),
        "recipient_name": name,
        "organization": identity.from_name,
    }
    mail = PlannedMail(
        address.lower(),
        name,
        "portal_sign_in_link",
        context,
        automatic=True,
        language=contact.language,
    )
    return [mail]


def webhook_disabled(s: Session, event: Event, identity: Identity) -> list[PlannedMail]:
    """A webhook switched off after failing for a day: its corporation's admins."""
    p = event.payload
    context = {
        "webhook_id": p.get("webhook_id"),
        "url": p.get("url"),
        "reason": p.get("reason"),
        "organization": identity.from_name,
    }
    admins = s.scalars(
        select(User).where(
            User.corporation_id == event.corporation_id,
            User.role == "admin",
            User.is_active.is_(True),
        )
    ).all()
    return [
        PlannedMail(
            u.email.lower(),
            u.name,
            "webhook_disabled",
            context | {"recipient_name": u.name},
            automatic=True,
            language=u.language,
        )
        for u in admins
    ]
