"""Input and output shapes of the case use-cases.

The native API uses these directly as its wire schemas; dialects map their own wire
formats onto them. Unknown fields are refused and server-owned fields are not in the
input models at all, so they cannot be written.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from casedesk.services.reference.common import Id as Id
from casedesk.services.reference.common import Instant as Instant
from casedesk.services.reference.common import iso_only as iso_only

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, Field(max_length=100_000)]
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CustomValue = str | float | int | bool | date | None
Origin = Literal["api", "email", "portal", "phone", "web", "chat", "import", "scheduled"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseFields(_In):
    """Fields a caller may set, shared by create and update."""

    description: Text | None = None
    status: Annotated[int, Field(ge=1, le=8)] | None = Field(
        default=None, description="Internal status 1..8; takes precedence over status_id."
    )
    status_id: Id | None = None
    priority_id: Id | None = None
    category_id: Id | None = None
    queue_id: Id | None = None
    group_id: Id | None = None
    organization_id: Id | None = None
    asset_id: Id | None = None
    contact_id: Id | None = None
    assignee_id: Id | None = None
    deadline_at: Instant | None = None
    on_hold_until: Instant | None = None
    on_hold_comment: Annotated[str, Field(max_length=2000)] | None = None
    primary_reference: Annotated[str, Field(max_length=100)] | None = None
    secondary_reference: Annotated[str, Field(max_length=100)] | None = None
    customer_reference: Annotated[str, Field(max_length=200)] | None = None
    occurred_at: Instant | None = None
    code: Annotated[str, Field(max_length=100)] | None = None
    parent_id: Id | None = None
    tags: Annotated[list[TagName], Field(max_length=50)] | None = None
    custom_fields: dict[Annotated[str, Field(max_length=64)], CustomValue] | None = None
    auto_assign: bool = Field(
        default=False,
        description="Assign by the category's rules (its strategy and agents); the case "
        "stays unassigned, and the history says why, when nobody can be picked. Not "
        "together with assignee_id.",
    )


class CaseCreate(CaseFields):
    title: Title
    origin: Origin = "api"
    from_address: Annotated[str, Field(max_length=320)] | None = None
    follower_ids: Annotated[list[Id], Field(max_length=50)] = Field(default_factory=list)


class CasePatch(CaseFields):
    """Partial update: only the fields present are applied; ``null`` clears a field."""

    title: Title | None = None
    follower_ids: Annotated[list[Id], Field(max_length=50)] | None = Field(
        default=None,
        description="The active followers wanted: others are ended (kept in the history), "
        "new ones start now.",
    )


class MemberOut(BaseModel):
    id: int
    role: int
    user_id: int | None
    contact_id: int | None
    start_at: datetime
    end_at: datetime | None
    active: bool


class CaseOut(BaseModel):
    id: int
    number: int
    reference: str
    title: str
    description: str
    status: int
    status_id: int
    last_open_status_id: int | None
    last_open_at: datetime | None
    priority_id: int
    category_id: int | None
    queue_id: int | None
    group_id: int
    organization_id: int | None
    asset_id: int | None
    contact_id: int | None
    assignee_id: int | None
    creator_id: int | None
    deadline_at: datetime | None
    on_hold_until: datetime | None
    on_hold_comment: str | None
    origin: str
    from_address: str | None
    primary_reference: str | None
    secondary_reference: str | None
    customer_reference: str | None
    occurred_at: datetime | None
    code: str | None
    merged_into_id: int | None
    parent_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    internal_updated_at: datetime | None
    external_updated_at: datetime | None
    first_response_at: datetime | None
    closed_at: datetime | None
    last_activity_at: datetime = Field(
        description="The latest message from the customer or an agent (or the opening)."
    )
    first_response_due_at: datetime | None
    next_response_due_at: datetime | None
    resolution_due_at: datetime | None
    alert_level: int
    tags: list[str]
    custom_fields: dict[str, str | float | bool | date | None]
    members: list[MemberOut]


SortKey = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "number",
    "-number",
    "last_activity_at",
    "-last_activity_at",
]


class CaseQuery(BaseModel):
    """Search filters; every list filter matches any of its values."""

    model_config = ConfigDict(extra="forbid")

    status: list[Annotated[int, Field(ge=1, le=8)]] = Field(default_factory=list)
    status_id: list[Id] = Field(default_factory=list)
    priority_id: list[Id] = Field(default_factory=list)
    category_id: list[Id] = Field(default_factory=list, description="Includes subcategories.")
    queue_id: list[Id] = Field(default_factory=list)
    group_id: list[Id] = Field(default_factory=list)
    assignee_id: list[Id] = Field(default_factory=list)
    unassigned: bool | None = None
    contact_id: list[Id] = Field(default_factory=list)
    organization_id: list[Id] = Field(default_factory=list)
    tag: list[TagName] = Field(default_factory=list)
    primary_reference: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list)
    custom: dict[str, str] = Field(default_factory=dict, description="custom field key → value")
    created_after: Instant | None = None
    created_before: Instant | None = None
    updated_after: Instant | None = None
    updated_before: Instant | None = None
    q: Annotated[str, Field(max_length=500)] | None = None
    include_deleted: bool = False
    sort: SortKey = "-updated_at"
    limit: Annotated[int, Field(ge=1, le=200)] = 25
    cursor: Annotated[str, Field(max_length=500)] | None = None


class CasePage(BaseModel):
    items: list[CaseOut]
    next_cursor: str | None
    #: How many cases match, on a first page when asked for (None otherwise); with
    #: ``total_is_estimate`` it is a lower bound ("10,000+"), see docs/search.md.
    total: int | None = None
    total_is_estimate: bool = False


class MessageCreate(_In):
    visibility: Literal["internal", "external"] = "external"
    direction: Literal["inbound", "outbound", "note"] | None = Field(
        default=None,
        description="Defaults to 'note' for internal messages and 'outbound' for external.",
    )
    body_text: Annotated[str, Field(min_length=1, max_length=1_000_000)]
    body_html: Annotated[str, Field(max_length=2_000_000)] | None = None
    note_type: Annotated[str, Field(max_length=64)] | None = None
    activity_code: Annotated[str, Field(max_length=64)] | None = None
    duration_seconds: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    contact_id: Id | None = Field(default=None, description="Author, for inbound messages.")


class MessageOut(BaseModel):
    id: int
    case_id: int
    visibility: str
    direction: str
    is_system: bool
    author_user_id: int | None
    author_contact_id: int | None
    body_text: str
    body_html: str | None
    note_type: str | None
    activity_code: str | None
    duration_seconds: int | None
    created_at: datetime


class MemberCreate(_In):
    role: Literal[1, 2, 20]
    user_id: Id | None = None
    contact_id: Id | None = None


class LinkCreate(_In):
    kind: Literal["related", "parent", "child"]
    case_id: Id


class LinksOut(BaseModel):
    parent_id: int | None
    children: list[int]
    related: list[int]
    merged_into_id: int | None
    merged_from: list[int]


class AuditOut(BaseModel):
    id: int
    action: str
    entity_type: str
    entity_id: int
    actor_user_id: int | None
    changes: dict[str, object]
    at: datetime


class StatusHistoryOut(BaseModel):
    status_id: int
    internal_status: int
    from_status_id: int | None
    changed_at: datetime
    changed_by_id: int | None
    reason: str


class HistoryOut(BaseModel):
    audit: list[AuditOut]
    statuses: list[StatusHistoryOut]


class MergeRequest(_In):
    into_case_id: Id


class SplitRequest(_In):
    title: Title | None = Field(
        default=None,
        description="Title of the new case; by default the message's first line.",
    )
