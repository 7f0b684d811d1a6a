"""The organizations a contact belongs to, as the contact use-cases write them.

A contact's ``organization_ids`` are all of their organizations, the primary one
(``organization_id``) first. A caller may send either or both:

- ``organization_ids`` alone replaces the memberships; the primary stays if it is
  still among them, else the first becomes primary (none: no organization);
- ``organization_id`` alone replaces the primary: the old primary's membership goes,
  the new one's comes first, the other memberships stay (so the faces that know one
  organization per contact keep meaning what they say); null leaves the next
  membership, if any, as the primary;
- both: the memberships are ``organization_ids`` with ``organization_id`` first.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.services.kernel.memberships import organizations_of_many
from casedesk.services.reference.common import Id
from casedesk.store.models import Contact, ContactOrganization, Organization

OrganizationIds = Annotated[
    list[Id],
    Field(
        max_length=50,
        description="Every organization the contact belongs to, the primary "
        "(organization_id) first. Sent, it replaces the memberships.",
    ),
]


def settle(before: dict[str, Any], values: dict[str, Any]) -> tuple[int | None, list[int]]:
    """The primary and the memberships after a change (module docstring). ``before``
    holds ``organization_id`` and ``organization_ids``; ``values`` what was sent."""
    ids: list[int] = list(before["organization_ids"])
    primary: int | None = before["organization_id"]
    sent_ids = values.get("organization_ids")
    if sent_ids is not None:
        ids = list(dict.fromkeys(sent_ids))
        if "organization_id" in values:
            primary = values["organization_id"]
        elif primary not in ids:
            primary = None
    elif "organization_id" in values:
        ids = [i for i in ids if i != primary]
        primary = values["organization_id"]
    if primary is not None:
        ids = [primary, *(i for i in ids if i != primary)]
    return (ids[0] if ids else None), ids


def require_organizations(s: Session, corporation_id: int, ids: list[int]) -> None:
    """ValidationFailed naming the first id that is no organization of the corporation."""
    if not ids:
        return
    known = set(
        s.scalars(
            select(Organization.id).where(
                Organization.corporation_id == corporation_id, Organization.id.in_(ids)
            )
        )
    )
    for oid in ids:
        if oid not in known:
            raise ValidationFailed(f"organization {oid} does not exist", field="organization_ids")


def replace(s: Session, contact: Contact, ids: list[int]) -> None:
    """Make the contact's memberships exactly ``ids`` (checked by the caller), keeping
    the rows of those that stay (their order is the order they joined)."""
    have = organizations_of_many(s, [contact.id])[contact.id]
    stale = [i for i in have if i not in ids]
    if stale:
        s.execute(
            delete(ContactOrganization).where(
                ContactOrganization.contact_id == contact.id,
                ContactOrganization.organization_id.in_(stale),
            )
        )
    present = set(
        s.scalars(
            select(ContactOrganization.organization_id).where(
                ContactOrganization.contact_id == contact.id
            )
        )
    )
    for oid in ids:
        if oid not in present:
            s.add(
                ContactOrganization(
                    corporation_id=contact.corporation_id,
                    contact_id=contact.id,
                    organization_id=oid,
                )
            )
    s.flush()
