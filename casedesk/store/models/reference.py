"""Reference data a case points at: categories, priorities, statuses, queues, tags,
custom-field definitions."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId


class Category(Base):
    """Hierarchical: ``parent_id`` builds the tree; searches include the subtree."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("corporation_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    #: How new cases of this category get an assignee when asked to assign automatically:
    #: ``round_robin`` or ``least_open`` among its agents (``category_agents``); None: never.
    assign_strategy: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last_assigned_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class Priority(Base):
    __tablename__ = "priorities"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The priority's office hours ("timeframe", seed 001); None: around the clock.
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("calendars.id", ondelete="SET NULL"), nullable=True
    )
    #: Which of ITFlow's three priorities (Low, Medium, High) this one shows as there;
    #: None: derived from the name and rank (``domain.itflow_priority``).
    itflow_priority: Mapped[str | None] = mapped_column(String(8), nullable=True)


class CaseStatus(Base):
    """A user-defined status, mapped onto one of the eight internal statuses."""

    __tablename__ = "case_statuses"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    internal_status: Mapped[int] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Which clock runs while a case holds this status: internal, external, queue, stopped.
    clock: Mapped[str] = mapped_column(String(16))
    #: Auto-close (ITFlow): a chaser after this many days in the status, and closing
    #: after as many more; None on ``auto_close_days`` means the status never auto-closes.
    auto_close_chaser_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    auto_close_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: What external case-management clients see (SUBMITTED, IN_PROGRESS, ...); None:
    #: the default of the internal status (``domain.public_status``).
    public_status: Mapped[str | None] = mapped_column(String(32), nullable=True)


class CaseCode(Base):
    """A row of a corporation's code table (seed 004); none: the default table."""

    __tablename__ = "case_codes"
    __table_args__ = (UniqueConstraint("corporation_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    ticket_type: Mapped[str] = mapped_column(String(16))
    takes_details: Mapped[bool] = mapped_column(Boolean, default=False)


class Queue(Base):
    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True)


class Tag(Base):
    """A tag keeps the spelling it was first used with (``name``); ``name_key``, its
    lower-case form, is what matches, so "VIP" and "vip" are one tag."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("corporation_id", "name_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))


class CustomFieldDefinition(Base):
    """A typed custom field: text, number, date, bool or select (with ``options``)."""

    __tablename__ = "custom_field_definitions"
    __table_args__ = (UniqueConstraint("corporation_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    options: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
