"""Customers for the portal tests: an organization and three contacts with portal
passwords, on top of the usual world (``tests.factories.make_world``).

- Carol and Dave work for Customer Ltd (its cases go to group A); Dave may see all of
  the organization's cases, Carol only her own.
- Erin belongs to no organization.
"""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.domain.permissions import ContactCaller
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.identity.auth import hash_password
from casedesk.store.db import Database
from casedesk.store.models import Contact, ContactEmail, Organization
from tests.factories import World, make_case, make_world

PORTAL_PASSWORD = "customer portal secret"


@dataclass
class PortalWorld:
    db: Database
    base: World
    organization: int
    carol: ContactCaller
    dave: ContactCaller
    erin: ContactCaller

    def case_for(self, contact: ContactCaller, title: str = "Printer jammed") -> CaseOut:
        """A case an agent of group A opened for ``contact``."""
        return make_case(
            self.db,
            self.base.agent_a,
            title=title,
            contact_id=contact.contact_id,
            organization_id=contact.organization_id,
            group_id=self.base.group_a,
        )


def add_contact(
    db: Database,
    corporation_id: int,
    first: str,
    email: str,
    organization_id: int | None,
    *,
    sees_organization: bool = False,
    password: str | None = PORTAL_PASSWORD,
) -> ContactCaller:
    with db.write() as s:
        contact = Contact(
            corporation_id=corporation_id,
            organization_id=organization_id,
            first_name=first,
            last_name="Customer",
            password_hash=hash_password(password) if password else None,
            sees_organization_cases=sees_organization,
        )
        s.add(contact)
        s.flush()
        s.add(
            ContactEmail(
                corporation_id=corporation_id, contact_id=contact.id, email=email, is_primary=True
            )
        )
        contact_id = contact.id
    return ContactCaller(
        contact_id, corporation_id, organization_id, sees_organization and bool(organization_id)
    )


def make_portal_world(db: Database) -> PortalWorld:
    base = make_world(db)
    corp = base.corporation_id
    with db.write() as s:
        org = Organization(corporation_id=corp, name="Customer Ltd", group_id=base.group_a)
        s.add(org)
        s.flush()
        org_id = org.id
    return PortalWorld(
        db=db,
        base=base,
        organization=org_id,
        carol=add_contact(db, corp, "Carol", "carol@customer.example", org_id),
        dave=add_contact(db, corp, "Dave", "dave@customer.example", org_id, sees_organization=True),
        erin=add_contact(db, corp, "Erin", "erin@home.example", None),
    )
