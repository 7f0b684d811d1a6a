"""Case Management API 2.0 ↔ the case services' schemas.

A case number is the case id written with eight digits. An order number (the seed's
OrderNumber, 14..100 characters) is the case's primary reference (``primaryId``) when
that has 14 or more characters, else ``1-`` and the case id in twelve digits. Contacts
are kept as sent (``services.cases.contact_entries``); the first registered user is the
case's contact. Details and unregistered contacts are also noted internally on the case.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from casedesk.dialects.casemgmt import wire
from casedesk.domain.public_status import ENDED
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases.contact_entries import Channel, ContactEntry
from casedesk.services.cases.public_status import PublicView
from casedesk.services.cases.schemas import CaseCreate, CaseOut, MessageCreate
from casedesk.services.reference.contacts import ContactOut

CASE_NUMBER_DIGITS = 8
#: The seed's OrderNumber: "[ 14 .. 100 ] characters".
ORDER_NUMBER_LENGTH = (14, 100)
_DERIVED_ORDER = re.compile(r"1-(\d{12,98})")
#: accountNumber ("[ 6 .. 100 ] characters") of a case without an organization: no
#: organization has id 0.
NO_ACCOUNT = "000000"


def case_number(case_id: int) -> str:
    return f"{case_id:0{CASE_NUMBER_DIGITS}d}"


def parse_case_number(value: str) -> int | None:
    """The case id of an eight-digit case number; None for anything else."""
    if len(value) == CASE_NUMBER_DIGITS and value.isascii() and value.isdigit():
        return int(value) or None
    return None


def order_number(case: CaseOut) -> str:
    """The case's order number, always 14..100 characters: its primary reference when
    that is long enough, else ``1-`` and the case id in twelve digits (the seed's
    ``1-204976070710`` form)."""
    ref = case.primary_reference
    low, high = ORDER_NUMBER_LENGTH
    if ref is not None and low <= len(ref) <= high:
        return ref
    return f"1-{case.id:012d}"


def parse_derived_order_number(value: str) -> int | None:
    """The case id of an order number derived by ``order_number``; None otherwise."""
    m = _DERIVED_ORDER.fullmatch(value)
    return int(m.group(1)) or None if m else None


def contact_entries(data: wire.CaseCreate) -> list[ContactEntry]:
    out = []
    for c in data.contacts:
        if isinstance(c, wire.ContactRequestRegisteredUser):
            out.append(ContactEntry(role=c.type, registered_users=c.registeredUsers))
        else:
            channels = [Channel(type=d.type, value=d.value) for d in c.details]
            out.append(
                ContactEntry(
                    role=c.type, first_name=c.firstName, last_name=c.lastName, channels=channels
                )
            )
    return out


def to_create(data: wire.CaseCreate, contact_id: int | None) -> CaseCreate:
    first_line = next((ln.strip() for ln in data.description.splitlines() if ln.strip()), "")
    return CaseCreate(
        title=(first_line or data.code)[:500],
        description=data.description,
        code=data.code,
        primary_reference=data.primaryId,
        secondary_reference=data.secondaryId,
        customer_reference=data.customerReferenceId,
        occurred_at=data.occurredDateTime,
        contact_id=contact_id,
    )


def intake_note(data: wire.CaseCreate) -> MessageCreate | None:
    """Details and unregistered contacts, kept as an internal note (JSON)."""
    others = [
        c.model_dump() for c in data.contacts if isinstance(c, wire.ContactRequestNonRegisteredUser)
    ]
    if data.details is None and not others:
        return None
    body = json.dumps({"details": data.details, "contacts": others}, ensure_ascii=False, indent=2)
    # Note types are the corporation's own vocabulary, so the note is marked in its text.
    return MessageCreate(visibility="internal", body_text=f"Intake:\n{body}")


def to_note(data: wire.CaseModify) -> MessageCreate:
    visibility = "internal" if data.visibility == "INTERNAL" else "external"
    return MessageCreate(visibility=visibility, body_text=data.text)


def stamp(value: datetime) -> str:
    """YYYY-MM-DDTHH:mm:ss.sssZ."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _contacts(
    entries: list[ContactEntry], contact: ContactOut | None
) -> list[wire.ContactResponse]:
    """The contacts as sent; a case opened elsewhere shows its contact for
    notifications, with its emails and phones."""
    if entries:
        out = []
        for e in entries:
            if e.registered_users:
                out.append(wire.ContactResponse(type=e.role, registeredUsers=e.registered_users))
            else:
                details = [c.model_dump() for c in e.channels]
                out.append(
                    wire.ContactResponse(
                        type=e.role, firstName=e.first_name, lastName=e.last_name, details=details
                    )
                )
        return out
    if contact is None:
        return []
    details = [{"type": "EMAIL", "value": e} for e in contact.emails]
    details += [{"type": "PHONE", "value": p.number} for p in contact.phones]
    return [
        wire.ContactResponse(
            type="NOTIFICATION",
            firstName=contact.first_name,
            lastName=contact.last_name,
            details=details,
        )
    ]


def to_response(
    case: CaseOut,
    view: PublicView,
    contact: ContactOut | None,
    organization: tuple[int, str] | None,
    category: str | None,
    entries: list[ContactEntry],
) -> wire.CaseResponse:
    """Every field of the seed's answer, each within its bounds; "none" is ``""`` or
    ``[]`` as the seed writes it (``NO_ACCOUNT`` for the length-bounded account)."""
    open_ = InternalStatus(case.status) not in ENDED
    return wire.CaseResponse(
        id=case_number(case.id),
        accountNumber=f"{organization[0]:06d}" if organization else NO_ACCOUNT,
        accountName=organization[1] if organization else "",
        customerReferenceId=case.customer_reference or "",
        channel="PORTAL" if case.origin in ("portal", "web") else "OFFLINE",
        orderId=order_number(case),
        location=wire.Location(ibx=[]),
        status=view.status.value,
        contacts=_contacts(entries, contact),
        createdDateTime=stamp(case.created_at),
        otherDetails=wire.OtherDetails(
            contactUCMID=str(case.contact_id) if case.contact_id else "",
            recordType="",
            subChannel=case.origin or "",
            finalScheduledDate=stamp(case.deadline_at) if case.deadline_at else "",
            category=category or "",
            subCategory="",
            description=case.description,
            updatedDateTime=stamp(case.updated_at),
            updatedByFullName="",
            requestedTerminationDate="",
            purchaseOrders=[],
            products=[],
            productOfferingCodes=[],
            details=[],
            additionalInfo=[],
            statusHistory=[
                wire.StatusHistoryItem(status=e.status.value, createdDate=stamp(e.at))
                for e in view.history
            ],
            modifiable=open_,
            cancellable=open_,
            reOpen=False,
            respond=open_,
        ),
    )
