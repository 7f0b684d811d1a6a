"""Custom field values are checked and coerced by the field's type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casedesk.domain.custom_fields import Coerced, FieldSpec, FieldType, coerce, parse_filter
from casedesk.domain.errors import ValidationFailed

T = FieldType
SPECS = {
    T.TEXT: FieldSpec("note", T.TEXT),
    T.NUMBER: FieldSpec("amount", T.NUMBER),
    T.DATE: FieldSpec("due", T.DATE),
    T.BOOL: FieldSpec("vip", T.BOOL),
    T.SELECT: FieldSpec("tier", T.SELECT, options=("gold", "silver")),
}

GOOD: list[tuple[FieldType, object, Coerced]] = [
    (T.TEXT, "hello", "hello"),
    (T.TEXT, "", ""),
    (T.TEXT, "x" * 10_000, "x" * 10_000),
    (T.NUMBER, 42, Decimal("42")),
    (T.NUMBER, -7, Decimal("-7")),
    (T.NUMBER, 1.5, Decimal("1.5")),
    (T.NUMBER, "3.25", Decimal("3.25")),
    (T.NUMBER, "1e3", Decimal("1000")),
    (T.NUMBER, "0.1234567", Decimal("0.123457")),  # kept to six decimals
    (T.NUMBER, 10**14 - 1, Decimal(10**14 - 1)),
    (T.DATE, "2026-01-31", date(2026, 1, 31)),
    (T.DATE, date(2024, 2, 29), date(2024, 2, 29)),
    (T.BOOL, True, True),
    (T.BOOL, False, False),
    (T.SELECT, "gold", "gold"),
    (T.SELECT, "silver", "silver"),
]


@pytest.mark.parametrize(("ftype", "value", "expected"), GOOD)
def test_coerce_accepts_values_of_the_type(
    ftype: FieldType, value: object, expected: Coerced
) -> None:
    result = coerce(SPECS[ftype], value)
    assert result == expected
    assert type(result) is type(expected)


def test_numbers_are_stored_with_six_decimals() -> None:
    assert str(coerce(SPECS[T.NUMBER], "2.5")) == "2.500000"


BAD: list[tuple[FieldType, object]] = [
    (T.TEXT, 5),
    (T.TEXT, True),
    (T.TEXT, ["a"]),
    (T.TEXT, "x" * 10_001),
    (T.NUMBER, "twelve"),
    (T.NUMBER, ""),
    (T.NUMBER, True),
    (T.NUMBER, False),
    (T.NUMBER, [1]),
    (T.NUMBER, {"n": 1}),
    (T.NUMBER, date(2026, 1, 1)),
    (T.NUMBER, "NaN"),
    (T.NUMBER, "Infinity"),
    (T.NUMBER, float("inf")),
    (T.NUMBER, float("nan")),
    (T.NUMBER, 10**14),
    (T.NUMBER, -(10**14)),
    (T.NUMBER, "1e20"),
    (T.DATE, "2026-02-30"),
    (T.DATE, "31/01/2026"),
    (T.DATE, "yesterday"),
    (T.DATE, "2026-01-31T10:00:00"),
    (T.DATE, 20260131),
    (T.DATE, True),
    (T.BOOL, "true"),
    (T.BOOL, 1),
    (T.BOOL, 0),
    (T.BOOL, "yes"),
    (T.SELECT, "bronze"),
    (T.SELECT, "GOLD"),
    (T.SELECT, 1),
]


@pytest.mark.parametrize(("ftype", "value"), BAD)
def test_coerce_refuses_values_of_another_type_naming_the_field(
    ftype: FieldType, value: object
) -> None:
    spec = SPECS[ftype]
    with pytest.raises(ValidationFailed) as err:
        coerce(spec, value)
    assert err.value.field == f"custom_fields.{spec.key}"


def test_every_type_has_good_and_bad_examples() -> None:
    assert {row[0] for row in GOOD} == set(T)
    assert {row[0] for row in BAD} == set(T)


@pytest.mark.parametrize("ftype", list(T))
def test_null_clears_an_optional_field(ftype: FieldType) -> None:
    assert coerce(SPECS[ftype], None) is None


@pytest.mark.parametrize("ftype", list(T))
def test_null_is_refused_for_a_required_field(ftype: FieldType) -> None:
    spec = FieldSpec("must", ftype, options=("a",), required=True)
    with pytest.raises(ValidationFailed) as err:
        coerce(spec, None)
    assert err.value.field == "custom_fields.must"


@pytest.mark.parametrize(
    ("ftype", "text", "expected"),
    [
        (T.BOOL, "true", True),
        (T.BOOL, "TRUE", True),
        (T.BOOL, "1", True),
        (T.BOOL, "yes", True),
        (T.BOOL, "false", False),
        (T.BOOL, "0", False),
        (T.BOOL, "No", False),
        (T.NUMBER, "42", Decimal("42")),
        (T.NUMBER, "-0.5", Decimal("-0.5")),
        (T.DATE, "2026-01-31", date(2026, 1, 31)),
        (T.TEXT, "anything", "anything"),
        (T.SELECT, "gold", "gold"),
    ],
)
def test_parse_filter_reads_search_text(ftype: FieldType, text: str, expected: Coerced) -> None:
    assert parse_filter(SPECS[ftype], text) == expected


@pytest.mark.parametrize(
    ("ftype", "text"),
    [(T.BOOL, "maybe"), (T.BOOL, ""), (T.NUMBER, "many"), (T.DATE, "soon"), (T.NUMBER, "nan")],
)
def test_parse_filter_refuses_text_that_is_not_of_the_type(ftype: FieldType, text: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_filter(SPECS[ftype], text)


def test_a_filter_on_a_required_field_is_not_a_value_to_require() -> None:
    required = FieldSpec("due", T.DATE, required=True)
    assert parse_filter(required, "2026-05-01") == date(2026, 5, 1)
