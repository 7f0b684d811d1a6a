"""The case and everything that hangs off it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId, UtcDateTime, utcnow


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("corporation_id", "number"),
        Index("ix_cases_group_updated", "group_id", "updated_at", "id"),
        Index("ix_cases_corp_updated", "corporation_id", "updated_at", "id"),
        Index("ix_cases_group_activity", "group_id", "last_activity_at", "id"),
        Index("ix_cases_corp_activity", "corporation_id", "last_activity_at", "id"),
        # The common filters of lists, each with the default sort (docs/store.md).
        Index("ix_cases_corp_status_updated", "corporation_id", "status", "updated_at", "id"),
        Index("ix_cases_status_id_updated", "status_id", "updated_at", "id"),
        Index("ix_cases_queue_updated", "queue_id", "updated_at", "id"),
        Index("ix_cases_organization_updated", "organization_id", "updated_at", "id"),
        # With the columns that every list and count filters on, so an agent's count
        # is read from this index alone.
        Index(
            "ix_cases_assignee_updated",
            "assignee_id",
            "updated_at",
            "id",
            "corporation_id",
            "group_id",
            "status",
            "status_id",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    #: One of the 8 internal statuses; always the internal status of ``status_id``.
    status: Mapped[int] = mapped_column(Integer, index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("case_statuses.id"))
    last_open_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_statuses.id"), nullable=True
    )
    last_open_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id"), nullable=True, index=True
    )
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id"), nullable=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), nullable=True
    )
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), nullable=True)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: The active assigned user of the case's members, kept equal to it on every write
    #: of the members (services/cases/members.py), so that an assignee's cases are one
    #: range of an index; the members stay what the case's views and history read.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    on_hold_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    on_hold_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    origin: Mapped[str] = mapped_column(String(32), default="api")
    from_address: Mapped[str | None] = mapped_column(String(320), nullable=True)
    primary_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    secondary_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    customer_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    internal_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    external_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: The latest message from the customer or an agent (or the opening), and the user
    #: who wrote it: lists sort by it and mark it unread for those who have not seen it.
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_activity_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # Time-keeping, maintained by the SLA service: the policy in force, the due dates
    # (Track-It expected response / fix), the oldest unanswered customer message, the
    # escalation level (seed 001 AlertLevel / AlertTimeout) and when the sweep must look
    # at the case again.
    sla_policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL"), nullable=True
    )
    first_response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    next_response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    awaiting_reply_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    alert_level: Mapped[int] = mapped_column(Integer, default=0)
    alert_timeout_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    sla_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    auto_close_chaser_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: The SLA policy a rule set for the case; wins over the policy its fields match.
    sla_policy_pin_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_policies.id", ondelete="SET NULL"), nullable=True
    )

    __mapper_args__ = {"version_id_col": version}


class CaseMember(Base):
    """A membership with history: rows are ended, never deleted."""

    __tablename__ = "case_members"
    __table_args__ = (
        Index("ix_case_members_active", "role", "user_id", "end_at"),
        Index("ix_case_members_user_case", "user_id", "role", "end_at", "case_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    role: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), nullable=True, index=True
    )
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CaseMessage(Base):
    """A message on a case: external (customer-visible) or internal (note)."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    visibility: Mapped[str] = mapped_column(String(16))  # internal | external
    direction: Mapped[str] = mapped_column(String(16))  # inbound | outbound | note
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    author_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), nullable=True)
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    note_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    activity_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    email_headers: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    message_id_header: Mapped[str | None] = mapped_column(String(998), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_messages.id"), nullable=True, index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PendingUpload(Base):
    """A file uploaded before the case it is for: stored like an attachment, owned by
    the user who uploaded it, until a create or a note names it by ``token`` and it
    becomes an ``Attachment`` (the row moves; the blob stays where it is)."""

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The id clients see: random, so one user cannot guess another's upload.
    token: Mapped[str] = mapped_column(String(36), unique=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class CaseContactEntry(Base):
    """A person to contact about a case, as a client listed them (Case Management's
    ``contacts``): the role (``NOTIFICATION``, ``TECHNICAL``, …), the registered users
    named, or a name with channels (``[{"type": "PHONE", "value": …}]``). Kept in the
    order sent so a read gives the list back as it was."""

    __tablename__ = "case_contact_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))
    first_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    registered_users: Mapped[list[str]] = mapped_column(JSON, default=list)
    channels: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class CaseTag(Base):
    __tablename__ = "case_tags"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CaseExtraValue(Base):
    """A free value of a case under a key that is no defined custom field: what an
    integration sends along (SuperOffice's ExtraFields) and expects back."""

    __tablename__ = "case_extra_values"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text, nullable=True)


class CaseSecondaryContact(Base):
    """A further contact of a case besides its contact member, in the order given."""

    __tablename__ = "case_secondary_contacts"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class CaseLink(Base):
    """A symmetric "related" link between two cases (parent/child and merges live on
    the case row itself). Stored once with ``case_id < other_case_id``."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    other_case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="related")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CustomFieldValue(Base):
    __tablename__ = "custom_field_values"
    __table_args__ = (
        Index("ix_custom_field_values_text", "field_id", "value_text"),
        Index("ix_custom_field_values_number", "field_id", "value_number"),
    )

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field_definitions.id", ondelete="CASCADE"), primary_key=True
    )
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    value_number: Mapped[Decimal | None] = mapped_column(Numeric(20, 6), nullable=True)
    value_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    value_bool: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class StatusHistory(Base):
    """Every status a case has been in, with when it entered it: the basis of time metrics."""

    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("case_statuses.id"))
    internal_status: Mapped[int] = mapped_column(Integer)
    from_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_statuses.id"), nullable=True
    )
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(32), default="manual")
