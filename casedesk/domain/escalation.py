"""Alert levels on SLA targets, traffic lights, and the owner's read status.

Seed 001 gives a case an ``AlertLevel`` and an ``AlertTimeout``: "the datetime for when
the ticket should jump to the next alert level". Levels are defined per policy relative
to a target's due date, either as a share of the target elapsed (warn at 80 %) or as
minutes before (negative) or after (positive) the due date, measured in the target's
office time, so "an hour before due" on a Monday 09:30 deadline is Friday 16:30, not
Monday 08:30. A sweep stores the level and acts when it rises (:func:`levels_crossed`:
notify the assignee and followers, write the audit); ``alert_timeout`` tells it when to
look again, so it need not poll every case every minute.

Level thresholds are compared with the target's *remaining* office time, which is also
known while the clock is paused: a paused case keeps its level and has no timeout,
instead of dropping its alert and raising it again on resume.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from casedesk.domain.calendars import ALWAYS, BusinessCalendar, require_aware
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.sla import SlaStatus, TargetState


class Light(StrEnum):
    """A traffic light: seed 001's ReadStatus values, and the SLA state of a case."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class AlertLevel:
    """One level: reached at a share of the target or at minutes relative to the due date.

    Set exactly one of ``fraction_of_target`` (0.8 = when 80 % of the target's office time
    has elapsed; above 1 is after the due date) and ``minutes_from_due`` (-30 = half an
    hour of office time before due, 0 = at due, 60 = an hour after).
    """

    level: int
    name: str
    fraction_of_target: float | None = None
    minutes_from_due: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, int) or self.level < 1:
            raise ValidationFailed("alert levels are numbered from 1", field="levels")
        if (self.fraction_of_target is None) == (self.minutes_from_due is None):
            raise ValidationFailed(
                f"level {self.level}: give either a share of the target or minutes from due",
                field="levels",
            )
        if self.fraction_of_target is not None and not self.fraction_of_target > 0:
            raise ValidationFailed(
                f"level {self.level}: the share of the target must be above 0", field="levels"
            )


#: A warning at 80 %, the due date itself, and an hour past due.
DEFAULT_LEVELS = (
    AlertLevel(1, "warning", fraction_of_target=0.8),
    AlertLevel(2, "due", minutes_from_due=0),
    AlertLevel(3, "overdue", minutes_from_due=60),
)


def validate_levels(levels: Iterable[AlertLevel]) -> tuple[AlertLevel, ...]:
    """The levels sorted by number; numbers must be unique."""
    ordered = tuple(sorted(levels, key=lambda level: level.level))
    numbers = [level.level for level in ordered]
    if len(set(numbers)) != len(numbers):
        raise ValidationFailed("alert level numbers must be unique", field="levels")
    return ordered


@dataclass(frozen=True, slots=True)
class AlertState:
    """``level`` 0 means no alert; ``alert_timeout`` is when a higher level is reached
    if the clock keeps running (``None`` at the top level, while paused, or with no due
    date)."""

    level: int
    alert_timeout: datetime | None


def alert_for_remaining(
    now: datetime,
    remaining_seconds: int,
    levels: Sequence[AlertLevel],
    *,
    running: bool = True,
    calendar: BusinessCalendar = ALWAYS,
    target_minutes: int | None = None,
) -> AlertState:
    """The level reached with ``remaining_seconds`` of office time left (negative: overdue).

    ``target_minutes`` is needed only by levels given as a share of the target.
    """
    now = require_aware(now, "now")
    thresholds = [(level.level, _threshold(level, target_minutes)) for level in levels]
    current = max((n for n, at in thresholds if remaining_seconds <= at), default=0)
    if not running:
        return AlertState(current, None)
    waits = [remaining_seconds - at for n, at in thresholds if n > current]
    positive = [wait for wait in waits if wait > 0]
    if not positive:
        return AlertState(current, None)
    return AlertState(current, calendar.add_working_seconds(now, min(positive)))


