"""Merging a duplicate contact into the one that stays.

The same person often exists twice (a phone call logged under a new contact, then a
mail from a second address). Merging moves everything of the duplicate to the contact
that stays: case memberships (history kept, rows re-pointed), further-contact entries,
organization memberships (the staying contact belongs to the organizations of both),
authorship of messages, email addresses and phone numbers; fields the staying contact
leaves empty are taken from the duplicate; the duplicate is then deleted (with its
portal sessions and sign-in links). One transaction, one audit record on each contact
and one on each case whose contact changed, with a ``case.updated`` event for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, Result, delete, select, update
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.case_state import touch
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.memberships import organizations_of_many
from casedesk.services.reference import contact_organizations
from casedesk.services.reference.common import get_row
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMember,
    CaseMessage,
    CaseSecondaryContact,
    Contact,
    ContactEmail,
    ContactOrganization,
    ContactPhone,
)

#: Fields copied from the duplicate where the staying contact has none.
_FILLED = ("first_name", "last_name", "title", "location", "department", "organization_id")


class ContactMergeOut(BaseModel):
    """What a merge moved to the staying contact."""

    contact_id: int
    merged_contact_id: int
    case_ids: list[int]
    emails: list[str]
    phones: int
    messages: int


def merge_contacts(
    db: Database,
    principal: Principal,
    duplicate_id: int,
    into_id: int,
    *,
    now: datetime | None = None,
) -> ContactMergeOut:
    """Merge contact ``duplicate_id`` into ``into_id``; the duplicate is gone after."""
    principal.require(Permission.MANAGE_REFERENCE)
    if duplicate_id == into_id:
        raise ValidationFailed("a contact cannot be merged into itself", field="into")
    now = now or utcnow()
    corp = principal.corporation_id
    with db.write() as s:
        duplicate = get_row(s, Contact, duplicate_id, corp, "contact")
        into = get_row(s, Contact, into_id, corp, "contact")
        filled = {
            name: {"from": getattr(into, name), "to": getattr(duplicate, name)}
            for name in _FILLED
            if getattr(into, name) in ("", None) and getattr(duplicate, name) not in ("", None)
        }
        for name, change in filled.items():
            setattr(into, name, change["to"])
        if into.password_hash is None and duplicate.password_hash is not None:
            into.password_hash = duplicate.password_hash
            filled["portal_password"] = {"from": False, "to": True}
        into.sees_organization_cases = into.sees_organization_cases or (
            duplicate.sees_organization_cases
        )
        # The staying contact belongs to every organization either belonged to.
        belongs = organizations_of_many(s, [into.id, duplicate.id])
        union = list(dict.fromkeys([*belongs[into.id], *belongs[duplicate.id]]))
        if union != belongs[into.id]:
            filled["organization_ids"] = {"from": belongs[into.id], "to": union}
        s.execute(delete(ContactOrganization).where(ContactOrganization.contact_id == duplicate.id))
        into.organization_id = union[0] if union else None
        contact_organizations.replace(s, into, union)

        case_ids = sorted(
            set(
                s.scalars(
                    select(CaseMember.case_id).where(CaseMember.contact_id == duplicate.id)
                ).all()
            )
        )
        _move_memberships(s, duplicate.id, into.id, now)
        _move_secondary(s, duplicate.id, into.id)
        moved_messages = _count(
            s.execute(
                update(CaseMessage)
                .where(CaseMessage.author_contact_id == duplicate.id)
                .values(author_contact_id=into.id)
            )
        )
        emails = list(
            s.scalars(
                select(ContactEmail.email)
                .where(ContactEmail.contact_id == duplicate.id)
                .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
            ).all()
        )
        has_primary = s.scalar(
            select(ContactEmail.id).where(
                ContactEmail.contact_id == into.id, ContactEmail.is_primary.is_(True)
            )
        )
        s.execute(
            update(ContactEmail)
            .where(ContactEmail.contact_id == duplicate.id)
            .values(contact_id=into.id, is_primary=False)
        )
        if has_primary is None and emails:
            s.execute(
                update(ContactEmail)
                .where(ContactEmail.contact_id == into.id, ContactEmail.email == emails[0])
                .values(is_primary=True)
            )
        phones = _count(
            s.execute(
                update(ContactPhone)
                .where(ContactPhone.contact_id == duplicate.id)
                .values(contact_id=into.id)
            )
        )
        s.flush()
        s.delete(duplicate)
        s.flush()

        for case in s.scalars(select(Case).where(Case.id.in_(case_ids))).all():
            touch(case, now)
            change = {"contact_id": {"from": duplicate_id, "to": into_id}}
            audit.record(
                s,
                principal,
                corp,
                "case.contact_merged",
                "case",
                case.id,
                case_id=case.id,
                changes=change,
                at=now,
            )
            audit.emit(s, corp, "case.updated", {"case_id": case.id, "fields": ["contact_id"]})
        merged = {"merged_contact_id": {"from": None, "to": duplicate_id}}
        audit.record(
            s,
            principal,
            corp,
            "contact.merged",
            "contact",
            into_id,
            changes=merged | filled | {"emails": {"from": None, "to": emails}},
            at=now,
        )
        audit.record(
            s,
            principal,
            corp,
            "contact.merged_away",
            "contact",
            duplicate_id,
            changes={"merged_into_id": {"from": None, "to": into_id}},
            at=now,
        )
        return ContactMergeOut(
            contact_id=into_id,
            merged_contact_id=duplicate_id,
            case_ids=case_ids,
            emails=emails,
            phones=phones,
            messages=moved_messages,
        )


def _count(result: Result[Any]) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


def _move_memberships(s: Session, duplicate_id: int, into_id: int, now: datetime) -> None:
    """Re-point the duplicate's memberships; where the staying contact already holds
    the same active role on a case, the duplicate's row is ended instead of doubled."""
    rows = s.scalars(select(CaseMember).where(CaseMember.contact_id == duplicate_id)).all()
    for row in rows:
        if row.end_at is None:
            held = s.scalar(
                select(CaseMember.id).where(
                    CaseMember.case_id == row.case_id,
                    CaseMember.role == row.role,
                    CaseMember.contact_id == into_id,
                    CaseMember.end_at.is_(None),
                )
            )
            if held is not None:
                row.end_at = now
        row.contact_id = into_id
    s.flush()


def _move_secondary(s: Session, duplicate_id: int, into_id: int) -> None:
    taken = set(
        s.scalars(
            select(CaseSecondaryContact.case_id).where(CaseSecondaryContact.contact_id == into_id)
        ).all()
    )
    if taken:
        s.execute(
            delete(CaseSecondaryContact).where(
                CaseSecondaryContact.contact_id == duplicate_id,
                CaseSecondaryContact.case_id.in_(taken),
            )
        )
    s.execute(
        update(CaseSecondaryContact)
        .where(CaseSecondaryContact.contact_id == duplicate_id)
        .values(contact_id=into_id)
    )
