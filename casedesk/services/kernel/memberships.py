"""Which organizations a contact belongs to, and which of them a case may be for.

A contact belongs to any number of organizations (``ContactOrganization``); the
primary one (``Contact.organization_id``) is always among them. A case is for one
organization (``Case.organization_id``): by default its contact's primary one, and
only ever one of its contact's organizations when the contact belongs to any (a
contact in none leaves the case's organization free, as before memberships). Every
face that opens or changes a case goes through ``case_organization``, so a value
outside the contact's organizations is refused the same way everywhere.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Principal
from casedesk.store.models import Case, CaseMember, Contact, ContactOrganization


def organizations_of(s: Session, contact_id: int) -> list[int]:
    """The contact's organizations, the primary first, then in the order they joined."""
    primary = s.scalar(select(Contact.organization_id).where(Contact.id == contact_id))
    others = s.scalars(
        select(ContactOrganization.organization_id)
        .where(ContactOrganization.contact_id == contact_id)
        .order_by(ContactOrganization.id)
    ).all()
    found = [primary] if primary is not None else []
    return list(dict.fromkeys([*found, *others]))


def organizations_of_many(s: Session, contact_ids: list[int]) -> dict[int, list[int]]:
    """``organizations_of`` for many contacts in two queries."""
    out: dict[int, list[int]] = {c: [] for c in contact_ids}
    if not contact_ids:
        return out
    for cid, primary in s.execute(
        select(Contact.id, Contact.organization_id).where(Contact.id.in_(contact_ids))
    ):
        if primary is not None:
            out[cid].append(primary)
    for cid, oid in s.execute(
        select(ContactOrganization.contact_id, ContactOrganization.organization_id)
        .where(ContactOrganization.contact_id.in_(contact_ids))
        .order_by(ContactOrganization.id)
    ):
        if oid not in out[cid]:
            out[cid].append(oid)
    return out


def case_organization(
    s: Session, contact_id: int | None, organization_id: int | None, *, chosen: bool
) -> int | None:
    """The organization a case of ``contact_id`` is for.

    ``organization_id`` is the value asked for (``chosen``: the caller named it, even as
    null) or the case's current one. Not chosen and not among the contact's
    organizations, the case follows the contact to their primary organization; chosen
    and outside them, ValidationFailed naming the field."""
    if contact_id is None:
        return organization_id
    allowed = organizations_of(s, contact_id)
    if not allowed:
        return organization_id
    if organization_id in allowed:
        return organization_id
    if not chosen:
        return allowed[0]
    if organization_id is None:
        return allowed[0]
    raise ValidationFailed(
        f"organization_id {organization_id} is not one of contact {contact_id}'s "
        f"organizations ({', '.join(str(o) for o in allowed)})",
        field="organization_id",
    )


def active_contact(s: Session, case_id: int) -> int | None:
    """The case's contact now (its active contact member), if it has one."""
    return s.scalar(
        select(CaseMember.contact_id).where(
            CaseMember.case_id == case_id,
            CaseMember.role == int(MemberRole.CONTACT),
            CaseMember.end_at.is_(None),
        )
    )


def organization_after(
    s: Session,
    principal: Principal,
    case: Case,
    contact: tuple[bool, int | None],
    organization: tuple[bool, int | None],
) -> int | None:
    """The organization of ``case`` after a change of its contact and/or organization
    (each ``(sent, value)``): ``case_organization`` for the contact it will have, and
    never one outside an organization-limited caller's organization."""
    contact_id = contact[1] if contact[0] else active_contact(s, case.id)
    wanted = organization[1] if organization[0] else case.organization_id
    found = case_organization(s, contact_id, wanted, chosen=organization[0])
    limit = principal.organization_id
    if limit is not None and found != limit:
        raise ValidationFailed(
            f"this caller works only on cases of organization {limit}", field="organization_id"
        )
    return found
