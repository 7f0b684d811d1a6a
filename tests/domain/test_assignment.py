"""Auto-assignment strategies as tables of candidates and the agent each one picks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from casedesk.domain.assignment import Candidate, Strategy, parse_strategy, pick_assignee
from casedesk.domain.errors import ValidationFailed

T = datetime(2026, 3, 2, 9, tzinfo=UTC)
H = timedelta(hours=1)


def c(
    user_id: int, open_cases: int = 0, last: datetime | None = None, available: bool = True
) -> Candidate:
    return Candidate(user_id, open_cases, last, available)


# Agents 10, 20, 30, 40, listed out of order on purpose: the order of the list never matters.
TEAM = [c(30), c(10), c(40), c(20)]


@pytest.mark.parametrize(
    ("candidates", "last", "expected"),
    [
        # nobody assigned yet: the lowest id starts
        pytest.param(TEAM, None, 10, id="first-turn"),
        # the turn passes to the next id after the last one: 10 -> 20 -> 30 -> 40 -> 10
        pytest.param(TEAM, 10, 20, id="10-to-20"),
        pytest.param(TEAM, 20, 30, id="20-to-30"),
        pytest.param(TEAM, 30, 40, id="30-to-40"),
        pytest.param(TEAM, 40, 10, id="wraps-around"),
        # 30 is away: after 20 comes 40
        pytest.param([c(10), c(20), c(30, available=False), c(40)], 20, 40, id="skips-away"),
        # 10 is away too, at the wrap: 20
        pytest.param([c(10, available=False), c(20), c(40)], 40, 20, id="skips-at-wrap"),
        # the last assignee, 25, has left the team: the turn goes to the next id, 30
        pytest.param(TEAM, 25, 30, id="last-left-team"),
        pytest.param(TEAM, 99, 10, id="last-beyond-all"),
        # only the last assignee is available: they get it again
        pytest.param([c(10, available=False), c(20)], 20, 20, id="only-one-left"),
        # open cases and history do not matter to round robin
        pytest.param([c(10, 0, T), c(20, 50, None)], 10, 20, id="ignores-load"),
        # nobody available, nobody at all
        pytest.param([c(10, available=False)], 10, None, id="none-available"),
        pytest.param([], None, None, id="no-candidates"),
    ],
)
def test_round_robin(candidates: list[Candidate], last: int | None, expected: int | None) -> None:
    assert pick_assignee(Strategy.ROUND_ROBIN, candidates, last) == expected


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        # fewest open cases wins: 20 has 1
        pytest.param([c(10, 3, T), c(20, 1, T), c(30, 2, T)], 20, id="fewest-open"),
        # the least loaded agent is away: the next least loaded, 30
        pytest.param([c(10, 3), c(20, 1, available=False), c(30, 2)], 30, id="skips-away"),
        # tie on 2 open: 30 was assigned longest ago (T-2h)
        pytest.param([c(10, 2, T), c(20, 2, T - H), c(30, 2, T - 2 * H)], 30, id="tie-oldest"),
        # tie on 2 open: 20 was never assigned, which counts as longest ago
        pytest.param([c(10, 2, T - 9 * H), c(20, 2, None)], 20, id="tie-never-assigned"),
        # tie on open and on time: lowest id, whatever the listing order
        pytest.param([c(30, 1, T), c(10, 1, T), c(20, 1, T)], 10, id="tie-lowest-id"),
        pytest.param([c(30, 1), c(20, 1)], 20, id="tie-both-never"),
        # fewer open cases beats an older assignment
        pytest.param([c(10, 1, T), c(20, 2, T - 99 * H)], 10, id="load-before-recency"),
        # the same instant in another offset is a tie on time (09:00Z == 10:00+01:00)
        pytest.param([c(20, 1, T), c(10, 1, T.astimezone(timezone(H)))], 10, id="offsets-compare"),
        pytest.param([c(10, 0, available=False)], None, id="none-available"),
        pytest.param([], None, id="no-candidates"),
    ],
)
def test_least_open(candidates: list[Candidate], expected: int | None) -> None:
    # last_assigned_user_id plays no part in least_open
    assert pick_assignee(Strategy.LEAST_OPEN, candidates, 10) == expected
    assert pick_assignee(Strategy.LEAST_OPEN, candidates) == expected


def test_round_robin_turns_go_round_over_many_cases() -> None:
    last: int | None = None
    picks = []
    for _ in range(6):
        last = pick_assignee(Strategy.ROUND_ROBIN, TEAM, last)
        picks.append(last)
    assert picks == [10, 20, 30, 40, 10, 20]


@pytest.mark.parametrize(
    ("candidates", "field"),
    [
        pytest.param([c(10), c(10)], "candidates", id="duplicate-user"),
        pytest.param([c(10, -1)], "open_cases", id="negative-open"),
        pytest.param([c(10, 0, datetime(2026, 3, 2, 9))], "last_assigned_at", id="naive"),
    ],
)
def test_bad_candidates_name_the_field(candidates: list[Candidate], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        pick_assignee(Strategy.LEAST_OPEN, candidates)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("text", "expected"),
    [("round_robin", Strategy.ROUND_ROBIN), ("least_open", Strategy.LEAST_OPEN)],
)
def test_parse_strategy(text: str, expected: Strategy) -> None:
    assert parse_strategy(text) == expected


@pytest.mark.parametrize("text", ["", "random", "Round_Robin", "round-robin"])
def test_parse_strategy_refuses_unknown_names(text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_strategy(text)
    assert err.value.field == "assignment_strategy"
