"""Signing in to the portal by an emailed link.

Asking for a link answers the same whether or not the address belongs to a contact, so
the form tells nobody who is a customer. For a known address the link is issued, its
audit record and a ``contact.sign_in_link`` outbox event written in one transaction; the
email channel's delivery mails it (``notifications.plan``), as automatic mail held to the
per-address hourly cap, so the form cannot be used to flood someone's mailbox; and one
client may ask for only so many links in a while, whatever the addresses
(``credential_limits.admit_link_request``), so it cannot be used to probe many.

The event carries the link itself (the database keeps only the token's hash, so the
mail cannot be written from anything else). A link works once, within
``domain.sign_in.LINK_LIFETIME``.
"""

from __future__ import annotations

from datetime import datetime

from casedesk.services.identity import credential_limits
from casedesk.services.identity.web_sessions import issue_sign_in_link
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database

TOPIC = "contact.sign_in_link"
#: Where a link leads, below the site's public address.
LINK_PATH = "/portal/sign-in/link/"


def request_sign_in_link(
    db: Database,
    email: str,
    base_url: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> None:
    """Mail a sign-in link to ``email`` if a contact has that address; else nothing.
    ``TooManyAttempts`` when the ``client`` address asked for too many lately."""
    now = now or utcnow()
    if client is not None:
        credential_limits.admit_link_request(db, client, now)
    address = email.strip().lower()
    if not address or len(address) > 320:
        return
    with db.write() as s:
        issued = issue_sign_in_link(s, address, now)
        if issued is None:
            return
        contact, token = issued
        audit.record(
            s,
            None,
            contact.corporation_id,
            "contact.sign_in_link_issued",
            "contact",
            contact.id,
            changes={"email": {"from": None, "to": address}},
            at=now,
            actor_label="portal",
        )
        audit.emit(
            s,
            contact.corporation_id,
            TOPIC,
            {
                "contact_id": contact.id,
                "email": address,
                "url": base_url.rstrip("/") + LINK_PATH + token,
            },
        )
