"""Note types, activity codes and field display names: the words a corporation's desk
uses. Everyone reads them; writing needs manage_reference.

A note may name a note type and an activity code; ``check_note_words`` is the rule that
they exist, and that the activity code is active and meant for cases.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    In,
    Out,
    Text200,
    created,
    ensure_unique,
    flush,
    require_manager,
)
from casedesk.store.db import Database
from casedesk.store.models import ActivityCode, FieldLabel, NoteType

Word = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Scheme = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
FieldKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class NoteTypeOut(Out):
    id: int
    name: str


class NoteTypeCreate(In):
    name: Word


class ActivityCodeOut(Out):
    id: int
    name: str
    description: str
    for_cases: bool
    is_active: bool


class ActivityCodeCreate(In):
    name: Word
    description: Text200 = ""
    for_cases: bool = True
    is_active: bool = True


class FieldLabelOut(Out):
    field_key: str
    label: str


class FieldLabelSet(In):
    label: Label | None = None


# --------------------------------------------------------------------------- notes


def list_note_types(db: Database, principal: Principal) -> list[NoteTypeOut]:
    with db.read() as s:
        rows = s.scalars(
            select(NoteType)
            .where(NoteType.corporation_id == principal.corporation_id)
            .order_by(NoteType.name)
        )
        return [NoteTypeOut.model_validate(r) for r in rows]


def create_note_type(db: Database, principal: Principal, data: NoteTypeCreate) -> NoteTypeOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        ensure_unique(s, NoteType, corp, "name", data.name, "note type")
        row = NoteType(corporation_id=corp, name=data.name)
        s.add(row)
        flush(s, f"a note type named {data.name!r} exists already")
        audit.record(
            s, principal, corp, "note_type.created", "note_type", row.id,
            changes=created({"name": row.name}),
        )  # fmt: skip
        return NoteTypeOut.model_validate(row)


def list_activity_codes(
    db: Database, principal: Principal, *, for_cases: bool | None = None
) -> list[ActivityCodeOut]:
    with db.read() as s:
        stmt = select(ActivityCode).where(ActivityCode.corporation_id == principal.corporation_id)
        if for_cases is not None:
            stmt = stmt.where(ActivityCode.for_cases == for_cases)
        return [
            ActivityCodeOut.model_validate(r) for r in s.scalars(stmt.order_by(ActivityCode.name))
        ]


def create_activity_code(
    db: Database, principal: Principal, data: ActivityCodeCreate
) -> ActivityCodeOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        ensure_unique(s, ActivityCode, corp, "name", data.name, "activity code")
        row = ActivityCode(corporation_id=corp, **data.model_dump())
        s.add(row)
        flush(s, f"an activity code named {data.name!r} exists already")
        audit.record(
            s, principal, corp, "activity_code.created", "activity_code", row.id,
            changes=created(data.model_dump()),
        )  # fmt: skip
        return ActivityCodeOut.model_validate(row)


def check_note_words(
    s: Session, corporation_id: int, note_type: str | None, activity_code: str | None
) -> None:
    """ValidationFailed naming the field unless the note type exists and the activity
    code is an active one for cases (compared without regard to case)."""
    if note_type is not None:
        found = s.scalar(
            select(NoteType.id).where(
                NoteType.corporation_id == corporation_id,
                func.lower(NoteType.name) == note_type.lower(),
            )
        )
        if found is None:
            raise ValidationFailed(f"note type {note_type!r} does not exist", field="note_type")
    if activity_code is not None:
        found = s.scalar(
            select(ActivityCode.id).where(
                ActivityCode.corporation_id == corporation_id,
                func.lower(ActivityCode.name) == activity_code.lower(),
                ActivityCode.for_cases.is_(True),
                ActivityCode.is_active.is_(True),
            )
        )
        if found is None:
            raise ValidationFailed(
                f"activity code {activity_code!r} is not an active activity code for cases",
                field="activity_code",
            )


# --------------------------------------------------------------------------- labels


def field_labels(db: Database, principal: Principal, scheme: str) -> dict[str, str]:
    """The display names an admin set for ``scheme``, by field key."""
    with db.read() as s:
        return field_labels_in(s, principal.corporation_id, scheme)


def set_field_label(
    db: Database, principal: Principal, scheme: str, field_key: str, data: FieldLabelSet
) -> dict[str, str]:
    """Set (or with ``label`` null, drop) the display name of one field; labels are
    unique in a scheme without regard to case, so a name in means one field."""
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        row = s.scalars(
            select(FieldLabel).where(
                FieldLabel.corporation_id == corp,
                FieldLabel.scheme == scheme,
                FieldLabel.field_key == field_key,
            )
        ).one_or_none()
        before = row.label if row else None
        if data.label is None:
            if row is None:
                return field_labels_in(s, corp, scheme)
            s.delete(row)
            s.flush()
        else:
            ensure_unique(
                s, FieldLabel, corp, "label", data.label, "field label",
                exclude_id=row.id if row else None, where=[FieldLabel.scheme == scheme],
            )  # fmt: skip
            if row is None:
                row = FieldLabel(corporation_id=corp, scheme=scheme, field_key=field_key)
                s.add(row)
            row.label = data.label
            flush(s, f"the label {data.label!r} is taken")
        audit.record(
            s, principal, corp, "field_label.set", "field_label", row.id,
            changes={f"{scheme}.{field_key}": {"from": before, "to": data.label}},
        )  # fmt: skip
        return field_labels_in(s, corp, scheme)


def field_labels_in(s: Session, corporation_id: int, scheme: str) -> dict[str, str]:
    rows = s.execute(
        select(FieldLabel.field_key, FieldLabel.label).where(
            FieldLabel.corporation_id == corporation_id, FieldLabel.scheme == scheme
        )
    )
    return {key: label for key, label in rows}
