"""Case numbers with a prefix, and reading them back."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.numbering import format_case_number, parse_case_reference, validate_prefix


@pytest.mark.parametrize(
    ("prefix", "number", "text"), [("TCK-", 1, "TCK-1"), ("", 42, "42"), ("#", 7, "#7")]
)
def test_format_case_number(prefix: str, number: int, text: str) -> None:
    assert format_case_number(prefix, number) == text


@pytest.mark.parametrize(
    ("prefix", "text", "number"),
    [
        ("TCK-", "TCK-12", 12),
        ("TCK-", "tck-12", 12),
        ("TCK-", " TCK-12 ", 12),
        ("TCK-", "12", 12),
        ("", "12", 12),
        ("TCK-", "TCK-", None),
        ("TCK-", "TCK-12a", None),
        ("TCK-", "ABC-12", None),
        ("TCK-", "", None),
    ],
)
def test_parse_case_reference(prefix: str, text: str, number: int | None) -> None:
    assert parse_case_reference(prefix, text) == number


@pytest.mark.parametrize("prefix", ["", "TCK-", "#", "a.b/c_d", "X" * 16])
def test_validate_prefix_accepts(prefix: str) -> None:
    assert validate_prefix(prefix) == prefix


@pytest.mark.parametrize("prefix", ["X" * 17, "TCK ", "<b>", "é"])
def test_validate_prefix_refuses(prefix: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_prefix(prefix)
    assert err.value.field == "case_prefix"
