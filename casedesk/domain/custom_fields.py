"""Typed custom fields: the value a caller sends is checked and coerced by type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from casedesk.domain.errors import ValidationFailed


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    SELECT = "select"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    type: FieldType
    options: tuple[str, ...] = ()
    required: bool = False


Coerced = str | Decimal | date | bool | None


def coerce(spec: FieldSpec, value: object) -> Coerced:
    """The stored form of ``value`` for ``spec``, or ValidationFailed naming the field."""
    name = f"custom_fields.{spec.key}"
    if value is None:
        if spec.required:
            raise ValidationFailed(f"custom field {spec.key!r} is required", field=name)
        return None
    if spec.type in (FieldType.TEXT, FieldType.SELECT):
        if not isinstance(value, str):
            raise ValidationFailed(f"custom field {spec.key!r} takes text", field=name)
        if len(value) > 10_000:
            raise ValidationFailed(f"custom field {spec.key!r} is too long", field=name)
        if spec.type == FieldType.SELECT and value not in spec.options:
            raise ValidationFailed(
                f"custom field {spec.key!r} must be one of {list(spec.options)}", field=name
            )
        return value
    if spec.type == FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValidationFailed(f"custom field {spec.key!r} takes a number", field=name)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationFailed(
                f"custom field {spec.key!r} takes a number", field=name
            ) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
            raise ValidationFailed(f"custom field {spec.key!r} is out of range", field=name)
        return number.quantize(Decimal("0.000001"))
    if spec.type == FieldType.DATE:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ValidationFailed(f"custom field {spec.key!r} takes a date YYYY-MM-DD", field=name)
    if not isinstance(value, bool):
        raise ValidationFailed(f"custom field {spec.key!r} takes true or false", field=name)
    return value


def parse_filter(spec: FieldSpec, text: str) -> Coerced:
    """Coerce a search filter given as text (``true``, ``2026-01-31``, ``42``)."""
    if spec.type == FieldType.BOOL:
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise ValidationFailed(f"custom field {spec.key!r} takes true or false", field="custom")
    if spec.type == FieldType.SELECT:
        return text
    return coerce(FieldSpec(spec.key, spec.type), text)
