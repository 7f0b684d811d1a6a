"""Auto-close with a chaser as a table: the action due at each moment and when to look again.

Every row starts from a case that entered the auto-close status at E = 2 March 2026 10:00Z.
The usual policy is a chaser after 3 days and closing 4 days after the chaser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casedesk.domain.auto_close import Action, auto_close_step, next_check_at
from casedesk.domain.errors import ValidationFailed

E = datetime(2026, 3, 2, 10, tzinfo=UTC)
D = timedelta(days=1)
S = timedelta(seconds=1)
CHASER, CLOSE = 3 * D, 4 * D


@pytest.mark.parametrize(
    ("chaser_sent_at", "now", "chaser_after", "expected", "next_check"),
    [
        # just entered: the chaser is due in 3 days
        pytest.param(None, E, CHASER, Action.NOTHING, E + 3 * D, id="just-entered"),
        pytest.param(None, E + 3 * D - S, CHASER, Action.NOTHING, E + 3 * D, id="before-chaser"),
        # exactly 3 days: the boundary is inclusive
        pytest.param(None, E + 3 * D, CHASER, Action.SEND_CHASER, E + 3 * D, id="chaser-at-3d"),
        # the job was down for 10 days: the chaser still goes out first, no close yet
        pytest.param(None, E + 10 * D, CHASER, Action.SEND_CHASER, E + 3 * D, id="chaser-first"),
        # chaser sent on time at E+3d: the close is due at E+7d, inclusive
        pytest.param(E + 3 * D, E + 3 * D, CHASER, Action.NOTHING, E + 7 * D, id="chaser-sent"),
        pytest.param(E + 3 * D, E + 7 * D - S, CHASER, Action.NOTHING, E + 7 * D, id="pre-close"),
        pytest.param(E + 3 * D, E + 7 * D, CHASER, Action.CLOSE, E + 7 * D, id="close-at-7d"),
        pytest.param(E + 3 * D, E + 30 * D, CHASER, Action.CLOSE, E + 7 * D, id="close-late"),
        # chaser sent late at E+5d: the customer still gets 4 full days, until E+9d
        pytest.param(E + 5 * D, E + 8 * D, CHASER, Action.NOTHING, E + 9 * D, id="late-chaser"),
        pytest.param(E + 5 * D, E + 9 * D, CHASER, Action.CLOSE, E + 9 * D, id="late-close"),
        # a chaser from an earlier stay in the status (before E) does not count
        pytest.param(E - D, E + 2 * D, CHASER, Action.NOTHING, E + 3 * D, id="stale-chaser"),
        pytest.param(E - D, E + 3 * D, CHASER, Action.SEND_CHASER, E + 3 * D, id="stale-resend"),
        # a chaser sent at the very instant of entering counts
        pytest.param(E, E + 4 * D, CHASER, Action.CLOSE, E + 4 * D, id="chaser-at-entry"),
        # no chaser (None or zero): close 4 days after entering
        pytest.param(None, E + 4 * D - S, None, Action.NOTHING, E + 4 * D, id="none-pre-close"),
        pytest.param(None, E + 4 * D, None, Action.CLOSE, E + 4 * D, id="none-close"),
        pytest.param(None, E + 4 * D, timedelta(0), Action.CLOSE, E + 4 * D, id="zero-close"),
        pytest.param(None, E, timedelta(0), Action.NOTHING, E + 4 * D, id="zero-entered"),
        # chaser switched off after one was sent at E+3d: still 4 days after the chaser
        pytest.param(E + 3 * D, E + 4 * D, None, Action.NOTHING, E + 7 * D, id="off-after-sent"),
        pytest.param(E + 3 * D, E + 7 * D, None, Action.CLOSE, E + 7 * D, id="off-then-close"),
    ],
)
def test_auto_close_step(
    chaser_sent_at: datetime | None,
    now: datetime,
    chaser_after: timedelta | None,
    expected: Action,
    next_check: datetime,
) -> None:
    assert auto_close_step(E, chaser_sent_at, now, chaser_after, CLOSE) == expected
    got = next_check_at(E, chaser_sent_at, chaser_after, CLOSE)
    assert got == next_check
    assert got.tzinfo is UTC


def test_a_job_walking_hour_by_hour_chases_once_then_closes() -> None:
    # Policy 3 days / 4 days, job every hour from E: one chaser at E+3d, close at E+7d.
    sent: datetime | None = None
    for hour in range(8 * 24):
        now = E + timedelta(hours=hour)
        action = auto_close_step(E, sent, now, CHASER, CLOSE)
        if action == Action.SEND_CHASER:
            assert sent is None and now == E + 3 * D
            sent = now
        elif action == Action.CLOSE:
            assert sent == E + 3 * D and now == E + 7 * D
            return
    raise AssertionError("never closed")


def test_other_zones_are_read_as_the_same_instant() -> None:
    # 11:00 in Oslo (CET) on 5 March is E + 3 days exactly.
    now = datetime(2026, 3, 5, 11, tzinfo=ZoneInfo("Europe/Oslo"))
    assert auto_close_step(E, None, now, CHASER, CLOSE) == Action.SEND_CHASER


NAIVE = datetime(2026, 3, 2, 10)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(
            lambda: auto_close_step(E, None, E, -S, CLOSE), "chaser_after", id="negative-chaser"
        ),
        pytest.param(
            lambda: auto_close_step(E, None, E, CHASER, timedelta(0)),
            "close_after",
            id="zero-close",
        ),
        pytest.param(lambda: next_check_at(E, None, None, -D), "close_after", id="neg-close"),
        pytest.param(
            lambda: auto_close_step(NAIVE, None, E, CHASER, CLOSE), "entered_at", id="naive-entered"
        ),
        pytest.param(
            lambda: auto_close_step(E, NAIVE, E, CHASER, CLOSE), "chaser_sent_at", id="naive-chaser"
        ),
        pytest.param(lambda: auto_close_step(E, None, NAIVE, CHASER, CLOSE), "now", id="naive-now"),
    ],
)
def test_bad_input_names_the_field(call: Callable[[], object], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        call()
    assert err.value.field == field
