"""Clock classes and seed 001's time metrics, each row computed by hand.

Calendar: OFFICE is Monday to Friday 09:00-17:00 in UTC, so office time can be read off
the timestamps directly. 2026-03-02 is a Monday, 2026-03-06 a Friday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from casedesk.domain.calendars import ALWAYS, BusinessCalendar
from casedesk.domain.clock import (
    DEFAULT_CLOCK_CLASSES,
    CaseTimes,
    ClockClass,
    HistoryEntry,
    Span,
    case_times,
    clock_class_for,
    spans,
)
from casedesk.domain.statuses import InternalStatus

S = InternalStatus
C = ClockClass
OFFICE = BusinessCalendar.weekly("UTC", {d: [(time(9), time(17))] for d in range(5)})
HOLIDAY_TUESDAY = BusinessCalendar.weekly(
    "UTC", {d: [(time(9), time(17))] for d in range(5)}, holidays=[date(2026, 3, 3)]
)
OSLO = BusinessCalendar.weekly("Europe/Oslo", {d: [(time(9), time(17))] for d in range(5)})
H = 3600


def z(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


# --------------------------------------------------------------------------- clock classes


@pytest.mark.parametrize(
    ("internal", "clock"),
    [
        (S.OPEN, C.INTERNAL),
        (S.AWAITING_INTERNAL, C.INTERNAL),
        (S.AWAITING_EXTERNAL, C.EXTERNAL),
        (S.ON_HOLD, C.STOPPED),
        (S.CLOSED, C.STOPPED),
        (S.DELETED, C.STOPPED),
        (S.MERGED, C.STOPPED),
        (S.SPAM, C.STOPPED),
    ],
    ids=lambda v: v.name.lower() if isinstance(v, InternalStatus) else str(v),
)
def test_default_clock_class_of_every_internal_status(
    internal: InternalStatus, clock: ClockClass
) -> None:
    assert DEFAULT_CLOCK_CLASSES[internal] == clock
    assert clock_class_for(internal) == clock


def test_every_internal_status_has_a_default() -> None:
    assert set(DEFAULT_CLOCK_CLASSES) == set(InternalStatus)


@pytest.mark.parametrize(
    ("internal", "override", "clock"),
    [
        pytest.param(S.OPEN, C.QUEUE, C.QUEUE, id="new-status-counts-as-queue"),
        pytest.param(S.OPEN, C.EXTERNAL, C.EXTERNAL, id="waiting-for-vendor"),
        pytest.param(S.ON_HOLD, C.EXTERNAL, C.EXTERNAL, id="hold-for-customer"),
        pytest.param(S.OPEN, None, C.INTERNAL, id="no-override"),
    ],
)
def test_a_user_status_may_override_the_clock_class(
    internal: InternalStatus, override: ClockClass | None, clock: ClockClass
) -> None:
    assert clock_class_for(internal, override) == clock


# --------------------------------------------------------------------------- spans


def test_spans_end_the_current_state_at_now() -> None:
    history = [(z(3, 2, 9), C.QUEUE), (z(3, 2, 10), C.INTERNAL)]
    assert spans(history, z(3, 2, 12)) == [
        Span(z(3, 2, 9), z(3, 2, 10), C.QUEUE, False),
        Span(z(3, 2, 10), z(3, 2, 12), C.INTERNAL, True),
    ]


def test_spans_ignore_entries_after_now() -> None:
    history = [(z(3, 2, 9), C.INTERNAL), (z(3, 2, 11), C.EXTERNAL)]
    assert spans(history, z(3, 2, 10)) == [Span(z(3, 2, 9), z(3, 2, 10), C.INTERNAL, True)]


def test_spans_of_an_empty_history() -> None:
    assert spans([], z(3, 2)) == []


def test_spans_refuse_an_unordered_history() -> None:
    with pytest.raises(ValueError, match="ordered"):
        spans([(z(3, 2, 10), C.INTERNAL), (z(3, 2, 9), C.QUEUE)], z(3, 3))


def test_spans_refuse_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        spans([(datetime(2026, 3, 2, 9), C.INTERNAL)], z(3, 3))
    with pytest.raises(ValueError, match="timezone-aware"):
        case_times(datetime(2026, 3, 2), [], None, None, OFFICE, z(3, 3))


# --------------------------------------------------------------------------- case_times

Row = tuple[
    datetime, list[HistoryEntry], datetime | None, datetime | None, BusinessCalendar, datetime
]


def times(
    reply: tuple[int, int] | None = None,
    close: tuple[int, int] | None = None,
    internal: tuple[int, int] = (0, 0),
    external: tuple[int, int] = (0, 0),
    queue: tuple[int, int] = (0, 0),
    first_response_at: datetime | None = None,
    closed_at: datetime | None = None,
) -> CaseTimes:
    """Expected metrics; each pair is (office, real)."""
    return CaseTimes(
        first_response_at=first_response_at,
        closed_at=closed_at,
        time_to_reply=reply[0] if reply else None,
        real_time_to_reply=reply[1] if reply else None,
        time_to_close=close[0] if close else None,
        real_time_to_close=close[1] if close else None,
        time_spent_internally=internal[0],
        time_spent_externally=external[0],
        time_spent_queue=queue[0],
        real_time_spent_internally=internal[1],
        real_time_spent_externally=external[1],
        real_time_spent_queue=queue[1],
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            # created Mon 09:00 in the queue and still there: nothing replied, nothing
            # closed, and the current (only) state is not counted
            (z(3, 2, 9), [(z(3, 2, 9), C.QUEUE)], None, None, OFFICE, z(3, 2, 15)),
            times(),
            id="never-replied-only-current-state",
        ),
        pytest.param(
            # queue 09-10 counts (1 h); internal since 10:00 is the current state
            (
                z(3, 2, 9),
                [(z(3, 2, 9), C.QUEUE), (z(3, 2, 10), C.INTERNAL)],
                None,
                None,
                OFFICE,
                z(3, 2, 12),
            ),
            times(queue=(H, H)),
            id="open-ended-current-state-not-counted",
        ),
        pytest.param(
            # Mon 09-11 internal (2 h), waiting on the customer Mon 11:00 -> Tue 10:00
            # (office: 11-17 + 9-10 = 7 h; real 23 h), Tue 10-12 internal (2 h), closed
            # Tue 12:00. Reply Mon 10:30 = 90 min both ways. Close: office 8 h + 3 h =
            # 660 min, real 27 h = 1620 min.
            (
                z(3, 2, 9),
                [
                    (z(3, 2, 9), C.INTERNAL),
                    (z(3, 2, 11), C.EXTERNAL),
                    (z(3, 3, 10), C.INTERNAL),
                    (z(3, 3, 12), C.STOPPED),
                ],
                z(3, 2, 10, 30),
                z(3, 3, 12),
                OFFICE,
                z(3, 4, 9),
            ),
            times(
                reply=(90, 90),
                close=(660, 1620),
                internal=(4 * H, 4 * H),
                external=(7 * H, 23 * H),
                first_response_at=z(3, 2, 10, 30),
                closed_at=z(3, 3, 12),
            ),
            id="waiting-on-customer-then-back-then-closed",
        ),
        pytest.param(
            # created Fri 16:00 in the queue until Mon 10:00 (office: Fri 16-17 + Mon 9-10
            # = 2 h; real 66 h), internal Mon 10-11, external since 11:00 (current).
            # Reply Mon 10:15: office 1 h + 1 h 15 = 135 min, real 66 h 15 = 3975 min.
            (
                z(3, 6, 16),
                [(z(3, 6, 16), C.QUEUE), (z(3, 9, 10), C.INTERNAL), (z(3, 9, 11), C.EXTERNAL)],
                z(3, 9, 10, 15),
                None,
                OFFICE,
                z(3, 9, 12),
            ),
            times(
                reply=(135, 3975),
                queue=(2 * H, 66 * H),
                internal=(H, H),
                first_response_at=z(3, 9, 10, 15),
            ),
            id="over-a-weekend",
        ),
        pytest.param(
            # Tue 3 March is a holiday. Internal Mon 16:00-16:30, waiting on the customer
            # until Wed 10:00 (office: Mon 16:30-17 + Wed 9-10 = 1.5 h; real 41.5 h),
            # internal Wed 10-11, closed Wed 11:00. Reply Wed 09:30: office Mon 1 h + Wed
            # 30 min = 90 min, real 41.5 h = 2490 min. Close: office 1 h + 2 h = 180 min,
            # real 43 h = 2580 min.
            (
                z(3, 2, 16),
                [
                    (z(3, 2, 16), C.INTERNAL),
                    (z(3, 2, 16, 30), C.EXTERNAL),
                    (z(3, 4, 10), C.INTERNAL),
                    (z(3, 4, 11), C.STOPPED),
                ],
                z(3, 4, 9, 30),
                z(3, 4, 11),
                HOLIDAY_TUESDAY,
                z(3, 5, 9),
            ),
            times(
                reply=(90, 2490),
                close=(180, 2580),
                internal=(5400, 5400),
                external=(5400, 149400),
                first_response_at=z(3, 4, 9, 30),
                closed_at=z(3, 4, 11),
            ),
            id="over-a-holiday",
        ),
        pytest.param(
            # Oslo: created Fri 27 Mar 16:00 CET (15:00Z), replied Mon 30 Mar 10:00 CEST
            # (08:00Z): office 1 h + 1 h = 120 min, real 65 h = 3900 min
            (z(3, 27, 15), [(z(3, 27, 15), C.INTERNAL)], z(3, 30, 8), None, OSLO, z(3, 30, 9)),
            times(reply=(120, 3900), first_response_at=z(3, 30, 8)),
            id="reply-after-spring-forward",
        ),
        pytest.param(
            # minutes are floored: 1 min 59 s is 1 minute
            (z(3, 2, 9), [(z(3, 2, 9), C.INTERNAL)], z(3, 2, 9, 1, 59), None, OFFICE, z(3, 2, 10)),
            times(reply=(1, 1), first_response_at=z(3, 2, 9, 1, 59)),
            id="minutes-floored",
        ),
        pytest.param(
            # on hold (stopped) Mon 10-12 counts nowhere; internal 09-10 and 12-13
            (
                z(3, 2, 9),
                [
                    (z(3, 2, 9), C.INTERNAL),
                    (z(3, 2, 10), C.STOPPED),
                    (z(3, 2, 12), C.INTERNAL),
                    (z(3, 2, 13), C.EXTERNAL),
                ],
                None,
                None,
                OFFICE,
                z(3, 2, 14),
            ),
            times(internal=(2 * H, 2 * H)),
            id="stopped-counts-nowhere",
        ),
        pytest.param(
            # evening work outside office hours counts only in the real metrics
            (
                z(3, 2, 18),
                [(z(3, 2, 18), C.INTERNAL), (z(3, 2, 20), C.STOPPED)],
                None,
                z(3, 2, 20),
                OFFICE,
                z(3, 2, 21),
            ),
            times(close=(0, 120), internal=(0, 2 * H), closed_at=z(3, 2, 20)),
            id="after-hours",
        ),
        pytest.param(
            # imported data with a reply stamped before creation counts as zero
            (z(3, 2, 10), [(z(3, 2, 10), C.INTERNAL)], z(3, 2, 9), None, OFFICE, z(3, 2, 11)),
            times(reply=(0, 0), first_response_at=z(3, 2, 9)),
            id="reply-before-creation",
        ),
        pytest.param(
            # 24x7 as the priority's calendar: office and real agree
            (
                z(3, 6, 16),
                [(z(3, 6, 16), C.QUEUE), (z(3, 9, 10), C.INTERNAL)],
                None,
                None,
                ALWAYS,
                z(3, 9, 11),
            ),
            times(queue=(66 * H, 66 * H)),
            id="always-calendar",
        ),
    ],
)
def test_case_times(row: Row, expected: CaseTimes) -> None:
    assert case_times(*row) == expected


def test_case_times_converts_other_zones_to_utc() -> None:
    # 11:30 at UTC+2 is 09:30Z, half an hour after creation
    plus_two = datetime(2026, 3, 2, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    result = case_times(z(3, 2, 9), [(z(3, 2, 9), C.INTERNAL)], plus_two, None, OFFICE, z(3, 3))
    assert result.first_response_at == z(3, 2, 9, 30)
    assert result.first_response_at.tzinfo is UTC
    assert result.time_to_reply == 30


def test_seconds_are_floored_after_summing_spans() -> None:
    # two half-second spans add up to one whole second
    t0 = z(3, 2, 10)
    half = timedelta(milliseconds=500)
    history = [
        (t0, C.INTERNAL),
        (t0 + half, C.EXTERNAL),
        (t0 + 2 * half, C.INTERNAL),
        (t0 + 3 * half, C.STOPPED),
    ]
    result = case_times(t0, history, None, None, OFFICE, z(3, 2, 11))
    assert result.time_spent_internally == 1
    assert result.real_time_spent_externally == 0
