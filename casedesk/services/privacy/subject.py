"""The contact a request is about: who they are and which cases concern them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Forbidden, NotFound
from casedesk.domain.permissions import Principal
from casedesk.services.reference.common import get_row
from casedesk.store.models import (
    CaseMember,
    CaseMessage,
    CaseSecondaryContact,
    Contact,
    ContactEmail,
    ContactPhone,
)


@dataclass(frozen=True, slots=True)
class Subject:
    contact_id: int
    corporation_id: int
    #: The full name, searched for everywhere.
    names: tuple[str, ...]
    #: First and last name alone: searched for only in records about the contact,
    #: since elsewhere they would match other people's names and words.
    name_parts: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    #: Every case the contact is or was a contact of, or wrote on.
    case_ids: tuple[int, ...]

    @property
    def needles(self) -> tuple[str, ...]:
        return self.names + self.emails + self.phones

    @property
    def placeholder(self) -> str:
        return placeholder(self.contact_id)


def placeholder(contact_id: int) -> str:
    return f"anonymised contact {contact_id}"


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("only an admin may act on a contact's personal data")


def corporation_of_contact(s: Session, contact_id: int) -> int:
    """The corporation of a contact named at the command line; 404 when none."""
    corporation_id = s.scalar(select(Contact.corporation_id).where(Contact.id == contact_id))
    if corporation_id is None:
        raise NotFound(f"contact {contact_id} not found")
    return corporation_id


def load_subject(s: Session, corporation_id: int, contact_id: int) -> Subject:
    """The contact and their identifiers; 404 when not of the corporation."""
    contact = get_row(s, Contact, contact_id, corporation_id, "contact")
    full = f"{contact.first_name} {contact.last_name}".strip()
    names = (full,) if full else ()
    parts = tuple(n for n in (contact.first_name, contact.last_name) if n)
    emails = tuple(
        s.scalars(select(ContactEmail.email).where(ContactEmail.contact_id == contact_id))
    )
    phones = tuple(
        s.scalars(select(ContactPhone.number).where(ContactPhone.contact_id == contact_id))
    )
    return Subject(
        contact_id, corporation_id, names, parts, emails, phones, case_ids(s, contact_id)
    )


def case_ids(s: Session, contact_id: int) -> tuple[int, ...]:
    ids = set(s.scalars(select(CaseMember.case_id).where(CaseMember.contact_id == contact_id)))
    ids |= set(
        s.scalars(
            select(CaseSecondaryContact.case_id).where(
                CaseSecondaryContact.contact_id == contact_id
            )
        )
    )
    ids |= set(
        s.scalars(select(CaseMessage.case_id).where(CaseMessage.author_contact_id == contact_id))
    )
    return tuple(sorted(ids))


def sole_cases(s: Session, contact_id: int, candidates: tuple[int, ...]) -> tuple[int, ...]:
    """Of ``candidates``, the cases no other contact is or was part of."""
    others = set(
        s.scalars(
            select(CaseMember.case_id).where(
                CaseMember.case_id.in_(candidates),
                CaseMember.contact_id.is_not(None),
                CaseMember.contact_id != contact_id,
            )
        )
    )
    others |= set(
        s.scalars(
            select(CaseSecondaryContact.case_id).where(
                CaseSecondaryContact.case_id.in_(candidates),
                CaseSecondaryContact.contact_id != contact_id,
            )
        )
    )
    others |= set(
        s.scalars(
            select(CaseMessage.case_id).where(
                CaseMessage.case_id.in_(candidates),
                CaseMessage.author_contact_id.is_not(None),
                CaseMessage.author_contact_id != contact_id,
            )
        )
    )
    return tuple(c for c in candidates if c not in others)
