"""ITFlow's ticket API wire format (seed 002): every answer is ``success``, ``count``
and ``data``, each row carrying its values as strings under both a position and a name,
in the order of ITFlow's tickets table."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from casedesk.domain.itflow_priority import level_of_name

#: Column order of a ticket row (the seed shows the first five).
COLUMNS = (
    "ticket_id",
    "ticket_prefix",
    "ticket_number",
    "ticket_category",
    "ticket_subject",
    "ticket_details",
    "ticket_priority",
    "ticket_status",
    "ticket_billable",
    "ticket_schedule",
    "ticket_created_at",
    "ticket_updated_at",
    "ticket_closed_at",
    "ticket_created_by",
    "ticket_assigned_to",
    "ticket_contact_id",
    "ticket_client_id",
    "ticket_asset_id",
)


def _priority(value: str) -> str:
    level = level_of_name(value)
    if level is None:
        raise ValueError("must be Low, Medium (or med) or High")
    return level


#: The seed's "Priority (low/med/high)": any case of the three, and ``med``; read
#: back as Low, Medium, High.
Priority = Annotated[str, Field(max_length=20), AfterValidator(_priority)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketCreate(_In):
    api_key: str | None = None
    ticket_subject: Annotated[str, Field(min_length=1, max_length=500)]
    ticket_details: Annotated[str, Field(max_length=100_000)] = ""
    ticket_priority: Priority = "Low"
    ticket_contact_id: Annotated[int, Field(ge=1, le=2**53)] | None = None
    ticket_asset_id: Annotated[int, Field(ge=1, le=2**53)] | None = None
    client_id: Annotated[int, Field(ge=1, le=2**53)] | None = None


class TicketUpdate(_In):
    api_key: str | None = None
    ticket_id: Annotated[int, Field(ge=1, le=2**53)]
    ticket_subject: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    ticket_details: Annotated[str, Field(max_length=100_000)] | None = None
    ticket_priority: Priority | None = None
    ticket_status: str | None = None
    ticket_assigned_to: Annotated[int, Field(ge=0, le=2**53)] | None = None
    ticket_reply: Annotated[str, Field(min_length=1, max_length=100_000)] | None = None
    ticket_reply_type: Literal["Public", "Internal"] = "Public"


class TicketDelete(_In):
    api_key: str | None = None
    ticket_id: Annotated[int, Field(ge=1, le=2**53)]


def answer(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"success": "True", "count": len(rows), "data": rows}
