"""Custom-field definitions: the typed fields a case may carry besides its own.

``key`` is what API callers write (``custom_fields: {"impact": "high"}``), so it is a
short identifier. A select field lists its ``options``; no other type has any. Values
already stored stay valid: a field with values keeps its type, a select keeps the
options cases use, and a field with values cannot be deleted.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.domain.custom_fields import FieldType
from casedesk.domain.errors import Conflict, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    In,
    Name200,
    Out,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import CustomFieldDefinition, CustomFieldValue

_FIELDS = ("key", "label", "type", "options", "required")
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
TypeName = Literal["text", "number", "date", "bool", "select"]
Option = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Options = Annotated[list[Option], Field(max_length=200)]


class FieldDefinitionOut(Out):
    id: int
    key: str
    label: str
    type: str
    options: list[str] | None
    required: bool


class FieldDefinitionCreate(In):
    key: Key
    label: Name200
    type: TypeName
    options: Options | None = Field(default=None, description="Required for select, only there.")
    required: bool = False


class FieldDefinitionPatch(In):
    key: Key | None = None
    label: Name200 | None = None
    type: TypeName | None = None
    options: Options | None = None
    required: bool | None = None


def list_fields(db: Database, principal: Principal) -> list[FieldDefinitionOut]:
    with db.read() as s:
        rows = s.scalars(
            select(CustomFieldDefinition)
            .where(CustomFieldDefinition.corporation_id == principal.corporation_id)
            .order_by(CustomFieldDefinition.key)
        )
        return [FieldDefinitionOut.model_validate(r) for r in rows]


def get_field(db: Database, principal: Principal, field_id: int) -> FieldDefinitionOut:
    with db.read() as s:
        return FieldDefinitionOut.model_validate(
            get_row(s, CustomFieldDefinition, field_id, principal.corporation_id, "custom field")
        )


def create_field(
    db: Database, principal: Principal, data: FieldDefinitionCreate
) -> FieldDefinitionOut:
    require_manager(principal)
    corp = principal.corporation_id
    values = data.model_dump()
    values["options"] = _options(values["type"], values["options"])
    with db.write() as s:
        ensure_unique(s, CustomFieldDefinition, corp, "key", data.key, "custom field")
        row = CustomFieldDefinition(corporation_id=corp, **values)
        s.add(row)
        flush(s, f"a custom field with key {data.key!r} exists already")
        audit.record(
            s,
            principal,
            corp,
            "custom_field.created",
            "custom_field",
            row.id,
            changes=created(values),
        )
        return FieldDefinitionOut.model_validate(row)


def update_field(
    db: Database, principal: Principal, field_id: int, patch: FieldDefinitionPatch
) -> FieldDefinitionOut:
    values = present(patch, ("key", "label", "type", "required"))
    with db.write() as s:
        row = get_row(s, CustomFieldDefinition, field_id, principal.corporation_id, "custom field")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if "type" in values and values["type"] != before["type"] and "options" not in values:
            after["options"] = None
        after["options"] = _options(after["type"], after["options"])
        if after == before:
            return FieldDefinitionOut.model_validate(row)
        if after["type"] != before["type"] and _values_in_use(s, row.id):
            raise Conflict(
                f"custom field {row.key!r} has values on cases; its type cannot change",
                field="type",
            )
        if after["type"] == FieldType.SELECT and before["type"] == FieldType.SELECT:
            _keep_used_options(s, row, after["options"])
        ensure_unique(
            s,
            CustomFieldDefinition,
            row.corporation_id,
            "key",
            after["key"],
            "custom field",
            exclude_id=row.id,
        )
        for name in _FIELDS:
            setattr(row, name, after[name])
        flush(s, f"a custom field with key {row.key!r} exists already")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "custom_field.updated",
            "custom_field",
            row.id,
            changes=audit.diff(before, after),
        )
        return FieldDefinitionOut.model_validate(row)


def delete_field(db: Database, principal: Principal, field_id: int) -> None:
    with db.write() as s:
        row = get_row(s, CustomFieldDefinition, field_id, principal.corporation_id, "custom field")
        require_manager(principal)
        ensure_unused(s, CustomFieldDefinition, row.id, "custom field")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"custom field {row.key!r} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "custom_field.deleted",
            "custom_field",
            field_id,
            changes=deleted(before),
        )


def _options(ftype: str, options: list[str] | None) -> list[str] | None:
    """The options to store: a non-empty list without repeats for select, else none."""
    if ftype != FieldType.SELECT:
        if options:
            raise ValidationFailed("only select fields have options", field="options")
        return None
    if not options:
        raise ValidationFailed("a select field needs at least one option", field="options")
    if len(set(options)) != len(options):
        raise ValidationFailed("options must not repeat", field="options")
    return list(options)


def _values_in_use(s: Session, field_id: int) -> bool:
    stmt = select(CustomFieldValue.case_id).where(CustomFieldValue.field_id == field_id).limit(1)
    return s.execute(stmt).first() is not None


def _keep_used_options(s: Session, row: CustomFieldDefinition, options: list[str] | None) -> None:
    used = s.scalars(
        select(CustomFieldValue.value_text)
        .where(CustomFieldValue.field_id == row.id)
        .group_by(CustomFieldValue.value_text)
    ).all()
    dropped = sorted(v for v in used if v is not None and v not in (options or []))
    if dropped:
        count = s.scalar(
            select(func.count())
            .select_from(CustomFieldValue)
            .where(CustomFieldValue.field_id == row.id, CustomFieldValue.value_text.in_(dropped))
        )
        raise Conflict(
            f"options {dropped} of custom field {row.key!r} are used by {count} "
            "cases; change those first",
            field="options",
        )
