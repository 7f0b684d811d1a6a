"""Times as the reader lives them: the zone's local time with its abbreviation (summer
and winter), UTC for a reader without a known zone, and "ago" in their language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.web.local_times import local_text, relative_text

SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        (SUMMER, "America/New_York", "2026-07-01 08:00 EDT"),
        (WINTER, "America/New_York", "2026-01-15 07:00 EST"),
        (SUMMER, "Europe/Berlin", "2026-07-01 14:00 CEST"),
        (WINTER, "Asia/Kolkata", "2026-01-15 17:30 IST"),
        (SUMMER, None, "2026-07-01 12:00 UTC"),
        (SUMMER, "", "2026-07-01 12:00 UTC"),
        (SUMMER, "Not/A_Zone", "2026-07-01 12:00 UTC"),
    ],
)
def test_local_text(instant: datetime, zone: str | None, expected: str) -> None:
    assert local_text(instant, zone) == expected


@pytest.mark.parametrize(
    ("delta", "language", "expected"),
    [
        (timedelta(hours=-2), "en", "2 hr. ago"),
        (timedelta(minutes=-5), None, "5 min. ago"),
        (timedelta(days=-3), "en", "3 days ago"),
        (timedelta(hours=-2), "de", "vor 2 Std."),
        (timedelta(hours=-2), "zz-unknown", "2 hr. ago"),
    ],
)
def test_relative_text(delta: timedelta, language: str | None, expected: str) -> None:
    assert relative_text(SUMMER + delta, SUMMER, language) == expected
