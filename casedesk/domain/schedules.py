"""Recurrences for scheduled cases, evaluated on the wall clock of a time zone.

"Every Monday at 09:00" means 09:00 where the people it is for live, summer and winter, so
occurrences are computed as local wall-clock times in an IANA zone and only then turned into
UTC instants. Two rules decide what happens around a daylight-saving change:

- A wall time that does not exist (the spring-forward gap, e.g. 02:30 in Oslo on the last
  Sunday of March) runs at the first instant after the gap, 03:00 local. Skipping it would
  lose a run without a trace; Python's default reading (fold=0) would put it at 03:30, after
  things the user scheduled for 03:00. This is also what Debian's cron does.
- A wall time that happens twice (fall-back) runs once, at its first occurrence (fold=0).

Monthly recurrences on the 29th-31st run on the last day of shorter months (the 31st means
"the end of the month", which is what people who pick it want), and a yearly recurrence on
29 February runs on 28 February in common years. Neither ever skips a period.

Cron expressions (five fields) are parsed and matched by cronsim over naive wall times, so
the two rules above apply to them too and "0 9 * * 1-5" stays at 09:00 local all year.

How a job catches up after downtime is decided by :func:`due_run`.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from casedesk.domain.errors import ValidationFailed


class Kind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"
    CRON = "cron"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """When a scheduled case repeats.

    ``at`` is a naive local time of day (every kind but cron); ``weekdays`` are ISO weekday
    numbers, 1 = Monday .. 7 = Sunday (weekly); ``day`` is the day of the month (monthly,
    yearly); ``month`` is 1..12 (yearly); ``expression`` is a five-field cron expression
    (cron). Fields that do not belong to the kind must be left empty, so a mistake such as a
    weekday on a monthly schedule is refused rather than ignored. Use the constructors.
    """

    kind: Kind
    zone: str
    at: time | None = None
    weekdays: frozenset[int] = frozenset()
    day: int | None = None
    month: int | None = None
    expression: str | None = None

    def __post_init__(self) -> None:
        _zone(self.zone)
        kind = self.kind
        if kind == Kind.CRON:
            _validate_cron(self.expression)
        elif not isinstance(self.at, time) or self.at.tzinfo is not None:
            raise ValidationFailed(
                "a local time of day without a time zone is required", field="at"
            )
        if kind == Kind.WEEKLY and not (self.weekdays and all(1 <= d <= 7 for d in self.weekdays)):
            raise ValidationFailed(
                "weekdays are one or more of 1 (Monday) .. 7 (Sunday)", field="weekdays"
            )
        if kind == Kind.MONTHLY and (self.day is None or not 1 <= self.day <= 31):
            raise ValidationFailed("day of month is 1..31", field="day")
        if kind == Kind.YEARLY:
            if self.month is None or not 1 <= self.month <= 12:
                raise ValidationFailed("month is 1..12", field="month")
            # 2000 is a leap year, so 29 February is accepted and 30 February is not.
            if self.day is None or not 1 <= self.day <= calendar.monthrange(2000, self.month)[1]:
                raise ValidationFailed(f"no day {self.day} in month {self.month}", field="day")
        _require_unset(
            at=self.at if kind == Kind.CRON else None,
            expression=self.expression if kind != Kind.CRON else None,
            weekdays=self.weekdays if kind != Kind.WEEKLY else None,
            day=self.day if kind not in (Kind.MONTHLY, Kind.YEARLY) else None,
            month=self.month if kind != Kind.YEARLY else None,
        )

    # ------------------------------------------------------------------ constructors

    @classmethod
    def daily(cls, at: time, zone: str) -> Recurrence:
        return cls(Kind.DAILY, zone, at=at)

    @classmethod
    def weekly(cls, weekdays: Iterable[int], at: time, zone: str) -> Recurrence:
        return cls(Kind.WEEKLY, zone, at=at, weekdays=frozenset(weekdays))

    @classmethod
    def monthly(cls, day: int, at: time, zone: str) -> Recurrence:
        return cls(Kind.MONTHLY, zone, at=at, day=day)

    @classmethod
    def yearly(cls, month: int, day: int, at: time, zone: str) -> Recurrence:
        return cls(Kind.YEARLY, zone, at=at, month=month, day=day)

    @classmethod
    def cron(cls, expression: str, zone: str) -> Recurrence:
        return cls(Kind.CRON, zone, expression=expression)

    # ------------------------------------------------------------------ evaluation

    def next_after(self, after: datetime) -> datetime:
        """The first occurrence strictly after ``after``, as an aware UTC datetime."""
        after = _as_utc(after, "after")
        zone = _zone(self.zone)
        # An occurrence whose wall time is at or before wall(after) is at or before `after`
        # (the wall-to-instant mapping below never goes backwards), so starting there and
        # skipping what is not later is exact, also inside a repeated hour.
        for wall in self._walls(_wall(after, zone), forward=True):
            instant = _instant(wall, zone)
            if instant > after:
                return instant
        raise ValidationFailed("the cron expression matches no time", field="expression")

    def last_at_or_before(self, at: datetime) -> datetime | None:
        """The latest occurrence at or before ``at`` (aware UTC), None if there is none."""
        at = _as_utc(at, "at")
        zone = _zone(self.zone)
        # Inside the second pass of a repeated hour, wall times later than wall(at) already
        # ran in the first pass; they reach up to wall(at) read with the first pass's offset.
        wall = _wall(at, zone)
        first_pass = wall.replace(tzinfo=zone, fold=0).utcoffset()
        assert first_pass is not None
        for candidate in self._walls(at.replace(tzinfo=None) + first_pass, forward=False):
            instant = _instant(candidate, zone)
            if instant <= at:
                return instant
        return None

    def _walls(self, start: datetime, *, forward: bool) -> Iterator[datetime]:
        """Candidate naive wall times from around ``start`` on, in order of direction.

        Candidates may lie a little on the wrong side of ``start``; callers filter by instant.
        """
        if self.kind == Kind.CRON:
            assert self.expression is not None
            return _cron_walls(self.expression, start, forward)
        assert self.at is not None
        at = self.at
        return (datetime.combine(d, at) for d in self._dates(start.date(), forward))

    def _dates(self, start: date, forward: bool) -> Iterator[date]:
        step = 1 if forward else -1
        if self.kind in (Kind.DAILY, Kind.WEEKLY):
            d = start
            while True:
                if self.kind == Kind.DAILY or d.isoweekday() in self.weekdays:
                    yield d
                d += timedelta(days=step)
        elif self.kind == Kind.MONTHLY:
            assert self.day is not None
            index = start.year * 12 + start.month - 1
            while True:
                year, month0 = divmod(index, 12)
                yield _clamped(year, month0 + 1, self.day)
                index += step
        else:
            assert self.month is not None and self.day is not None
            year = start.year
            while True:
                yield _clamped(year, self.month, self.day)
                year += step


@dataclass(frozen=True, slots=True)
class DueRun:
    """The occurrence a scheduler run should create now.

    ``skipped_earlier`` is true when earlier occurrences since the last run were missed
    (the scheduler was down) and are deliberately not created; worth a line in the log.
    """

    at: datetime
    skipped_earlier: bool


def due_run(
    recurrence: Recurrence, *, last_run: datetime | None, anchor: datetime, now: datetime
) -> DueRun | None:
    """The one occurrence to create now, or None when nothing is due.

    ``anchor`` is when the schedule was created or last changed: occurrences at or before it
    never run, so a new "daily 09:00" schedule saved at 10:00 starts tomorrow. ``last_run``
    is the occurrence (not the wall time of the job) created last, or None.

    Due occurrences lie in ``(max(last_run, anchor), now]``; only the latest is returned.
    After an outage, users want the current scheduled case, not thirty copies of a daily
    one; the missed ones are reported through ``skipped_earlier`` instead.

    The caller stores ``at`` as the new ``last_run`` in the same transaction as the case it
    creates, and keys the case by (schedule, ``at``) so two workers cannot both create it.
    """
    now = _as_utc(now, "now")
    lower = _as_utc(anchor, "anchor")
    if last_run is not None:
        lower = max(lower, _as_utc(last_run, "last_run"))
    latest = recurrence.last_at_or_before(now)
    if latest is None or latest <= lower:
        return None
    return DueRun(latest, skipped_earlier=recurrence.next_after(lower) < latest)


# ---------------------------------------------------------------------- helpers


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed(f"unknown time zone {name!r}", field="zone") from None


def _validate_cron(expression: str | None) -> None:
    if expression is None or len(expression.split()) != 5:
        raise ValidationFailed(
            "a cron expression has five fields: minute hour day-of-month month day-of-week",
            field="expression",
        )
    try:
        next(CronSim(expression, datetime(2000, 1, 1)))
    except (CronSimError, ValueError, StopIteration) as err:
        raise ValidationFailed(
            f"invalid cron expression {expression!r}: {err}", field="expression"
        ) from None


def _require_unset(**fields: object) -> None:
    for name, value in fields.items():
        if value is not None and value != frozenset():
            raise ValidationFailed(f"{name} does not apply to this kind of schedule", field=name)


def _as_utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{field} must be timezone-aware", field=field)
    return value.astimezone(UTC)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _cron_walls(expression: str, start: datetime, forward: bool) -> Iterator[datetime]:
    # A naive start makes cronsim match plain wall-clock times with no DST handling of its
    # own; the rules of this module are applied by _instant. Going back, cronsim skips a
    # match at ``start`` itself; starting a minute later includes it (callers filter).
    if not forward:
        start += timedelta(minutes=1)
    yield from CronSim(expression, start, reverse=not forward)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant a naive wall time runs at: fold=0 if it exists, else the gap's end."""
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(instant, zone) == wall:
        return instant
    return _end_of_gap(wall, zone)


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The transition instant that skipped ``wall``, found by bisection on whole seconds.

    Inside a gap, fold=1 reads the wall time with the offset after the transition (an
    instant before it) and fold=0 with the offset before (an instant after it); zone data
    has transitions on whole seconds.
    """
    low = math.floor(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = math.ceil(wall.replace(tzinfo=zone, fold=0).timestamp())
    before = datetime.fromtimestamp(low, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
