"""Who sent a mail, and what they may do (ITFlow email-to-ticket).

A registered contact creates and updates cases. Mail from an unknown address is not
taken in, unless its domain belongs to a customer organization: then the sender becomes
a contact of that organization. A sender may add to a case only if they are one of its
contacts or a contact of its organization, so a forged In-Reply-To or a copied subject
token gets a stranger nowhere.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.mail import header_text
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Principal
from casedesk.services.identity.channel_accounts import channel_account
from casedesk.services.kernel import audit
from casedesk.services.kernel.memberships import organizations_of
from casedesk.store.models import (
    Case,
    CaseMember,
    Contact,
    ContactEmail,
    ContactOrganization,
    OrganizationDomain,
)


def find_contact(s: Session, corporation_id: int, address: str) -> Contact | None:
    return s.scalars(
        select(Contact)
        .join(ContactEmail, ContactEmail.contact_id == Contact.id)
        .where(ContactEmail.corporation_id == corporation_id, ContactEmail.email == address)
    ).first()


def organization_for_domain(s: Session, corporation_id: int, address: str) -> int | None:
    domain = address.rpartition("@")[2].lower()
    if not domain:
        return None
    return s.scalar(
        select(OrganizationDomain.organization_id).where(
            OrganizationDomain.corporation_id == corporation_id,
            OrganizationDomain.domain == domain,
        )
    )


def is_known(s: Session, corporation_id: int, address: str) -> bool:
    """Whether mail from ``address`` can be taken in at all."""
    return (
        find_contact(s, corporation_id, address) is not None
        or organization_for_domain(s, corporation_id, address) is not None
    )


def add_contact(
    s: Session,
    corporation_id: int,
    organization_id: int | None,
    address: str,
    name: str,
    now: datetime,
    *,
    by: Principal | None = None,
) -> Contact:
    """A contact for a new sender: of a customer organization's domain, or one whose
    quarantined mail someone released (``by``)."""
    first, _, last = header_text(name, 200).partition(" ")
    if not first:
        first = address.partition("@")[0]
    contact = Contact(
        corporation_id=corporation_id,
        organization_id=organization_id,
        first_name=first[:100],
        last_name=last[:100],
        created_at=now,
    )
    s.add(contact)
    s.flush()
    if organization_id is not None:
        s.add(
            ContactOrganization(
                corporation_id=corporation_id,
                contact_id=contact.id,
                organization_id=organization_id,
            )
        )
    s.add(
        ContactEmail(
            corporation_id=corporation_id, contact_id=contact.id, email=address, is_primary=True
        )
    )
    audit.record(
        s,
        by,
        corporation_id,
        "contact.created",
        "contact",
        contact.id,
        changes={"email": {"from": None, "to": address}},
        at=now,
        actor_label="" if by else "email",
    )
    return contact


def may_add_to(s: Session, contact: Contact, case: Case) -> bool:
    """A contact may add to a case they are (or were) a contact of, or a case of one of
    their organizations."""
    if case.organization_id is not None and case.organization_id in organizations_of(s, contact.id):
        return True
    return (
        s.scalar(
            select(CaseMember.id).where(
                CaseMember.case_id == case.id,
                CaseMember.role == int(MemberRole.CONTACT),
                CaseMember.contact_id == contact.id,
            )
        )
        is not None
    )


def channel_principal(s: Session, corporation_id: int) -> Principal:
    """The account the email channel acts as: an admin that cannot sign in (no password,
    inactive), one per corporation, made on first use. Cases it opens show it as creator."""
    return channel_account(s, corporation_id, "email-channel", "Email channel")
