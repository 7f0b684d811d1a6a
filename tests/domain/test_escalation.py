"""Alert levels and timeouts, levels crossed, read status and SLA traffic lights.

With DEFAULT_LEVELS and a 120 min target (7200 s): level 1 "warning" when at most 24 min
(1440 s) remain, level 2 "due" at 0 remaining, level 3 "overdue" at 60 min past due.
OFFICE is Monday to Friday 09:00-17:00 UTC; 2026-03-06 is a Friday, 2026-03-09 a Monday.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from casedesk.domain.calendars import ALWAYS, BusinessCalendar
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.escalation import (
    DEFAULT_LEVELS,
    AlertLevel,
    AlertState,
    Light,
    alert_for_remaining,
    alert_state,
    case_light,
    levels_crossed,
    read_status,
    sla_light,
    target_alert,
    validate_levels,
)
from casedesk.domain.sla import SlaStatus, TargetState

OFFICE = BusinessCalendar.weekly("UTC", {d: [(time(9), time(17))] for d in range(5)})
WARNING, DUE, OVERDUE = DEFAULT_LEVELS


def z(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


# --------------------------------------------------------------------------- alert_state


@pytest.mark.parametrize(
    ("calendar", "now", "due", "expected"),
    [
        # 24x7, due Mon 12:00
        pytest.param(ALWAYS, z(3, 9, 11), z(3, 9, 12), AlertState(0, z(3, 9, 11, 36)),
                     id="an-hour-left-warning-at-11:36"),
        pytest.param(ALWAYS, z(3, 9, 11, 36), z(3, 9, 12), AlertState(1, z(3, 9, 12)),
                     id="warning-reached"),
        pytest.param(ALWAYS, z(3, 9, 11, 50), z(3, 9, 12), AlertState(1, z(3, 9, 12)),
                     id="warning-until-due"),
        pytest.param(ALWAYS, z(3, 9, 12), z(3, 9, 12), AlertState(2, z(3, 9, 13)),
                     id="at-due"),
        pytest.param(ALWAYS, z(3, 9, 12, 30), z(3, 9, 12), AlertState(2, z(3, 9, 13)),
                     id="past-due"),
        pytest.param(ALWAYS, z(3, 9, 13), z(3, 9, 12), AlertState(3, None),
                     id="top-level-no-timeout"),
        pytest.param(ALWAYS, z(3, 10, 13), z(3, 9, 12), AlertState(3, None),
                     id="long-overdue"),
        pytest.param(ALWAYS, z(3, 9, 11), None, AlertState(0, None), id="no-due-date"),
        # office time, due Mon 09:30: on Fri 16:00 there are 60 + 30 min left; the warning
        # comes with 24 min left, after 66 office minutes: Fri 17:00 + 6 min -> Mon 09:06
        pytest.param(OFFICE, z(3, 6, 16), z(3, 9, 9, 30), AlertState(0, z(3, 9, 9, 6)),
                     id="office-warning-after-the-weekend"),
        # on Saturday 30 min are left, not 21.5 h
        pytest.param(OFFICE, z(3, 7, 12), z(3, 9, 9, 30), AlertState(0, z(3, 9, 9, 6)),
                     id="office-saturday"),
        # Mon 10:00: 30 office minutes past due; overdue at 10:30
        pytest.param(OFFICE, z(3, 9, 10), z(3, 9, 9, 30), AlertState(2, z(3, 9, 10, 30)),
                     id="office-past-due"),
        # due Mon 17:00; at 18:00 no office time has passed since: still level 2, and
        # overdue once an office hour has passed: Tue 10:00
        pytest.param(OFFICE, z(3, 9, 18), z(3, 9, 17), AlertState(2, z(3, 10, 10)),
                     id="office-overdue-waits-for-office-time"),
    ],
)  # fmt: skip
def test_alert_state(
    calendar: BusinessCalendar, now: datetime, due: datetime | None, expected: AlertState
) -> None:
    assert alert_state(now, due, DEFAULT_LEVELS, calendar, target_minutes=120) == expected


def test_levels_in_minutes_from_due_need_no_target() -> None:
    levels = [
        AlertLevel(1, "soon", minutes_from_due=-30),
        AlertLevel(2, "late", minutes_from_due=0),
    ]
    # 45 min before due: soon in 15 min
    assert alert_state(z(3, 9, 11, 15), z(3, 9, 12), levels) == AlertState(0, z(3, 9, 11, 30))


def test_a_share_of_the_target_needs_the_target() -> None:
    with pytest.raises(ValueError, match="target_minutes"):
        alert_state(z(3, 9, 11), z(3, 9, 12), DEFAULT_LEVELS)


@pytest.mark.parametrize(
    ("remaining", "running", "expected"),
    [
        pytest.param(3600, False, AlertState(0, None), id="paused-before-warning"),
        pytest.param(1000, False, AlertState(1, None), id="paused-keeps-warning"),
        pytest.param(-4000, False, AlertState(3, None), id="paused-keeps-overdue"),
        pytest.param(1000, True, AlertState(1, z(3, 9, 12, 16, 40)), id="running"),
    ],
)
def test_alert_for_remaining(remaining: int, running: bool, expected: AlertState) -> None:
    # at 12:00 with 1000 s left: level 1; level 2 (due) after 1000 s = 12:16:40
    now = z(3, 9, 12)
    result = alert_for_remaining(
        now, remaining, DEFAULT_LEVELS, running=running, target_minutes=120
    )
    assert result == expected


def _target(
    remaining: int, *, paused: bool = False, completed: datetime | None = None
) -> TargetState:
    return TargetState(
        target_minutes=120, started_at=z(3, 9, 9), elapsed_seconds=7200 - remaining,
        remaining_seconds=remaining, paused=paused, due_at=None, breached_at=None,
        completed_at=completed,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        pytest.param(_target(1000), AlertState(1, z(3, 9, 12, 16, 40)), id="running"),
        pytest.param(_target(-4000, paused=True), AlertState(3, None), id="paused-overdue"),
        pytest.param(_target(-4000, completed=z(3, 9, 11)), AlertState(0, None), id="met"),
    ],
)
def test_target_alert(state: TargetState, expected: AlertState) -> None:
    assert target_alert(z(3, 9, 12), state, DEFAULT_LEVELS, ALWAYS) == expected


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: AlertLevel(0, "zero", minutes_from_due=0), id="level-0"),
        pytest.param(lambda: AlertLevel(1, "both", 0.5, 0), id="both"),
        pytest.param(lambda: AlertLevel(1, "neither"), id="neither"),
        pytest.param(lambda: AlertLevel(1, "none", fraction_of_target=0), id="zero-share"),
        pytest.param(
            lambda: validate_levels(
                [AlertLevel(1, "a", minutes_from_due=0), AlertLevel(1, "b", minutes_from_due=5)]
            ),
            id="duplicate-number",
        ),
    ],
)
def test_invalid_levels(make: object) -> None:
    assert callable(make)
    with pytest.raises(ValidationFailed) as err:
        make()
    assert err.value.field == "levels"


# --------------------------------------------------------------------------- levels_crossed

SUPEROFFICE_LIKE = [
    AlertLevel(20, "second", minutes_from_due=0),
    AlertLevel(10, "first", fraction_of_target=0.5),
    AlertLevel(30, "third", minutes_from_due=120),
]


@pytest.mark.parametrize(
    ("previous", "new", "levels", "expected"),
    [
        pytest.param(0, 0, DEFAULT_LEVELS, (), id="no-alert"),
        pytest.param(0, 1, DEFAULT_LEVELS, (WARNING,), id="first-warning"),
        pytest.param(1, 3, DEFAULT_LEVELS, (DUE, OVERDUE), id="two-at-once"),
        pytest.param(2, 2, DEFAULT_LEVELS, (), id="unchanged"),
        pytest.param(3, 1, DEFAULT_LEVELS, (), id="falling"),
        pytest.param(0, 3, DEFAULT_LEVELS, DEFAULT_LEVELS, id="all"),
        pytest.param(
            10, 30, SUPEROFFICE_LIKE, (SUPEROFFICE_LIKE[0], SUPEROFFICE_LIKE[2]),
            id="gapped-numbers",
        ),
    ],
)  # fmt: skip
def test_levels_crossed(
    previous: int, new: int, levels: list[AlertLevel], expected: tuple[AlertLevel, ...]
) -> None:
    assert levels_crossed(previous, new, levels) == expected


# --------------------------------------------------------------------------- read status


@pytest.mark.parametrize(
    ("assigned", "read", "activity", "light"),
    [
        pytest.param(z(3, 9, 9), None, None, Light.RED, id="never-read"),
        pytest.param(z(3, 9, 9), z(3, 9, 8), None, Light.RED, id="read-before-reassignment"),
        pytest.param(z(3, 9, 9), z(3, 9, 10), None, Light.GREEN, id="read-nothing-new"),
        pytest.param(z(3, 9, 9), z(3, 9, 10), z(3, 9, 9, 30), Light.GREEN, id="read-after-it"),
        pytest.param(z(3, 9, 9), z(3, 9, 10), z(3, 9, 10), Light.GREEN, id="same-instant"),
        pytest.param(z(3, 9, 9), z(3, 9, 10), z(3, 9, 11), Light.YELLOW, id="new-activity"),
        pytest.param(z(3, 9, 9), None, z(3, 9, 11), Light.RED, id="red-wins-over-yellow"),
    ],
)
def test_read_status(
    assigned: datetime, read: datetime | None, activity: datetime | None, light: Light
) -> None:
    assert read_status(assigned, read, activity) == light


def test_read_status_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        read_status(datetime(2026, 3, 9), None, None)


# --------------------------------------------------------------------------- SLA lights


def _light_state(
    elapsed: int, *, breached: datetime | None = None, completed: datetime | None = None
) -> TargetState:
    return TargetState(
        target_minutes=100, started_at=z(3, 9, 9), elapsed_seconds=elapsed,
        remaining_seconds=6000 - elapsed, paused=False, due_at=None, breached_at=breached,
        completed_at=completed,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "light"),
    [
        pytest.param(None, Light.GREEN, id="no-target"),
        pytest.param(_light_state(4799), Light.GREEN, id="below-80-percent"),
        pytest.param(_light_state(4800), Light.YELLOW, id="at-80-percent"),
        pytest.param(_light_state(4800, completed=z(3, 9, 10)), Light.GREEN, id="met-in-time"),
        pytest.param(_light_state(7000, breached=z(3, 9, 11)), Light.RED, id="breached"),
        pytest.param(
            _light_state(7000, breached=z(3, 9, 11), completed=z(3, 9, 12)), Light.RED,
            id="met-late",
        ),
    ],
)  # fmt: skip
def test_sla_light(state: TargetState | None, light: Light) -> None:
    assert sla_light(state) == light


@pytest.mark.parametrize(
    ("status", "light"),
    [
        pytest.param(SlaStatus(None, None, None), Light.GREEN, id="no-targets"),
        pytest.param(SlaStatus(_light_state(10), None, _light_state(5000)), Light.YELLOW,
                     id="worst-is-yellow"),
        pytest.param(SlaStatus(_light_state(7000, breached=z(3, 9, 11)), None,
                               _light_state(5000)), Light.RED, id="worst-is-red"),
    ],
)  # fmt: skip
def test_case_light(status: SlaStatus, light: Light) -> None:
    assert case_light(status) == light
