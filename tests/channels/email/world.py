"""A small world for the email tests: one corporation with a customer organization
that owns a mail domain, contacts in and outside it, and cases to reply to.

- Carol (carol@customer.example, Customer Ltd, domain customer.example) has case 1,
  "Network printer offline", closed, and a mail we sent about it, Message-ID
  ``<c1.notice.1@acme.example>``.
- Oscar (oscar@other.example, Other Corp) is a registered contact, a stranger to case 1.
- Mario (mario@home.example, no organization) had case 2, merged into his case 3.
"""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import merging
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.mail import mailboxes
from casedesk.store.db import Database
from casedesk.store.models import (
    Contact,
    ContactEmail,
    Organization,
    OrganizationDomain,
    OutboundMail,
)
from tests.factories import World, make_case, make_world

KNOWN_MESSAGE_ID = "<c1.notice.1@acme.example>"


@dataclass
class MailWorld:
    base: World
    carol: int
    oscar: int
    mario: int
    customer_org: int
    printer_case: int
    merged_case: int
    merge_target: int

    @property
    def corporation_id(self) -> int:
        return self.base.corporation_id


def _contact(db: Database, corp: int, first: str, last: str, email: str, org: int | None) -> int:
    with db.write() as s:
        contact = Contact(
            corporation_id=corp, organization_id=org, first_name=first, last_name=last
        )
        s.add(contact)
        s.flush()
        s.add(
            ContactEmail(corporation_id=corp, contact_id=contact.id, email=email, is_primary=True)
        )
        return contact.id


def make_mail_world(db: Database) -> MailWorld:
    base = make_world(db)
    corp = base.corporation_id
    with db.write() as s:
        customer = Organization(corporation_id=corp, name="Customer Ltd")
        other = Organization(corporation_id=corp, name="Other Corp")
        s.add_all([customer, other])
        s.flush()
        s.add(
            OrganizationDomain(
                corporation_id=corp, organization_id=customer.id, domain="customer.example"
            )
        )
        customer_id, other_id = customer.id, other.id
    carol = _contact(db, corp, "Carol", "Client", "carol@customer.example", customer_id)
    oscar = _contact(db, corp, "Oscar", "Other", "oscar@other.example", other_id)
    mario = _contact(db, corp, "Mario", "Rossi", "mario@home.example", None)
    admin = base.admin
    printer = make_case(
        db, admin, title="Network printer offline", contact_id=carol, organization_id=customer_id
    )
    cases.update_case(db, admin.principal, printer.id, CasePatch(status=InternalStatus.CLOSED))
    with db.write() as s:
        s.add(
            OutboundMail(
                corporation_id=corp,
                outbox_id=0,
                case_id=printer.id,
                recipient="carol@customer.example",
                template="case_created_contact",
                subject="We have received your request [TCK-1]",
                message_id=KNOWN_MESSAGE_ID,
                state="sent",
            )
        )
    merged = make_case(db, admin, title="Email on phone", contact_id=mario)
    target = make_case(db, admin, title="Phone setup", contact_id=mario)
    merging.merge_case(db, admin.principal, merged.id, target.id)
    mailboxes.set_mail_settings(
        db, corp, from_address="support@acme.example", from_name="Acme Support"
    )
    return MailWorld(base, carol, oscar, mario, customer_id, printer.id, merged.id, target.id)
