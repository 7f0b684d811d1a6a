"""Customer contacts: who a case is for. A contact has any number of email addresses
(the first is the primary one) and phone numbers. An email address identifies one
contact within a corporation, which is how the email channel finds the sender."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.identity import preferences
from casedesk.services.identity.auth import hash_password
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference import contact_organizations as memberships
from casedesk.services.reference import contact_parts
from casedesk.services.reference.common import (
    Id,
    In,
    Out,
    Text100,
    Text200,
    created,
    deleted,
    ensure_unused,
    flush,
    get_row,
    no_nul,
    present,
    require_manager,
    snapshot,
)
from casedesk.services.reference.contact_organizations import OrganizationIds
from casedesk.store.db import Database
from casedesk.store.models import (
    Contact,
    ContactEmail,
    ContactOrganization,
    ContactPhone,
    Organization,
)

_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "location",
    "department",
    "language",
    "sees_organization_cases",
    "organization_id",
)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def email_address(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


EmailAddress = Annotated[
    str, StringConstraints(min_length=3, max_length=320), AfterValidator(email_address)
]


class Phone(In):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    kind: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = (
        "work"
    )


class PhoneOut(BaseModel):
    number: str
    kind: str


Emails = Annotated[list[EmailAddress], Field(max_length=20, description="The first is primary.")]
Phones = Annotated[list[Phone], Field(max_length=20)]
PortalPassword = Annotated[
    str,
    StringConstraints(min_length=8, max_length=1000),
    Field(
        description="Write-only: the password the contact signs in to the portal with; "
        "null removes it (they can still sign in by an emailed link)."
    ),
]


def known_language(value: str) -> str:
    if value not in preferences.LANGUAGES:
        raise ValueError(f"unknown language {value!r}; one of {', '.join(preferences.LANGUAGES)}")
    return value


Language = Annotated[
    str,
    AfterValidator(known_language),
    Field(
        description="The language mail to the contact and their portal pages are in "
        "(a tag such as en or de); null: the browser's, else English."
    ),
]
SeesOrganization = Annotated[
    bool,
    Field(description="In the portal, see every case of each of the contact's organizations."),
]


class ContactOut(Out):
    id: int
    first_name: str
    last_name: str
    title: str
    location: str
    department: str
    language: str | None = None
    organization_id: int | None = Field(description="The primary organization.")
    organization_ids: list[int] = Field(
        description="Every organization the contact belongs to, the primary first."
    )
    sees_organization_cases: bool
    has_portal_password: bool
    emails: list[str]
    phones: list[PhoneOut]
    created_at: datetime


class ContactCreate(In):
    first_name: Text100 = ""
    last_name: Text100 = ""
    title: Text100 = ""
    location: Text200 = ""
    department: Text200 = ""
    language: Language | None = None
    organization_id: Id | None = None
    organization_ids: OrganizationIds | None = None
    sees_organization_cases: SeesOrganization = False
    portal_password: PortalPassword | None = None
    emails: Emails = Field(default_factory=list)
    phones: Phones = Field(default_factory=list)


class ContactPatch(In):
    first_name: Text100 | None = None
    last_name: Text100 | None = None
    title: Text100 | None = None
    location: Text200 | None = None
    department: Text200 | None = None
    language: Language | None = None
    organization_id: Id | None = None
    organization_ids: OrganizationIds | None = None
    sees_organization_cases: SeesOrganization | None = None
    portal_password: PortalPassword | None = None
    emails: Emails | None = Field(default=None, description="Replaces the list.")
    phones: Phones | None = Field(default=None, description="Replaces the list.")


def list_contacts(
    db: Database,
    principal: Principal,
    *,
    q: str | None = None,
    organization_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ContactOut]:
    """Contacts by name; ``q`` matches a part of the name, of an email address, of a
    phone number or of the organization's name (what a caller on the phone gives)."""
    q = no_nul(q)
    with db.read() as s:
        stmt = select(Contact).where(Contact.corporation_id == principal.corporation_id)
        if organization_id is not None:
            stmt = stmt.where(
                or_(
                    Contact.organization_id == organization_id,
                    Contact.id.in_(_members_of([organization_id])),
                )
            )
        if q:
            stmt = stmt.where(_matches(principal.corporation_id, q.strip().lower()))
        stmt = stmt.order_by(Contact.last_name, Contact.first_name, Contact.id)
        return _out(s, s.scalars(stmt.limit(limit).offset(offset)).all())


