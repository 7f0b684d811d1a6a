"""A case's description above its thread is shown unless the first message repeats it."""

from __future__ import annotations

import pytest

from casedesk.domain.descriptions import description_to_show


@pytest.mark.parametrize(
    ("description", "first", "shown"),
    [
        ("Printer jams", None, "Printer jams"),
        ("Printer jams", "Printer jams", ""),
        ("Printer jams\n", "  Printer jams", ""),
        ("Printer jams", "We are on it", "Printer jams"),
        ("", None, ""),
    ],
)
def test_description_to_show(description: str, first: str | None, shown: str) -> None:
    assert description_to_show(description, first) == shown
