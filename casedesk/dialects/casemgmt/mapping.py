"""Case Management API 2.0 ↔ the case services' schemas.

A case number is the case id written with eight digits; an order number (14 or more
characters) is the case's primary reference (``primaryId``). Contacts given as
registered users are the corporation's contacts of that full name; details and
contacts who are not registered are kept in an internal note on the case.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from casedesk.dialects.casemgmt import wire
from casedesk.domain.public_status import ENDED
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases.public_status import PublicView
from casedesk.services.cases.schemas import CaseCreate, CaseOut, MessageCreate
from casedesk.services.reference.contacts import ContactOut

CASE_NUMBER_DIGITS = 8


def case_number(case_id: int) -> str:
    return f"{case_id:0{CASE_NUMBER_DIGITS}d}"


def parse_case_number(value: str) -> int | None:
    """The case id of an eight-digit case number; None for anything else."""
    if len(value) == CASE_NUMBER_DIGITS and value.isascii() and value.isdigit():
        return int(value) or None
    return None


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


def to_response(
    case: CaseOut,
    view: PublicView,
    contact: ContactOut | None,
    organization: tuple[int, str] | None,
    category: str | None,
) -> wire.CaseResponse:
    open_ = InternalStatus(case.status) not in ENDED
    contacts = []
    if contact is not None:
        details = [wire.ContactDetail(type="EMAIL", value=e) for e in contact.emails]
        details += [wire.ContactDetail(type="PHONE", value=p.number) for p in contact.phones]
        contacts.append(
            wire.ContactResponse(
                firstName=contact.first_name,
                lastName=contact.last_name,
                type="NOTIFICATION",
                details=details,
            )
        )
    return wire.CaseResponse(
        id=case_number(case.id),
        accountNumber=f"{organization[0]:06d}" if organization else None,
        accountName=organization[1] if organization else None,
        customerReferenceId=case.customer_reference,
        channel="PORTAL" if case.origin in ("portal", "web") else "OFFLINE",
        orderId=case.primary_reference,
        status=view.status.value,
        contacts=contacts,
        createdDateTime=stamp(case.created_at),
        otherDetails=wire.OtherDetails(
            category=category,
            description=case.description,
            updatedDateTime=stamp(case.updated_at),
            updatedByFullName=None,
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
