"""Business calendars: when office time runs, and how much of it lies between two instants.

SLA targets and the "office hours" time metrics of seed 001 ("calculated based on
priority's timeframe") count only time inside a calendar's office hours. A calendar is a
time zone, weekly office hours in local wall time, and holidays (local dates without
office hours). All instants going in and out are aware datetimes; results are UTC.

Why the arithmetic steps by day and not by minute: an SLA sweep evaluates these functions
for every open case, so the cost must depend on the number of days spanned, not on the
number of minutes. Each local day is turned into its UTC office intervals once (DST
included) and cached on the calendar, together with the day's total.

Local wall times that do not exist (the spring-forward gap) are taken as the instant the
clocks jump, so an office interval crossing the gap is an hour shorter; wall times that
occur twice (the fall-back hour) are taken at their first occurrence, so an interval
crossing it is an hour longer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from casedesk.domain.errors import ValidationFailed

#: ``time(0)`` as the *end* of an interval means the end of the day (24:00).
MIDNIGHT = time(0)

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)

#: Weekly office hours: for weekday 0 (Monday) .. 6 (Sunday), local (start, end) intervals.
Week = tuple[tuple[tuple[time, time], ...], ...]
_Interval = tuple[datetime, datetime]


def require_aware(value: datetime, name: str) -> datetime:
    """The instant ``value`` in UTC; a naive datetime is a programming error at the caller."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Office hours in one time zone. Build with :meth:`weekly` or :meth:`always`.

    ``week`` holds seven tuples (Monday first) of sorted, non-overlapping local
    ``(start, end)`` intervals; an end of ``time(0)`` means 24:00, so ``(time(0), time(0))``
    is the whole day. ``holidays`` are local dates with no office hours at all.
    Invalid definitions raise :class:`ValidationFailed` naming ``time_zone``, ``hours`` or
    ``holidays``; a calendar without any office hours is invalid, which is what guarantees
    that :meth:`add_working_seconds` and :meth:`next_opening` always find an answer.
    """

    time_zone: str
    week: Week
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _always: bool = field(init=False, repr=False, compare=False, hash=False)
    _days: dict[date, tuple[tuple[_Interval, ...], timedelta]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            raise ValidationFailed(
                f"unknown time zone {self.time_zone!r}", field="time_zone"
            ) from None
        if len(self.week) != 7:
            raise ValidationFailed("office hours need one entry per weekday", field="hours")
        for weekday, intervals in enumerate(self.week):
            _check_day(weekday, intervals)
        if not any(self.week):
            raise ValidationFailed("a calendar needs office hours on some weekday", field="hours")
        for holiday in self.holidays:
            if isinstance(holiday, datetime) or not isinstance(holiday, date):
                raise ValidationFailed(f"holiday {holiday!r} is not a date", field="holidays")
        whole_day = ((MIDNIGHT, MIDNIGHT),)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(
            self, "_always", not self.holidays and all(d == whole_day for d in self.week)
        )
        object.__setattr__(self, "_days", {})

    # ------------------------------------------------------------------ construction

    @classmethod
    def weekly(
        cls,
        time_zone: str,
        hours: Mapping[int, Sequence[tuple[time, time]]],
        holidays: Iterable[date] = (),
    ) -> BusinessCalendar:
        """A calendar from ``{weekday: [(start, end), ...]}``; missing weekdays are closed.

        Intervals may be given in any order; touching ones (12:00-13:00, 13:00-17:00) are
        joined, overlapping ones are refused.
        """
        for weekday in hours:
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValidationFailed(
                    f"weekday {weekday!r} is not 0 (Monday) .. 6 (Sunday)", field="hours"
                )
        for weekday, intervals in hours.items():
            _check_pairs(weekday, intervals)
        week = tuple(_normalize(hours.get(weekday, ())) for weekday in range(7))
        return cls(time_zone, week, frozenset(holidays))

    @classmethod
    def always(cls) -> BusinessCalendar:
        """24x7: every instant is office time (the "Real" metrics of seed 001)."""
        return cls("UTC", (((MIDNIGHT, MIDNIGHT),),) * 7)

    # ------------------------------------------------------------------ queries

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` lies inside office hours (intervals are half-open: [start, end))."""
        at = require_aware(at, "at")
        if self._always:
            return True
        day = at.astimezone(self._zone).date()
        return any(start <= at < end for start, end in self._day(day)[0])

    def next_opening(self, at: datetime) -> datetime:
        """``at`` itself when open, else the start of the next office interval (UTC)."""
        at = require_aware(at, "at")
        if self._always:
            return at
        day = at.astimezone(self._zone).date()
        while True:
            for start, end in self._day(day)[0]:
                if at < end:
                    return max(start, at)
            day += _DAY

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Office time between two instants, exactly; zero when ``end <= start``."""
        start = require_aware(start, "start")
        end = require_aware(end, "end")
        if end <= start:
            return timedelta(0)
        if self._always:
            return end - start
        first = start.astimezone(self._zone).date()
        last = end.astimezone(self._zone).date()
        total = _clipped(self._day(first)[0], start, end)
        if last == first:
            return total
        day = first + _DAY
        while day < last:
            total += self._day(day)[1]
            day += _DAY
        return total + _clipped(self._day(last)[0], start, end)

    def working_seconds(self, start: datetime, end: datetime) -> int:
        """Whole seconds (floored) of office time between two instants; 0 if ``end <= start``."""
        return self.working_time(start, end) // _SECOND

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest instant by which ``amount`` of office time has elapsed after ``start``.

        Counting begins at the next opening when ``start`` is outside office hours. Because
        the *earliest* such instant is returned, a target that runs out exactly at closing
        time is due at closing time, not at the next opening; a zero amount gives ``start``.
        """
        start = require_aware(start, "start")
        if amount < timedelta(0):
            raise ValidationFailed("an amount of office time cannot be negative", field="seconds")
        if amount == timedelta(0) or self._always:
            return start + amount
        remaining = amount
        day = start.astimezone(self._zone).date()
        while True:
            intervals, day_total = self._day(day)
            if intervals and intervals[-1][1] > start:
                if intervals[0][0] >= start and day_total < remaining:
                    remaining -= day_total  # the whole day lies ahead and is not enough
                else:
                    for opening, closing in intervals:
                        if closing <= start:
                            continue
                        opening = max(opening, start)
                        span = closing - opening
                        if remaining <= span:
                            return opening + remaining
                        remaining -= span
            day += _DAY

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """:meth:`add_working_time` for a whole number of seconds."""
        return self.add_working_time(start, timedelta(seconds=seconds))

    # ------------------------------------------------------------------ internals

    def _day(self, day: date) -> tuple[tuple[_Interval, ...], timedelta]:
        """The UTC office intervals of one local date and their total, cached."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        intervals: list[_Interval] = []
        if day not in self.holidays:
            for start, end in self.week[day.weekday()]:
                opening = _instant(day, start, self._zone)
                closing = _instant(day + _DAY if end == MIDNIGHT else day, end, self._zone)
                if opening < closing:
                    intervals.append((opening, closing))
        result = (tuple(intervals), sum((e - s for s, e in intervals), timedelta(0)))
        self._days[day] = result
        return result


def _seconds(value: time, *, end: bool) -> int:
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return 86400 if end and seconds == 0 and value.microsecond == 0 else seconds


def _normalize(intervals: Sequence[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    ordered = sorted(intervals, key=lambda pair: (pair[0], _seconds(pair[1], end=True)))
    merged: list[tuple[time, time]] = []
    for start, end in ordered:
        if merged and merged[-1][1] == start and start != MIDNIGHT:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _check_pairs(weekday: int, intervals: Sequence[tuple[time, time]]) -> None:
    for pair in intervals:
        if (
            not isinstance(pair, tuple | list)
            or len(pair) != 2
            or not all(isinstance(t, time) for t in pair)
        ):
            raise ValidationFailed(
                f"weekday {weekday}: an interval is a (start, end) pair of times", field="hours"
            )


def _check_day(weekday: int, intervals: Sequence[tuple[time, time]]) -> None:
    """Intervals must be sorted, non-overlapping, local and end after they start."""
    _check_pairs(weekday, intervals)
    previous_end = -1
    for start, end in intervals:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValidationFailed(
                f"weekday {weekday}: office hours are local times without a zone", field="hours"
            )
        if start.microsecond or end.microsecond:
            raise ValidationFailed(
                f"weekday {weekday}: office hours are whole seconds", field="hours"
            )
        begin, finish = _seconds(start, end=False), _seconds(end, end=True)
        if begin >= finish:
            raise ValidationFailed(
                f"weekday {weekday}: interval {start}-{end} does not end after it starts",
                field="hours",
            )
        if begin < previous_end:
            raise ValidationFailed(
                f"weekday {weekday}: interval {start}-{end} overlaps the one before it",
                field="hours",
            )
        previous_end = finish


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time; see the module docstring for gaps and folds."""
    local = datetime.combine(day, wall, tzinfo=zone)
    first = local.astimezone(UTC)
    later_offset = local.replace(fold=1).astimezone(UTC)
    if later_offset >= first:
        return first  # an ordinary or a repeated wall time: its first occurrence
    # A wall time in the gap: fold=1 lands before the jump, fold=0 after it. Find the jump.
    low, high = later_offset, first
    offset_before = low.astimezone(zone).utcoffset()
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high


def _clipped(intervals: Iterable[_Interval], start: datetime, end: datetime) -> timedelta:
    total = timedelta(0)
    for opening, closing in intervals:
        low, high = max(opening, start), min(closing, end)
        if low < high:
            total += high - low
    return total


#: Every instant is office time.
ALWAYS = BusinessCalendar.always()
