"""Writing and reading custom field values of a case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.domain.custom_fields import FieldSpec, FieldType, coerce
from casedesk.domain.errors import ValidationFailed
from casedesk.store.models import CustomFieldDefinition, CustomFieldValue


def specs(session: Session, corporation_id: int) -> dict[str, tuple[int, FieldSpec]]:
    rows = session.scalars(
        select(CustomFieldDefinition).where(CustomFieldDefinition.corporation_id == corporation_id)
    ).all()
    return {
        r.key: (r.id, FieldSpec(r.key, FieldType(r.type), tuple(r.options or ()), r.required))
        for r in rows
    }


def check_values(session: Session, corporation_id: int, values: dict[str, Any]) -> None:
    """ValidationFailed naming the field unless every key is a defined custom field and
    its value fits the field's type (for values kept to be set later, e.g. templates)."""
    defined = specs(session, corporation_id)
    for key, raw in values.items():
        if key not in defined:
            raise ValidationFailed(f"unknown custom field {key!r}", field=f"custom_fields.{key}")
        coerce(defined[key][1], raw)


def set_values(
    session: Session,
    corporation_id: int,
    case_id: int,
    values: dict[str, Any],
    *,
    creating: bool,
) -> dict[str, dict[str, Any]]:
    """Validate and store ``values``; returns the audit changes. On create every
    required field must be present."""
    if not values and not creating:
        return {}
    defined = specs(session, corporation_id)
    for key in values:
        if key not in defined:
            raise ValidationFailed(f"unknown custom field {key!r}", field=f"custom_fields.{key}")
    if creating:
        for key, (_, spec) in defined.items():
            if spec.required and values.get(key) is None:
                raise ValidationFailed(
                    f"custom field {key!r} is required", field=f"custom_fields.{key}"
                )
    # A case being created has no values yet.
    current = {} if creating else read_values(session, [case_id]).get(case_id, {})
    changes: dict[str, dict[str, Any]] = {}
    for key, raw in values.items():
        field_id, spec = defined[key]
        value = coerce(spec, raw)
        session.execute(
            delete(CustomFieldValue).where(
                CustomFieldValue.case_id == case_id, CustomFieldValue.field_id == field_id
            )
        )
        if value is not None:
            session.add(_row(case_id, field_id, spec.type, value))
        old = current.get(key)
        new = _out(spec.type, value)
        if old != new:
            changes[f"custom_fields.{key}"] = {"from": _json(old), "to": _json(new)}
    return changes


def read_values(
    session: Session, case_ids: list[int]
) -> dict[int, dict[str, str | float | bool | date | None]]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(CustomFieldValue, CustomFieldDefinition.key, CustomFieldDefinition.type)
        .join(CustomFieldDefinition, CustomFieldDefinition.id == CustomFieldValue.field_id)
        .where(CustomFieldValue.case_id.in_(case_ids))
    ).all()
    out: dict[int, dict[str, str | float | bool | date | None]] = {}
    for value, key, ftype in rows:
        out.setdefault(value.case_id, {})[key] = _out(FieldType(ftype), _stored(value))
    return out


def _row(case_id: int, field_id: int, ftype: FieldType, value: object) -> CustomFieldValue:
    row = CustomFieldValue(case_id=case_id, field_id=field_id)
    if ftype == FieldType.NUMBER:
        assert isinstance(value, Decimal)
        row.value_number = value
    elif ftype == FieldType.DATE:
        assert isinstance(value, date)
        row.value_date = value
    elif ftype == FieldType.BOOL:
        assert isinstance(value, bool)
        row.value_bool = value
    else:
        row.value_text = str(value)
    return row


def _stored(row: CustomFieldValue) -> object:
    for v in (row.value_text, row.value_number, row.value_date, row.value_bool):
        if v is not None:
            return v
    return None


def _out(ftype: FieldType, value: object) -> str | float | bool | date | None:
    if value is None:
        return None
    if ftype == FieldType.NUMBER:
        return float(Decimal(str(value)))
    if isinstance(value, str | bool | date):
        return value
    return str(value)


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
