"""The rate window and the ``RateLimit`` header values, as a table."""

from __future__ import annotations

import pytest

from casedesk.domain.rate_limits import rate_state, window_start


@pytest.mark.parametrize(
    ("limit", "used", "now", "allowed", "policy", "state"),
    [
        (600, 1, 120.0, True, '"default";q=600;w=60', '"default";r=599;t=60'),
        (600, 1, 137.5, True, '"default";q=600;w=60', '"default";r=599;t=43'),
        (3, 3, 179.2, True, '"default";q=3;w=60', '"default";r=0;t=1'),
        (3, 4, 150.0, False, '"default";q=3;w=60', '"default";r=0;t=30'),
        (1, 1, 119.999, True, '"default";q=1;w=60', '"default";r=0;t=1'),
    ],
)
def test_state_and_headers(
    limit: int, used: int, now: float, allowed: bool, policy: str, state: str
) -> None:
    rate = rate_state(limit, used, now)
    assert rate.allowed is allowed
    assert rate.policy_header() == policy
    assert rate.state_header() == state


@pytest.mark.parametrize(
    ("now", "start"), [(0.0, 0), (59.99, 0), (60.0, 60), (1_764_960_061.5, 1_764_960_060)]
)
def test_windows_start_on_the_minute(now: float, start: int) -> None:
    assert window_start(now) == start
