"""Business calendars as tables of hand-computed instants, plus cheap property checks.

Dates used (2026): Mon 2 March, Fri 6 March, Sun 8 March (US springs forward: 02:00 EST ->
03:00 EDT, 07:00Z), Fri 27 March, Sun 29 March (Europe springs forward: 02:00 CET -> 03:00
CEST, 01:00Z), Fri 1 May (a holiday below), Sun 25 October (Europe falls back: 03:00 CEST
-> 02:00 CET, 01:00Z), Sun 1 November (US falls back: 02:00 EDT -> 01:00 EST, 06:00Z).
Oslo is UTC+1 in winter and UTC+2 in summer; New York is UTC-5 / UTC-4.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from casedesk.domain.calendars import ALWAYS, BusinessCalendar
from casedesk.domain.errors import ValidationFailed

WEEKDAYS = range(5)

#: Oslo office, Monday to Friday 09:00-17:00, closed on 1 May.
OFFICE = BusinessCalendar.weekly(
    "Europe/Oslo", {d: [(time(9), time(17))] for d in WEEKDAYS}, holidays=[date(2026, 5, 1)]
)
#: Oslo office with a lunch break: 09:00-12:00 and 13:00-17:00 on weekdays.
SPLIT = BusinessCalendar.weekly(
    "Europe/Oslo", {d: [(time(9), time(12)), (time(13), time(17))] for d in WEEKDAYS}
)
#: Oslo night desk spanning the DST switch: all of Sunday and Monday 00:00-06:00.
NIGHT = BusinessCalendar.weekly("Europe/Oslo", {6: [(time(0), time(0))], 0: [(time(0), time(6))]})
#: New York office, Monday to Friday 09:00-17:00.
NEW_YORK = BusinessCalendar.weekly("America/New_York", {d: [(time(9), time(17))] for d in WEEKDAYS})
#: New York, Sunday 00:00-06:00 only: the US switches happen inside it.
NY_NIGHT = BusinessCalendar.weekly("America/New_York", {6: [(time(0), time(6))]})


def z(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An instant in 2026, UTC."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


H = 3600


# --------------------------------------------------------------------------- working_seconds


@pytest.mark.parametrize(
    ("calendar", "start", "end", "seconds"),
    [
        pytest.param(OFFICE, z(3, 2, 9), z(3, 2, 11), 2 * H, id="inside-one-day"),
        # Mon 07:00-10:00 local: office time starts at 09:00
        pytest.param(OFFICE, z(3, 2, 6), z(3, 2, 9), 1 * H, id="starts-before-opening"),
        # Fri 16:00 local -> Mon 10:00 local: 1 h on Friday, none on the weekend, 1 h Monday
        pytest.param(OFFICE, z(3, 6, 15), z(3, 9, 9), 2 * H, id="over-a-weekend"),
        pytest.param(OFFICE, z(3, 7, 10), z(3, 8, 15), 0, id="within-a-weekend"),
        # Thu 30 Apr 16:00 CEST -> Mon 4 May 10:00 CEST: Thursday 1 h, Fri 1 May holiday, Monday 1 h
        pytest.param(OFFICE, z(4, 30, 14), z(5, 4, 8), 2 * H, id="over-a-holiday"),
        pytest.param(OFFICE, z(5, 1, 7), z(5, 1, 15), 0, id="on-the-holiday"),
        # Monday 00:00 local to the next Monday 00:00 local: 5 x 8 h
        pytest.param(OFFICE, z(3, 1, 23), z(3, 8, 23), 40 * H, id="a-whole-week"),
        pytest.param(OFFICE, z(3, 2, 11), z(3, 2, 9), 0, id="end-before-start"),
        pytest.param(OFFICE, z(3, 2, 9), z(3, 2, 9), 0, id="empty"),
        # Fri 16:00 CET -> Mon 10:00 CEST (Monday opens at 07:00Z after the switch): 1 h + 1 h
        pytest.param(OFFICE, z(3, 27, 15), z(3, 30, 8), 2 * H, id="oslo-after-spring-forward"),
        # Fri 23 Oct 16:00 CEST -> Mon 26 Oct 10:00 CET (Monday opens at 08:00Z): 1 h + 1 h
        pytest.param(OFFICE, z(10, 23, 14), z(10, 26, 9), 2 * H, id="oslo-after-fall-back"),
        # Fri 16:00 EST -> Mon 10:00 EDT: 1 h + 1 h
        pytest.param(NEW_YORK, z(3, 6, 21), z(3, 9, 14), 2 * H, id="new-york-spring-forward"),
        # Mon 11:00-14:00 local: 11-12 and 13-14, the lunch hour does not count
        pytest.param(SPLIT, z(3, 2, 10), z(3, 2, 13), 2 * H, id="split-day-over-lunch"),
        pytest.param(SPLIT, z(3, 2, 11, 15), z(3, 2, 11, 45), 0, id="split-day-inside-lunch"),
        pytest.param(SPLIT, z(3, 1, 23), z(3, 2, 23), 7 * H, id="split-day-whole"),
        # Sun 29 Mar 00:00 CET (Sat 23:00Z) to Mon 06:00 CEST (04:00Z): 23 h Sunday + 6 h
        pytest.param(NIGHT, z(3, 28, 12), z(3, 30, 12), 29 * H, id="24h-sunday-spring-forward"),
        # Sun 25 Oct 00:00 CEST (Sat 22:00Z) to Mon 06:00 CET (05:00Z): 25 h Sunday + 6 h
        pytest.param(NIGHT, z(10, 24, 12), z(10, 26, 12), 31 * H, id="24h-sunday-fall-back"),
        # Sun 8 Mar 00:00 EST (05:00Z) .. 06:00 EDT (10:00Z): the office night is 5 h long
        pytest.param(NY_NIGHT, z(3, 7), z(3, 9), 5 * H, id="ny-night-spring-forward"),
        # Sun 1 Nov 00:00 EDT (04:00Z) .. 06:00 EST (11:00Z): 7 h
        pytest.param(NY_NIGHT, z(10, 31), z(11, 2), 7 * H, id="ny-night-fall-back"),
        # the 24x7 calendar counts wall time, even across a DST switch elsewhere
        pytest.param(ALWAYS, z(3, 28), z(3, 30), 48 * H, id="always"),
    ],
)
def test_working_seconds(
    calendar: BusinessCalendar, start: datetime, end: datetime, seconds: int
) -> None:
    assert calendar.working_seconds(start, end) == seconds


def test_working_seconds_floors_fractions_of_a_second() -> None:
    start = z(3, 2, 9)
    assert OFFICE.working_seconds(start, start + timedelta(seconds=1, microseconds=999_999)) == 1
    assert OFFICE.working_time(start, start + timedelta(microseconds=5)) == timedelta(
        microseconds=5
    )


def test_working_seconds_accepts_any_aware_zone() -> None:
    # 10:00 and 12:00 in Oslo winter time, given with a fixed +01:00 offset
    plus_one = timezone(timedelta(hours=1))
    start = datetime(2026, 3, 2, 10, tzinfo=plus_one)
    assert OFFICE.working_seconds(start, start + timedelta(hours=2)) == 2 * H


# --------------------------------------------------------------------------- add_working_seconds


@pytest.mark.parametrize(
    ("calendar", "start", "seconds", "expected"),
    [
        pytest.param(OFFICE, z(3, 2, 9), 1 * H, z(3, 2, 10), id="inside-one-day"),
        # Mon 10:00 local + 7 h runs out at the 17:00 close, which is when it is due
        pytest.param(OFFICE, z(3, 2, 9), 7 * H, z(3, 2, 16), id="ends-exactly-at-closing"),
        # Fri 16:00 local + 2 h: 1 h Friday, 1 h from Monday 09:00 -> Mon 10:00 local
        pytest.param(OFFICE, z(3, 6, 15), 2 * H, z(3, 9, 9), id="over-a-weekend"),
        # Saturday: counting starts at Monday's opening (08:00Z)
        pytest.param(OFFICE, z(3, 7, 12), 1800, z(3, 9, 8, 30), id="starts-on-a-weekend"),
        pytest.param(OFFICE, z(3, 7, 12), 0, z(3, 7, 12), id="zero-is-the-start-itself"),
        # Thu 30 Apr 16:00 CEST + 2 h: 1 h Thursday, Friday is a holiday, Mon 10:00 CEST
        pytest.param(OFFICE, z(4, 30, 14), 2 * H, z(5, 4, 8), id="over-a-holiday"),
        # Fri 16:00 CET + 2 h -> Mon 10:00 CEST = 08:00Z
        pytest.param(OFFICE, z(3, 27, 15), 2 * H, z(3, 30, 8), id="oslo-spring-forward"),
        # Fri 23 Oct 16:00 CEST + 2 h -> Mon 26 Oct 10:00 CET = 09:00Z
        pytest.param(OFFICE, z(10, 23, 14), 2 * H, z(10, 26, 9), id="oslo-fall-back"),
        # Mon 2 Mar 09:00 local + 80 h = two full weeks, due at Fri 13 Mar 17:00 local
        pytest.param(OFFICE, z(3, 2, 8), 80 * H, z(3, 13, 16), id="two-weeks"),
        # Mon 12:00 local (lunch) + 3 h: counting starts 13:00, due 16:00 local
        pytest.param(SPLIT, z(3, 2, 11), 3 * H, z(3, 2, 15), id="split-day-from-lunch"),
        # Mon 10:00 local + 3 h: 10-12, then 13-14 -> 14:00 local
        pytest.param(SPLIT, z(3, 2, 9), 3 * H, z(3, 2, 13), id="split-day-over-lunch"),
        # Fri 16:00 EST + 2 h -> Mon 10:00 EDT = 14:00Z
        pytest.param(NEW_YORK, z(3, 6, 21), 2 * H, z(3, 9, 14), id="new-york-spring-forward"),
        # Sunday 29 Mar has 23 office hours: from Sat 23:00Z they run out at Sun 22:00Z
        pytest.param(NIGHT, z(3, 28, 12), 23 * H, z(3, 29, 22), id="23h-sunday"),
        # ... and the 24th hour is Monday 00:00-01:00 CEST
        pytest.param(NIGHT, z(3, 28, 12), 24 * H, z(3, 29, 23), id="23h-sunday-plus-one"),
        # Sunday 25 Oct has 25 office hours: from Sat 22:00Z they run out at Sun 23:00Z
        pytest.param(NIGHT, z(10, 24, 12), 25 * H, z(10, 25, 23), id="25h-sunday"),
        pytest.param(ALWAYS, z(3, 28, 12), 30 * H, z(3, 29, 18), id="always"),
    ],
)
def test_add_working_seconds(
    calendar: BusinessCalendar, start: datetime, seconds: int, expected: datetime
) -> None:
    assert calendar.add_working_seconds(start, seconds) == expected


def test_add_working_seconds_refuses_a_negative_amount() -> None:
    with pytest.raises(ValidationFailed) as err:
        OFFICE.add_working_seconds(z(3, 2, 9), -1)
    assert err.value.field == "seconds"


# --------------------------------------------------------------------------- is_open / next_opening


@pytest.mark.parametrize(
    ("calendar", "at", "open_"),
    [
        pytest.param(OFFICE, z(3, 2, 8), True, id="at-opening"),
        pytest.param(OFFICE, z(3, 2, 7, 59, 59), False, id="just-before-opening"),
        pytest.param(OFFICE, z(3, 2, 16), False, id="at-closing"),
        pytest.param(OFFICE, z(3, 7, 12), False, id="saturday"),
        pytest.param(OFFICE, z(5, 1, 10), False, id="holiday"),
        # 09:30 CEST: open; in winter time the same UTC instant would be 08:30
        pytest.param(OFFICE, z(3, 30, 7, 30), True, id="morning-after-spring-forward"),
        # 17:30 CEST: closed; in winter time it would be 16:30
        pytest.param(OFFICE, z(3, 30, 15, 30), False, id="evening-after-spring-forward"),
        pytest.param(SPLIT, z(3, 2, 11, 30), False, id="lunch"),
        pytest.param(NEW_YORK, z(3, 9, 13), True, id="new-york-09:00-edt"),
        pytest.param(NEW_YORK, z(11, 2, 13), False, id="new-york-08:00-est"),
        pytest.param(ALWAYS, z(3, 7, 3), True, id="always"),
    ],
)
def test_is_open(calendar: BusinessCalendar, at: datetime, open_: bool) -> None:
    assert calendar.is_open(at) is open_


@pytest.mark.parametrize(
    ("calendar", "at", "opening"),
    [
        pytest.param(OFFICE, z(3, 2, 9), z(3, 2, 9), id="open-now"),
        pytest.param(OFFICE, z(3, 2, 6), z(3, 2, 8), id="before-opening"),
        pytest.param(OFFICE, z(3, 6, 17), z(3, 9, 8), id="friday-evening"),
        # Saturday before the switch -> Monday 09:00 CEST = 07:00Z
        pytest.param(OFFICE, z(3, 28, 12), z(3, 30, 7), id="over-spring-forward"),
        # Thu 30 Apr 18:00 CEST -> Fri 1 May holiday -> Mon 4 May 09:00 CEST
        pytest.param(OFFICE, z(4, 30, 16), z(5, 4, 7), id="over-a-holiday"),
        pytest.param(SPLIT, z(3, 2, 11, 30), z(3, 2, 12), id="after-lunch"),
        pytest.param(NEW_YORK, z(3, 7, 12), z(3, 9, 13), id="new-york-spring-forward"),
        pytest.param(NEW_YORK, z(10, 31, 12), z(11, 2, 14), id="new-york-fall-back"),
    ],
)
def test_next_opening(calendar: BusinessCalendar, at: datetime, opening: datetime) -> None:
    assert calendar.next_opening(at) == opening


# --------------------------------------------------------------------------- wall times at a switch


def test_an_interval_starting_in_the_spring_gap_starts_when_the_clocks_jump() -> None:
    # 02:30 does not exist on 29 March in Oslo; the office opens at 03:00 CEST = 01:00Z
    gap = BusinessCalendar.weekly("Europe/Oslo", {6: [(time(2, 30), time(4))]})
    assert gap.next_opening(z(3, 28, 12)) == z(3, 29, 1)
    assert gap.working_seconds(z(3, 28), z(3, 30)) == 1 * H


def test_an_interval_starting_in_the_repeated_hour_starts_at_its_first_occurrence() -> None:
    # 02:30 happens twice on 25 October in Oslo; the first is 02:30 CEST = 00:30Z,
    # 04:00 CET = 03:00Z, so the interval is 2.5 h long
    fold = BusinessCalendar.weekly("Europe/Oslo", {6: [(time(2, 30), time(4))]})
    assert fold.next_opening(z(10, 24, 12)) == z(10, 25, 0, 30)
    assert fold.working_seconds(z(10, 24), z(10, 26)) == 2 * H + 1800


# --------------------------------------------------------------------------- definitions


def test_touching_intervals_are_joined_and_order_does_not_matter() -> None:
    calendar = BusinessCalendar.weekly("UTC", {0: [(time(13), time(17)), (time(9), time(13))]})
    assert calendar.week[0] == ((time(9), time(17)),)
    assert calendar.week[1:] == ((),) * 6


def test_always_is_every_instant() -> None:
    assert BusinessCalendar.always() == ALWAYS
    assert ALWAYS.next_opening(z(3, 7, 3)) == z(3, 7, 3)


def test_calendars_are_values() -> None:
    again = BusinessCalendar.weekly(
        "Europe/Oslo", {d: [(time(9), time(17))] for d in WEEKDAYS}, holidays=[date(2026, 5, 1)]
    )
    assert again == OFFICE
    assert hash(again) == hash(OFFICE)


@pytest.mark.parametrize(
    ("time_zone", "hours", "holidays", "field"),
    [
        pytest.param("Mars/Olympus", {0: [(time(9), time(17))]}, [], "time_zone", id="zone"),
        pytest.param("", {0: [(time(9), time(17))]}, [], "time_zone", id="empty-zone"),
        pytest.param("../etc", {0: [(time(9), time(17))]}, [], "time_zone", id="path-zone"),
        pytest.param("Europe", {0: [(time(9), time(17))]}, [], "time_zone", id="folder-zone"),
        pytest.param("a" * 300, {0: [(time(9), time(17))]}, [], "time_zone", id="long-zone"),
        pytest.param("UTC", {0: [(time(17), time(9))]}, [], "hours", id="end-before-start"),
        pytest.param("UTC", {0: [(time(9), time(9))]}, [], "hours", id="empty-interval"),
        pytest.param(
            "UTC", {0: [(time(9), time(12)), (time(11), time(14))]}, [], "hours", id="overlap"
        ),
        pytest.param(
            "UTC", {0: [(time(20), time(0)), (time(22), time(23))]}, [], "hours", id="overlap-24h"
        ),
        pytest.param("UTC", {7: [(time(9), time(17))]}, [], "hours", id="weekday-7"),
        pytest.param("UTC", {}, [], "hours", id="no-hours-at-all"),
        pytest.param("UTC", {0: []}, [], "hours", id="only-empty-days"),
        pytest.param("UTC", {0: [(time(9, tzinfo=UTC), time(17))]}, [], "hours", id="aware-time"),
        pytest.param("UTC", {0: [(time(9), time(17), time(18))]}, [], "hours", id="not-a-pair"),
        pytest.param(
            "UTC", {0: [(time(9), time(17))]}, [z(5, 1)], "holidays", id="holiday-datetime"
        ),
    ],
)
def test_invalid_calendars_name_the_field(
    time_zone: str, hours: dict[int, list[tuple[time, ...]]], holidays: list[date], field: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        BusinessCalendar.weekly(time_zone, hours, holidays)  # type: ignore[arg-type]
    assert err.value.field == field


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: OFFICE.is_open(datetime(2026, 3, 2, 9)), id="is_open"),
        pytest.param(lambda: OFFICE.next_opening(datetime(2026, 3, 2, 9)), id="next_opening"),
        pytest.param(
            lambda: OFFICE.working_seconds(datetime(2026, 3, 2, 9), z(3, 3)), id="working-start"
        ),
        pytest.param(
            lambda: OFFICE.working_seconds(z(3, 2), datetime(2026, 3, 3)), id="working-end"
        ),
        pytest.param(
            lambda: OFFICE.add_working_seconds(datetime(2026, 3, 2, 9), 60), id="add-start"
        ),
    ],
)
def test_naive_datetimes_are_refused(call: object) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --------------------------------------------------------------------------- properties

CALENDARS = [OFFICE, SPLIT, NIGHT, NEW_YORK, NY_NIGHT, ALWAYS]
#: Starts near every DST switch of 2026 and anywhere in the year.
ANCHORS = [z(3, 8), z(3, 29), z(10, 25), z(11, 1), z(5, 1), z(1, 1), z(7, 1)]


def _random_instant(rng: random.Random) -> datetime:
    anchor = rng.choice(ANCHORS)
    return anchor + timedelta(seconds=rng.randrange(-4 * 86400, 4 * 86400))


@pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: f"{c.time_zone}-{len(c.week[0])}")
def test_add_and_working_seconds_are_inverse(calendar: BusinessCalendar) -> None:
    rng = random.Random(20260329)
    for _ in range(300):
        start = _random_instant(rng)
        seconds = rng.randrange(0, 21 * 86400)
        due = calendar.add_working_seconds(start, seconds)
        assert calendar.working_seconds(start, due) == seconds
        if seconds:
            # the earliest such instant: one second less of office time a second earlier
            assert calendar.working_seconds(start, due - timedelta(seconds=1)) == seconds - 1
        end = start + timedelta(seconds=rng.randrange(0, 21 * 86400))
        counted = calendar.working_seconds(start, end)
        reached = calendar.add_working_seconds(start, counted)
        assert reached <= end
        assert calendar.working_seconds(start, reached) == counted


def _open_by_wall_clock(calendar: BusinessCalendar, at: datetime) -> bool:
    """An independent oracle: read the local wall clock and look the time up."""
    local = at.astimezone(ZoneInfo(calendar.time_zone))
    if local.date() in calendar.holidays:
        return False
    wall = local.time().replace(tzinfo=None)
    return any(
        start <= wall and (end == time(0) or wall < end)
        for start, end in calendar.week[local.weekday()]
    )


@pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: f"{c.time_zone}-{len(c.week[0])}")
def test_working_seconds_agrees_with_counting_minutes(calendar: BusinessCalendar) -> None:
    rng = random.Random(1025)
    for _ in range(12):
        start = _random_instant(rng).replace(second=0)
        end = start + timedelta(minutes=rng.randrange(0, 3 * 1440))
        minutes = 0
        at = start
        while at < end:
            assert calendar.is_open(at) is _open_by_wall_clock(calendar, at)
            minutes += _open_by_wall_clock(calendar, at)
            at += timedelta(minutes=1)
        assert calendar.working_seconds(start, end) == minutes * 60