def _matches(corporation_id: int, needle: str) -> ColumnElement[bool]:
    by_email = select(ContactEmail.contact_id).where(
        ContactEmail.corporation_id == corporation_id,
        ContactEmail.email.contains(needle, autoescape=True),
    )
    by_phone = select(ContactPhone.contact_id).where(
        ContactPhone.number.contains(needle, autoescape=True)
    )
    by_organization = select(Organization.id).where(
        Organization.corporation_id == corporation_id,
        func.lower(Organization.name).contains(needle, autoescape=True),
    )
    return or_(
        func.lower(Contact.first_name + " " + Contact.last_name).contains(needle, autoescape=True),
        Contact.id.in_(by_email),
        Contact.id.in_(by_phone),
        Contact.organization_id.in_(by_organization),
        Contact.id.in_(_members_of(by_organization)),
    )


def _members_of(organizations: Any) -> Any:
    """The contacts that belong to one of ``organizations`` (ids or a SELECT of them)."""
    return select(ContactOrganization.contact_id).where(
        ContactOrganization.organization_id.in_(organizations)
    )


def get_contact(db: Database, principal: Principal, contact_id: int) -> ContactOut:
    with db.read() as s:
        return _out(s, [get_row(s, Contact, contact_id, principal.corporation_id, "contact")])[0]


def contact_names(db: Database, principal: Principal, ids: set[int]) -> dict[int, str]:
    """Display names of the corporation's contacts among ``ids`` (name, else email)."""
    if not ids:
        return {}
    with db.read() as s:
        rows = s.scalars(
            select(Contact).where(
                Contact.corporation_id == principal.corporation_id, Contact.id.in_(ids)
            )
        ).all()
        parts = contact_parts.parts(s, [c.id for c in rows])
    names = {}
    for c in rows:
        emails = parts[c.id]["emails"]
        names[c.id] = f"{c.first_name} {c.last_name}".strip() or (emails[0] if emails else "")
    return names


def create_contact(db: Database, principal: Principal, data: ContactCreate) -> ContactOut:
    require_manager(principal)
    with db.write() as s:
        return create_contact_in(s, principal, data)


def create_contact_in(s: Session, principal: Principal, data: ContactCreate) -> ContactOut:
    """``create_contact`` in the caller's transaction, whose use-case has checked the
    caller's right to add a contact (a case opened for someone new adds them)."""
    corp = principal.corporation_id
    values = data.model_dump(include=set(_FIELDS))
    _require_identity(values, data.emails)
    if data.organization_id is not None:
        require_ref(s, Organization, data.organization_id, corp, "organization_id")
    sent = {"organization_id": data.organization_id, "organization_ids": data.organization_ids}
    values["organization_id"], organization_ids = memberships.settle(
        {"organization_id": None, "organization_ids": []}, sent
    )
    memberships.require_organizations(s, corp, organization_ids)
    row = Contact(corporation_id=corp, **values)
    row.password_hash = hash_password(data.portal_password) if data.portal_password else None
    s.add(row)
    flush(s, "the contact could not be stored")
    parts = contact_parts.set_parts(s, row, data.emails, [p.model_dump() for p in data.phones])
    memberships.replace(s, row, organization_ids)
    parts["organization_ids"] = organization_ids
    audit.record(
        s,
        principal,
        corp,
        "contact.created",
        "contact",
        row.id,
        changes=created(values | parts) | _password_change(None, row.password_hash),
    )
    return _out(s, [row])[0]