def alert_state(
    now: datetime,
    due_at: datetime | None,
    levels: Sequence[AlertLevel],
    calendar: BusinessCalendar = ALWAYS,
    *,
    target_minutes: int | None = None,
) -> AlertState:
    """The alert level at ``now`` for a running clock due at ``due_at``.

    No due date (paused, met, or no target) gives level 0 and no timeout; use
    :func:`target_alert` to keep the level of a paused target.
    """
    now = require_aware(now, "now")
    if due_at is None:
        return AlertState(0, None)
    due_at = require_aware(due_at, "due_at")
    if due_at >= now:
        remaining = calendar.working_seconds(now, due_at)
    else:
        remaining = -calendar.working_seconds(due_at, now)
    return alert_for_remaining(
        now, remaining, levels, calendar=calendar, target_minutes=target_minutes
    )


def target_alert(
    now: datetime,
    state: TargetState,
    levels: Sequence[AlertLevel],
    calendar: BusinessCalendar,
) -> AlertState:
    """The alert level of one SLA target; a met target has none, a paused one keeps its."""
    if state.completed_at is not None:
        return AlertState(0, None)
    return alert_for_remaining(
        now,
        state.remaining_seconds,
        levels,
        running=not state.paused,
        calendar=calendar,
        target_minutes=state.target_minutes,
    )


def levels_crossed(
    previous_level: int, new_level: int, levels: Sequence[AlertLevel]
) -> tuple[AlertLevel, ...]:
    """The levels above ``previous_level`` up to ``new_level``, lowest first.

    Empty when the level did not rise. A sweep that finds a case two levels higher than
    stored (the process was down) gets both, and may choose to act on the last only.
    """
    return tuple(
        level for level in validate_levels(levels) if previous_level < level.level <= new_level
    )


def read_status(
    assigned_at: datetime, owner_read_at: datetime | None, last_activity_at: datetime | None
) -> Light:
    """Seed 001's ReadStatus of a case for its owner.

    Red: the owner has not opened it since it was assigned to them. Yellow: something
    happened after they last read it. Green: read, and nothing new. ``last_activity_at``
    should be the last change made by someone other than the owner; their own edits
    must not turn their case yellow.
    """
    assigned_at = require_aware(assigned_at, "assigned_at")
    if owner_read_at is None or require_aware(owner_read_at, "owner_read_at") < assigned_at:
        return Light.RED
    if last_activity_at is not None and require_aware(
        last_activity_at, "last_activity_at"
    ) > require_aware(owner_read_at, "owner_read_at"):
        return Light.YELLOW
    return Light.GREEN


def sla_light(state: TargetState | None, warn_at: float = 0.8) -> Light:
    """Red once breached (also when met late), yellow from ``warn_at`` of the target
    elapsed while not yet met, else green; no target is green."""
    if state is None:
        return Light.GREEN
    if state.breached_at is not None:
        return Light.RED
    if state.completed_at is None and state.elapsed_seconds >= round(
        warn_at * state.target_minutes * 60
    ):
        return Light.YELLOW
    return Light.GREEN


def case_light(status: SlaStatus, warn_at: float = 0.8) -> Light:
    """The worst light of a case's targets."""
    lights = {
        sla_light(state, warn_at)
        for state in (status.first_response, status.next_response, status.resolution)
    }
    for light in (Light.RED, Light.YELLOW):
        if light in lights:
            return light
    return Light.GREEN


def _threshold(level: AlertLevel, target_minutes: int | None) -> int:
    """Remaining office seconds at or below which ``level`` is reached."""
    if level.minutes_from_due is not None:
        return -level.minutes_from_due * 60
    if target_minutes is None:
        raise ValueError(f"level {level.level} is a share of the target; give target_minutes")
    assert level.fraction_of_target is not None
    target = target_minutes * 60
    return target - round(level.fraction_of_target * target)
