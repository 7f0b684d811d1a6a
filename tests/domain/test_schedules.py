"""Recurrences as tables of hand-computed instants.

Zone facts used below (2026): Europe/Oslo springs forward on Sunday 29 March at 01:00Z
(02:00 CET -> 03:00 CEST) and falls back on Sunday 25 October at 01:00Z (03:00 CEST ->
02:00 CET). America/New_York springs forward on Sunday 8 March at 07:00Z (02:00 EST ->
03:00 EDT) and falls back on Sunday 1 November at 06:00Z (02:00 EDT -> 01:00 EST).
Australia/Lord_Howe moves by half an hour on Sunday 4 October at 15:30Z (02:00 -> 02:30).
CET = UTC+1, CEST = UTC+2, EST = UTC-5, EDT = UTC-4.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.schedules import DueRun, Kind, Recurrence, due_run

OSLO, NYC = "Europe/Oslo", "America/New_York"


def z(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


DAILY_9_OSLO = Recurrence.daily(time(9), OSLO)
DAILY_9_NYC = Recurrence.daily(time(9), NYC)
DAILY_0230_OSLO = Recurrence.daily(time(2, 30), OSLO)
WEEKDAYS_9_NYC = Recurrence.cron("0 9 * * 1-5", NYC)
WEEKDAYS_9_OSLO = Recurrence.cron("0 9 * * 1-5", OSLO)
MONTHLY_31 = Recurrence.monthly(31, time(10), "UTC")
FEB_29_OSLO = Recurrence.yearly(2, 29, time(8), OSLO)
MON_THU_8_OSLO = Recurrence.weekly([1, 4], time(8), OSLO)


# --------------------------------------------------------------------------- next_after


@pytest.mark.parametrize(
    ("recurrence", "after", "expected"),
    [
        # daily 09:00 Oslo: 08:00Z in winter, 07:00Z in summer; local time stays 09:00
        pytest.param(DAILY_9_OSLO, z(2026, 3, 27, 12), z(2026, 3, 28, 8), id="oslo-daily-cet"),
        pytest.param(DAILY_9_OSLO, z(2026, 3, 28, 8), z(2026, 3, 29, 7), id="oslo-daily-spring"),
        pytest.param(DAILY_9_OSLO, z(2026, 10, 24, 7), z(2026, 10, 25, 8), id="oslo-daily-fall"),
        # "strictly after": a moment before 09:00 gives today, 09:00 itself gives tomorrow
        pytest.param(DAILY_9_OSLO, z(2026, 3, 30, 6, 59), z(2026, 3, 30, 7), id="same-day"),
        pytest.param(DAILY_9_OSLO, z(2026, 3, 30, 7), z(2026, 3, 31, 7), id="strictly-after"),
        # daily 09:00 New York: 14:00Z under EST, 13:00Z under EDT
        pytest.param(DAILY_9_NYC, z(2026, 3, 7, 14), z(2026, 3, 8, 13), id="nyc-daily-spring"),
        pytest.param(DAILY_9_NYC, z(2026, 10, 31, 13), z(2026, 11, 1, 14), id="nyc-daily-fall"),
        # 02:30 does not exist on 29 March in Oslo: it runs at 03:00 CEST = 01:00Z,
        # and the day after at 02:30 CEST = 00:30Z again
        pytest.param(DAILY_0230_OSLO, z(2026, 3, 28, 12), z(2026, 3, 29, 1), id="oslo-gap"),
        pytest.param(DAILY_0230_OSLO, z(2026, 3, 29, 1), z(2026, 3, 30, 0, 30), id="after-gap"),
        # 02:30 does not exist on 8 March in New York: 03:00 EDT = 07:00Z
        pytest.param(
            Recurrence.daily(time(2, 30), NYC), z(2026, 3, 7, 12), z(2026, 3, 8, 7), id="nyc-gap"
        ),
        # Lord Howe skips 02:00-02:30: 02:15 runs at 02:30 +11:00 = 15:30Z the day before
        pytest.param(
            Recurrence.daily(time(2, 15), "Australia/Lord_Howe"),
            z(2026, 10, 3, 12),
            z(2026, 10, 3, 15, 30),
            id="half-hour-gap",
        ),
        # 02:30 happens twice on 25 October in Oslo: 00:30Z (CEST) and 01:30Z (CET).
        # Only the first runs; from inside or after the repeat the next run is the 26th,
        # 02:30 CET = 01:30Z.
        pytest.param(DAILY_0230_OSLO, z(2026, 10, 24, 12), z(2026, 10, 25, 0, 30), id="fold-1st"),
        pytest.param(
            DAILY_0230_OSLO, z(2026, 10, 25, 0, 30), z(2026, 10, 26, 1, 30), id="fold-2nd"
        ),
        pytest.param(DAILY_0230_OSLO, z(2026, 10, 25, 1), z(2026, 10, 26, 1, 30), id="in-fold"),
        # 01:30 happens twice on 1 November in New York: 05:30Z (EDT) runs, 06:30Z does not
        pytest.param(
            Recurrence.daily(time(1, 30), NYC),
            z(2026, 10, 31, 12),
            z(2026, 11, 1, 5, 30),
            id="nyc-fold-1st",
        ),
        pytest.param(
            Recurrence.daily(time(1, 30), NYC),
            z(2026, 11, 1, 5, 30),
            z(2026, 11, 2, 6, 30),
            id="nyc-fold-2nd",
        ),
        # monthly on the 31st: the last day of shorter months, and back to the 31st after
        pytest.param(MONTHLY_31, z(2026, 1, 31, 10), z(2026, 2, 28, 10), id="31st-in-feb"),
        pytest.param(MONTHLY_31, z(2026, 2, 28, 10), z(2026, 3, 31, 10), id="31st-in-mar"),
        pytest.param(MONTHLY_31, z(2026, 4, 1), z(2026, 4, 30, 10), id="31st-in-apr"),
        pytest.param(MONTHLY_31, z(2028, 1, 31, 10), z(2028, 2, 29, 10), id="31st-leap-feb"),
        pytest.param(MONTHLY_31, z(2026, 12, 31, 10), z(2027, 1, 31, 10), id="31st-new-year"),
        # yearly on 29 February 08:00 Oslo (CET, 07:00Z): the 28th in common years
        pytest.param(FEB_29_OSLO, z(2026, 1, 1), z(2026, 2, 28, 7), id="feb29-common"),
        pytest.param(FEB_29_OSLO, z(2026, 2, 28, 7), z(2027, 2, 28, 7), id="feb29-next-year"),
        pytest.param(FEB_29_OSLO, z(2027, 3, 1), z(2028, 2, 29, 7), id="feb29-leap"),
        pytest.param(FEB_29_OSLO, z(2028, 2, 28, 12), z(2028, 2, 29, 7), id="feb29-not-28th"),
        pytest.param(
            Recurrence.yearly(12, 31, time(23, 30), "UTC"),
            z(2026, 12, 31, 23, 30),
            z(2027, 12, 31, 23, 30),
            id="yearly-dec-31",
        ),
        # Monday and Thursday 08:00 Oslo: Mon 23 March, Thu 26 March (CET, 07:00Z),
        # Mon 30 March (CEST, 06:00Z)
        pytest.param(MON_THU_8_OSLO, z(2026, 3, 23, 7), z(2026, 3, 26, 7), id="mon-to-thu"),
        pytest.param(MON_THU_8_OSLO, z(2026, 3, 24), z(2026, 3, 26, 7), id="tue-to-thu"),
        pytest.param(MON_THU_8_OSLO, z(2026, 3, 26, 7), z(2026, 3, 30, 6), id="thu-to-mon-dst"),
        # Sunday only (7): from Monday 2 March to Sunday 8 March, 08:00 CET
        pytest.param(
            Recurrence.weekly([7], time(8), OSLO), z(2026, 3, 2), z(2026, 3, 8, 7), id="sunday"
        ),
        # cron weekdays 09:00 New York: Friday 6 March 14:00Z (EST) -> Monday 9 March
        # 13:00Z (EDT), over the weekend and the switch
        pytest.param(WEEKDAYS_9_NYC, z(2026, 3, 6, 14), z(2026, 3, 9, 13), id="cron-nyc-weekend"),
        pytest.param(WEEKDAYS_9_NYC, z(2026, 3, 7, 15), z(2026, 3, 9, 13), id="cron-from-sat"),
        pytest.param(WEEKDAYS_9_NYC, z(2026, 3, 9, 12), z(2026, 3, 9, 13), id="cron-same-day"),
        pytest.param(WEEKDAYS_9_NYC, z(2026, 3, 9, 13), z(2026, 3, 10, 13), id="cron-next-day"),
        # cron weekdays 09:00 Oslo: Fri 27 March 08:00Z -> Mon 30 March 07:00Z, and
        # Fri 23 October 07:00Z -> Mon 26 October 08:00Z
        pytest.param(WEEKDAYS_9_OSLO, z(2026, 3, 27, 8), z(2026, 3, 30, 7), id="cron-oslo-spring"),
        pytest.param(WEEKDAYS_9_OSLO, z(2026, 10, 23, 7), z(2026, 10, 26, 8), id="cron-oslo-fall"),
        # cron in the gap: 02:30 -> 03:00 CEST; all of */20 in hour 2 collapse into one run
        pytest.param(
            Recurrence.cron("30 2 * * *", OSLO),
            z(2026, 3, 28, 12),
            z(2026, 3, 29, 1),
            id="cron-gap",
        ),
        pytest.param(
            Recurrence.cron("*/20 2 * * *", OSLO),
            z(2026, 3, 29, 0, 59),
            z(2026, 3, 29, 1),
            id="cron-gap-collapses",
        ),
        pytest.param(
            Recurrence.cron("*/20 2 * * *", OSLO),
            z(2026, 3, 29, 1),
            z(2026, 3, 30, 0),
            id="cron-gap-once",
        ),
        # cron in the repeated hour: 02:00 and 02:30 CEST (00:00Z, 00:30Z) run, the CET
        # repeat does not; the next is 02:00 CET on the 26th = 01:00Z
        pytest.param(
            Recurrence.cron("*/30 2 * * *", OSLO),
            z(2026, 10, 25, 0, 30),
            z(2026, 10, 26, 1),
            id="cron-fold-once",
        ),
        # hourly over the fall-back: 02:00 CEST (00:00Z) then 03:00 CET (02:00Z)
        pytest.param(
            Recurrence.cron("0 * * * *", OSLO),
            z(2026, 10, 25, 0),
            z(2026, 10, 25, 2),
            id="cron-hourly-fold",
        ),
        # hourly over the spring-forward: 01:00 CET (00:00Z) then 03:00 CEST (01:00Z)
        pytest.param(
            Recurrence.cron("0 * * * *", OSLO),
            z(2026, 3, 29, 0),
            z(2026, 3, 29, 1),
            id="cron-hourly-gap",
        ),
    ],
)
def test_next_after(recurrence: Recurrence, after: datetime, expected: datetime) -> None:
    got = recurrence.next_after(after)
    assert got == expected
    assert got.tzinfo is UTC


def test_next_after_keeps_the_local_time_over_a_year_of_days() -> None:
    # Every daily 09:00 Oslo run in 2026 is at 09:00 local, exactly one per date.
    oslo = ZoneInfo(OSLO)
    t, seen = z(2025, 12, 31, 12), []
    for _ in range(365):
        t = DAILY_9_OSLO.next_after(t)
        local = t.astimezone(oslo)
        assert (local.hour, local.minute) == (9, 0)
        seen.append(local.date())
    assert len(set(seen)) == 365
    assert seen[0].isoformat() == "2026-01-01" and seen[-1].isoformat() == "2026-12-31"


def test_next_after_accepts_any_aware_datetime() -> None:
    # 09:00 CET on 28 March given in Oslo time is 08:00Z, the same instant as above.
    in_oslo = datetime(2026, 3, 28, 9, tzinfo=ZoneInfo(OSLO))
    assert DAILY_9_OSLO.next_after(in_oslo) == z(2026, 3, 29, 7)


# --------------------------------------------------------------------------- last_at_or_before


@pytest.mark.parametrize(
    ("recurrence", "at", "expected"),
    [
        # inclusive: 09:00 CEST on 29 March is 07:00Z
        pytest.param(DAILY_9_OSLO, z(2026, 3, 29, 7), z(2026, 3, 29, 7), id="inclusive"),
        pytest.param(DAILY_9_OSLO, z(2026, 3, 29, 6, 59), z(2026, 3, 28, 8), id="day-before"),
        # after the repeated 02:30: the first one (00:30Z) is the occurrence
        pytest.param(DAILY_0230_OSLO, z(2026, 10, 25, 1, 45), z(2026, 10, 25, 0, 30), id="fold"),
        pytest.param(DAILY_0230_OSLO, z(2026, 10, 25, 0, 20), z(2026, 10, 24, 0, 30), id="pre"),
        # 01:10Z is 02:10 in the second (CET) pass: 02:30 already ran in the first, at 00:30Z
        pytest.param(DAILY_0230_OSLO, z(2026, 10, 25, 1, 10), z(2026, 10, 25, 0, 30), id="repeat"),
        pytest.param(
            Recurrence.cron("30 2 * * *", OSLO),
            z(2026, 10, 25, 1, 10),
            z(2026, 10, 25, 0, 30),
            id="cron-repeat",
        ),
        # the gap: 02:30 ran at 03:00 CEST = 01:00Z
        pytest.param(DAILY_0230_OSLO, z(2026, 3, 29, 5), z(2026, 3, 29, 1), id="gap"),
        # Sunday 8 March evening in New York: last weekday run is Friday 09:00 EST = 14:00Z
        pytest.param(WEEKDAYS_9_NYC, z(2026, 3, 8, 20), z(2026, 3, 6, 14), id="cron-weekend"),
        pytest.param(MONTHLY_31, z(2026, 3, 15), z(2026, 2, 28, 10), id="monthly-clamped"),
        pytest.param(FEB_29_OSLO, z(2027, 6, 1), z(2027, 2, 28, 7), id="yearly"),
    ],
)
def test_last_at_or_before(recurrence: Recurrence, at: datetime, expected: datetime) -> None:
    assert recurrence.last_at_or_before(at) == expected


# --------------------------------------------------------------------------- due_run

# Daily 09:00 Oslo in early March (CET): the occurrences are 08:00Z each day.


@pytest.mark.parametrize(
    ("recurrence", "last_run", "anchor", "now", "expected"),
    [
        # saved at 11:00 on 2 March: today's 09:00 is before the anchor, nothing runs
        pytest.param(DAILY_9_OSLO, None, z(2026, 3, 2, 10), z(2026, 3, 2, 12), None, id="new"),
        # the next morning, exactly at 09:00: due, nothing skipped
        pytest.param(
            DAILY_9_OSLO,
            None,
            z(2026, 3, 2, 10),
            z(2026, 3, 3, 8),
            DueRun(z(2026, 3, 3, 8), skipped_earlier=False),
            id="first-run",
        ),
        pytest.param(
            DAILY_9_OSLO, None, z(2026, 3, 2, 10), z(2026, 3, 3, 7, 59), None, id="too-early"
        ),
        # 3 March created; later that day nothing more is due (idempotent)
        pytest.param(
            DAILY_9_OSLO,
            z(2026, 3, 3, 8),
            z(2026, 3, 2, 10),
            z(2026, 3, 3, 12),
            None,
            id="already-created",
        ),
        pytest.param(
            DAILY_9_OSLO,
            z(2026, 3, 3, 8),
            z(2026, 3, 2, 10),
            z(2026, 3, 4, 8, 30),
            DueRun(z(2026, 3, 4, 8), skipped_earlier=False),
            id="next-day",
        ),
        # down from 3 March until 6 March 11:00: only the 6th is created; 4th and 5th skipped
        pytest.param(
            DAILY_9_OSLO,
            z(2026, 3, 3, 8),
            z(2026, 3, 2, 10),
            z(2026, 3, 6, 10),
            DueRun(z(2026, 3, 6, 8), skipped_earlier=True),
            id="catch-up-one",
        ),
        # edited on 3 March at 13:00 (new anchor): runs before the edit stay forgotten
        pytest.param(
            DAILY_9_OSLO,
            z(2026, 3, 1, 8),
            z(2026, 3, 3, 12),
            z(2026, 3, 4, 9),
            DueRun(z(2026, 3, 4, 8), skipped_earlier=False),
            id="anchor-wins",
        ),
        # weekdays in New York: Friday run made, Monday 09:30 EDT; the weekend is not a miss
        pytest.param(
            WEEKDAYS_9_NYC,
            z(2026, 3, 6, 14),
            z(2026, 3, 1),
            z(2026, 3, 9, 13, 30),
            DueRun(z(2026, 3, 9, 13), skipped_earlier=False),
            id="cron-over-weekend",
        ),
        # 02:30 ran in its first pass (00:30Z); after the second pass nothing is due
        pytest.param(
            DAILY_0230_OSLO,
            z(2026, 10, 25, 0, 30),
            z(2026, 10, 1),
            z(2026, 10, 25, 1, 45),
            None,
            id="fold-runs-once",
        ),
    ],
)
def test_due_run(
    recurrence: Recurrence,
    last_run: datetime | None,
    anchor: datetime,
    now: datetime,
    expected: DueRun | None,
) -> None:
    assert due_run(recurrence, last_run=last_run, anchor=anchor, now=now) == expected


def test_due_run_creates_each_occurrence_once_when_polled_every_ten_minutes() -> None:
    # A job polling every 10 minutes through the Oslo spring-forward week creates exactly
    # the seven 02:30 runs (the one on the 29th at 03:00 CEST).
    last_run: datetime | None = None
    anchor, created = z(2026, 3, 26), []
    for step in range(7 * 24 * 6):
        now = datetime.fromtimestamp(anchor.timestamp() + step * 600, UTC)
        due = due_run(DAILY_0230_OSLO, last_run=last_run, anchor=anchor, now=now)
        if due is not None:
            assert not due.skipped_earlier
            created.append(due.at)
            last_run = due.at
    assert created == [
        z(2026, 3, 26, 1, 30),
        z(2026, 3, 27, 1, 30),
        z(2026, 3, 28, 1, 30),
        z(2026, 3, 29, 1),
        z(2026, 3, 30, 0, 30),
        z(2026, 3, 31, 0, 30),
        z(2026, 4, 1, 0, 30),
    ]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("build", "field"),
    [
        pytest.param(lambda: Recurrence.daily(time(9), "Mars/Olympus"), "zone", id="zone"),
        pytest.param(lambda: Recurrence.daily(time(9), ""), "zone", id="zone-empty"),
        pytest.param(lambda: Recurrence.daily(time(9), "Europe"), "zone", id="zone-folder"),
        pytest.param(lambda: Recurrence.daily(time(9, tzinfo=UTC), "UTC"), "at", id="aware-at"),
        pytest.param(lambda: Recurrence(Kind.DAILY, "UTC"), "at", id="no-at"),
        pytest.param(lambda: Recurrence.weekly([], time(9), "UTC"), "weekdays", id="no-days"),
        pytest.param(lambda: Recurrence.weekly([0], time(9), "UTC"), "weekdays", id="weekday-0"),
        pytest.param(lambda: Recurrence.weekly([1, 8], time(9), "UTC"), "weekdays", id="day-8"),
        pytest.param(lambda: Recurrence.monthly(0, time(9), "UTC"), "day", id="month-day-0"),
        pytest.param(lambda: Recurrence.monthly(32, time(9), "UTC"), "day", id="month-day-32"),
        pytest.param(lambda: Recurrence.yearly(13, 1, time(9), "UTC"), "month", id="month-13"),
        pytest.param(lambda: Recurrence.yearly(0, 1, time(9), "UTC"), "month", id="month-0"),
        pytest.param(lambda: Recurrence.yearly(2, 30, time(9), "UTC"), "day", id="feb-30"),
        pytest.param(lambda: Recurrence.yearly(4, 31, time(9), "UTC"), "day", id="apr-31"),
        pytest.param(lambda: Recurrence.cron("0 9 * *", "UTC"), "expression", id="4-fields"),
        pytest.param(lambda: Recurrence.cron("0 0 9 * * 1", "UTC"), "expression", id="6-fields"),
        pytest.param(lambda: Recurrence.cron("61 * * * *", "UTC"), "expression", id="minute-61"),
        pytest.param(lambda: Recurrence.cron("0 0 30 2 *", "UTC"), "expression", id="never"),
        pytest.param(lambda: Recurrence.cron("a b c d e", "UTC"), "expression", id="words"),
        pytest.param(lambda: Recurrence(Kind.CRON, "UTC"), "expression", id="cron-missing"),
        pytest.param(
            lambda: Recurrence(Kind.CRON, "UTC", at=time(9), expression="0 9 * * *"),
            "at",
            id="cron-with-at",
        ),
        pytest.param(
            lambda: Recurrence(Kind.DAILY, "UTC", at=time(9), expression="0 9 * * *"),
            "expression",
            id="daily-with-cron",
        ),
        pytest.param(
            lambda: Recurrence(Kind.DAILY, "UTC", at=time(9), day=3), "day", id="daily-with-day"
        ),
        pytest.param(
            lambda: Recurrence(Kind.MONTHLY, "UTC", at=time(9), day=1, weekdays=frozenset({1})),
            "weekdays",
            id="monthly-with-weekday",
        ),
        pytest.param(
            lambda: Recurrence(Kind.MONTHLY, "UTC", at=time(9), day=1, month=2),
            "month",
            id="monthly-with-month",
        ),
    ],
)
def test_invalid_recurrences_name_the_field(build: Callable[[], Recurrence], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        build()
    assert err.value.field == field


NAIVE = datetime(2026, 3, 1, 9)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda: DAILY_9_OSLO.next_after(NAIVE), "after", id="next_after"),
        pytest.param(lambda: DAILY_9_OSLO.last_at_or_before(NAIVE), "at", id="last"),
        pytest.param(
            lambda: due_run(DAILY_9_OSLO, last_run=None, anchor=z(2026, 1, 1), now=NAIVE),
            "now",
            id="due-now",
        ),
        pytest.param(
            lambda: due_run(DAILY_9_OSLO, last_run=None, anchor=NAIVE, now=z(2026, 3, 2)),
            "anchor",
            id="due-anchor",
        ),
        pytest.param(
            lambda: due_run(DAILY_9_OSLO, last_run=NAIVE, anchor=z(2026, 1, 1), now=z(2026, 3, 2)),
            "last_run",
            id="due-last-run",
        ),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        call()
    assert err.value.field == field


def test_a_cron_occurrence_exactly_at_the_instant_is_the_last_at_or_before_it() -> None:
    cron = Recurrence.cron("30 7 * * *", "Europe/Oslo")
    at = datetime(2026, 3, 25, 6, 30, tzinfo=UTC)  # 07:30 in Oslo
    assert cron.last_at_or_before(at) == at
    assert cron.last_at_or_before(at - timedelta(seconds=1)) == at - timedelta(days=1)
