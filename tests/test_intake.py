"""The shared intake bounds (``casedesk/intake.py``): what JSON every face parses."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import MalformedBody
from casedesk.intake import MAX_DEPTH, json_depth_exceeds, load_json


def test_depth_up_to_the_cap_is_read() -> None:
    raw = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert json_depth_exceeds(raw.encode()) is False
    assert load_json(raw) is not None


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeper_is_refused_without_recursion(depth: int) -> None:
    for open_, close in (("[", "]"), ('{"a":', "}")):
        with pytest.raises(MalformedBody):
            load_json(open_ * depth + "1" + close * depth)


def test_brackets_inside_strings_do_not_count() -> None:
    raw = '{"a": "' + "[" * 1000 + '\\"' + "{" * 1000 + '"}'
    assert load_json(raw) == {"a": "[" * 1000 + '"' + "{" * 1000}
    # many brackets side by side nest no deeper than one
    assert len(load_json("[" + "[], " * 1000 + "[]]")) == 1001


def test_unclosed_depth_counts_too() -> None:
    with pytest.raises(MalformedBody):
        load_json("[" * 50)


@pytest.mark.parametrize("number", [str(2**63), str(-(2**63) - 1), str(2**70), "9" * 5000])
def test_integers_beyond_int64_are_refused(number: str) -> None:
    with pytest.raises(MalformedBody):
        load_json(f'{{"id": {number}}}')


def test_int64_bounds_and_finite_floats_are_read() -> None:
    assert load_json(f"[{2**63 - 1}, {-(2**63)}, 1.5e300, -0.0]") == [
        2**63 - 1,
        -(2**63),
        1.5e300,
        -0.0,
    ]


@pytest.mark.parametrize("raw", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
def test_numbers_that_are_not_finite_are_refused(raw: str) -> None:
    with pytest.raises(MalformedBody):
        load_json(f"[{raw}]")


def test_text_that_is_not_json_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        load_json("{not json")
