"""Words a corporation defines for its desk: note types and activity codes (Track-It's
"Note Type" / "Activity Code" on notes) and the display names of fields that a face
shows under a configurable label (Track-It's renamed ticket fields)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.store.models.base import Base, BigId


class NoteType(Base):
    __tablename__ = "note_types"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))


class ActivityCode(Base):
    """What work a note records. Only codes ``for_cases`` may be put on a case's note
    (others belong to other kinds of records, e.g. assets)."""

    __tablename__ = "activity_codes"
    __table_args__ = (UniqueConstraint("corporation_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200), default="")
    for_cases: Mapped[bool] = mapped_column(Boolean, default=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class FieldLabel(Base):
    """An admin's display name for a field of a scheme (e.g. ``trackit.ticket`` field
    ``22``), used in and out by the face that shows that scheme."""

    __tablename__ = "field_labels"
    __table_args__ = (
        UniqueConstraint("corporation_id", "scheme", "field_key"),
        UniqueConstraint("corporation_id", "scheme", "label"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    corporation_id: Mapped[int] = mapped_column(ForeignKey("corporations.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(64))
    field_key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
