"""A contact's parts beside the contact row: email addresses (the first is primary,
each one a contact's within the corporation), phone numbers, and the organizations
they belong to, read and written as one set for the contact use-cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.services.kernel.memberships import organizations_of_many
from casedesk.services.reference.common import ensure_not_taken, flush
from casedesk.store.models import Contact, ContactEmail, ContactPhone


def set_parts(
    s: Session, contact: Contact, emails: list[str], phones: list[dict[str, str]]
) -> dict[str, Any]:
    """Replace the contact's emails and phones; Conflict naming an address another
    contact of the corporation has."""
    emails = list(dict.fromkeys(emails))
    ensure_not_taken(
        s,
        ContactEmail,
        contact.corporation_id,
        "email",
        emails,
        owner="contact",
        owner_id=contact.id,
        field="emails",
    )
    s.execute(delete(ContactEmail).where(ContactEmail.contact_id == contact.id))
    s.execute(delete(ContactPhone).where(ContactPhone.contact_id == contact.id))
    for i, email in enumerate(emails):
        s.add(
            ContactEmail(
                corporation_id=contact.corporation_id,
                contact_id=contact.id,
                email=email,
                is_primary=i == 0,
            )
        )
    for phone in phones:
        s.add(ContactPhone(contact_id=contact.id, number=phone["number"], kind=phone["kind"]))
    flush(s, "one of the email addresses belongs to another contact already")
    return {"emails": emails, "phones": phones}


def no_parts() -> dict[str, Any]:
    return {"emails": [], "phones": [], "organization_ids": []}


def parts(s: Session, contact_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {cid: no_parts() for cid in contact_ids}
    if not contact_ids:
        return out
    emails = s.execute(
        select(ContactEmail.contact_id, ContactEmail.email)
        .where(ContactEmail.contact_id.in_(contact_ids))
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
    )
    for cid, email in emails:
        out[cid]["emails"].append(email)
    phones = s.execute(
        select(ContactPhone.contact_id, ContactPhone.number, ContactPhone.kind)
        .where(ContactPhone.contact_id.in_(contact_ids))
        .order_by(ContactPhone.id)
    )
    for cid, number, kind in phones:
        out[cid]["phones"].append({"number": number, "kind": kind})
    for cid, ids in organizations_of_many(s, contact_ids).items():
        out[cid]["organization_ids"] = ids
    return out
