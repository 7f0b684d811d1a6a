"""ITFlow tickets ↔ the case services' schemas. A client is an organization, a contact
a contact, an asset an asset; the prefix and number are the corporation's case
reference; statuses follow ``domain.work_status``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from casedesk.dialects.itflow import wire
from casedesk.domain.work_status import internal_of, work_status_of
from casedesk.services.cases.schemas import CaseCreate, CaseOut, CasePatch


def to_create(data: wire.TicketCreate, priority_id: int | None) -> CaseCreate:
    return CaseCreate(
        title=data.ticket_subject,
        description=data.ticket_details,
        priority_id=priority_id,
        contact_id=data.ticket_contact_id,
        asset_id=data.ticket_asset_id,
        organization_id=data.client_id,
    )


def to_patch(data: wire.TicketUpdate, priority_id: int | None) -> CasePatch:
    values: dict[str, Any] = {}
    if data.ticket_subject is not None:
        values["title"] = data.ticket_subject
    if data.ticket_details is not None:
        values["description"] = data.ticket_details
    if priority_id is not None:
        values["priority_id"] = priority_id
    if data.ticket_status is not None:
        values["status"] = int(internal_of(data.ticket_status))
    if data.ticket_assigned_to is not None:
        values["assignee_id"] = data.ticket_assigned_to or None
    return CasePatch.model_validate(values)


def _s(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def to_row(
    case: CaseOut, prefix: str, priority: str | None, category: str | None
) -> dict[str, Any]:
    values = {
        "ticket_id": case.id,
        "ticket_prefix": prefix,
        "ticket_number": case.number,
        "ticket_category": category,
        "ticket_subject": case.title,
        "ticket_details": case.description,
        "ticket_priority": priority,
        "ticket_status": work_status_of(case.status),
        "ticket_billable": 0,
        "ticket_schedule": None,
        "ticket_created_at": case.created_at,
        "ticket_updated_at": case.updated_at,
        "ticket_closed_at": case.closed_at,
        "ticket_created_by": case.creator_id,
        "ticket_assigned_to": case.assignee_id or 0,
        "ticket_contact_id": case.contact_id or 0,
        "ticket_client_id": case.organization_id or 0,
        "ticket_asset_id": case.asset_id or 0,
    }
    row: dict[str, Any] = {}
    for i, name in enumerate(wire.COLUMNS):
        row[str(i)] = row[name] = _s(values[name])
    return row