def update_contact(
    db: Database, principal: Principal, contact_id: int, patch: ContactPatch
) -> ContactOut:
    nullable = ("organization_id", "language")
    not_null = (*(f for f in _FIELDS if f not in nullable), "emails", "phones", "organization_ids")
    values = present(patch, not_null)
    password_sent = "portal_password" in values
    values.pop("portal_password", None)
    if "phones" in values:
        values["phones"] = [p.model_dump() for p in patch.phones or []]
    if "emails" in values:
        values["emails"] = list(dict.fromkeys(values["emails"]))
    with db.write() as s:
        row = get_row(s, Contact, contact_id, principal.corporation_id, "contact")
        require_manager(principal)
        before = snapshot(row, _FIELDS) | contact_parts.parts(s, [row.id]).get(
            row.id, contact_parts.no_parts()
        )
        after = before | values
        after["organization_id"], after["organization_ids"] = memberships.settle(before, values)
        old_hash = row.password_hash
        if password_sent:
            row.password_hash = (
                hash_password(patch.portal_password) if patch.portal_password else None
            )
        password = _password_change(old_hash, row.password_hash) if password_sent else {}
        if after == before and not password:
            return _out(s, [row])[0]
        _require_identity(after, after["emails"])
        if values.get("organization_id") is not None:
            require_ref(
                s, Organization, values["organization_id"], row.corporation_id, "organization_id"
            )
        memberships.require_organizations(s, row.corporation_id, after["organization_ids"])
        for name in _FIELDS:
            setattr(row, name, after[name])
        contact_parts.set_parts(s, row, after["emails"], after["phones"])
        memberships.replace(s, row, after["organization_ids"])
        audit.record(
            s,
            principal,
            row.corporation_id,
            "contact.updated",
            "contact",
            row.id,
            changes=audit.diff(before, after) | password,
        )
        return _out(s, [row])[0]


def delete_contact(db: Database, principal: Principal, contact_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Contact, contact_id, principal.corporation_id, "contact")
        require_manager(principal)
        ensure_unused(
            s,
            Contact,
            row.id,
            "contact",
            owned=frozenset({"contact_emails", "contact_phones", "contact_organizations"}),
        )
        before = snapshot(row, _FIELDS) | contact_parts.parts(s, [row.id]).get(
            row.id, contact_parts.no_parts()
        )
        s.execute(delete(ContactEmail).where(ContactEmail.contact_id == row.id))
        s.execute(delete(ContactPhone).where(ContactPhone.contact_id == row.id))
        s.execute(delete(ContactOrganization).where(ContactOrganization.contact_id == row.id))
        s.delete(row)
        flush(s, f"contact {contact_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "contact.deleted",
            "contact",
            contact_id,
            changes=deleted(before),
        )


def _password_change(old_hash: str | None, new_hash: str | None) -> audit.Changes:
    """The audit entry of a portal password: whether one is set, never the hash."""
    if old_hash == new_hash:
        return {}
    return {"portal_password": {"from": old_hash is not None, "to": new_hash is not None}}


def _require_identity(values: dict[str, Any], emails: list[str]) -> None:
    if not (values["first_name"] or values["last_name"] or emails):
        raise ValidationFailed("a contact needs a name or an email address", field="last_name")


def _out(s: Session, rows: Sequence[Contact]) -> list[ContactOut]:
    parts = contact_parts.parts(s, [r.id for r in rows])
    return [
        ContactOut(
            **snapshot(r, _FIELDS),
            id=r.id,
            has_portal_password=r.password_hash is not None,
            created_at=r.created_at,
            emails=parts[r.id]["emails"],
            organization_ids=parts[r.id]["organization_ids"],
            phones=[PhoneOut(**p) for p in parts[r.id]["phones"]],
        )
        for r in rows
    ]
