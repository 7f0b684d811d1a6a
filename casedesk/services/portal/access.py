"""Which cases a customer contact may see in the portal, as one query filter.

A contact sees the cases they are the active contact of and, when their contact record
says so (``sees_organization_cases``), every case of each organization they belong to
(the case's organization decides, not the contact's primary one). Every portal
read and write starts from ``readable_cases`` or ``load_case`` here, so a case outside
that set answers NotFound exactly like a case that does not exist.

Writes go through the same use-cases as every other face (``open_case_in``,
``add_message_in``, attachments). They act as the portal's own account: an admin that
cannot sign in (no password, inactive), one per corporation, made on first use, like
the email channel's. The contact is recorded as the case's contact and the author of
their messages.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, CompoundSelect, Select, exists, or_, select, union
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import ContactCaller, Principal
from casedesk.services.identity.channel_accounts import channel_account
from casedesk.services.kernel.access import not_found
from casedesk.store.models import Case, CaseMember, Contact, ContactOrganization


def _visible(caller: ContactCaller) -> ColumnElement[bool]:
    is_contact = exists().where(
        CaseMember.case_id == Case.id,
        CaseMember.role == int(MemberRole.CONTACT),
        CaseMember.contact_id == caller.contact_id,
        CaseMember.end_at.is_(None),
    )
    if caller.sees_organization:
        return or_(is_contact, Case.organization_id.in_(_organizations(caller.contact_id)))
    return is_contact


def _organizations(contact_id: int) -> CompoundSelect[tuple[int | None]]:
    """The contact's organizations as the database holds them now (their memberships
    and their primary one), so a membership added or removed counts at once."""
    return union(
        select(ContactOrganization.organization_id).where(
            ContactOrganization.contact_id == contact_id
        ),
        select(Contact.organization_id).where(Contact.id == contact_id),
    )


def readable_cases(caller: ContactCaller) -> Select[Case]:
    """SELECT of the cases ``caller`` may see."""
    return select(Case).where(Case.corporation_id == caller.corporation_id, _visible(caller))


def load_case(s: Session, caller: ContactCaller, case_id: int, *, for_update: bool = False) -> Case:
    """The case if the contact may see it, else NotFound (the same as a missing case)."""
    stmt = readable_cases(caller).where(Case.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    case = s.scalars(stmt).one_or_none()
    if case is None:
        raise not_found(case_id)
    return case


def portal_principal(s: Session, corporation_id: int) -> Principal:
    """The account portal writes act as (see the module docstring)."""
    return channel_account(s, corporation_id, "portal", "Customer portal")
