"""Per-token request rates: a fixed window of a minute, how much of it is left and when
it ends, as the ``RateLimit`` headers of draft-ietf-httpapi-ratelimit-headers say it.

A window starts on each whole minute (Unix time), the same instant in every process,
so counts kept by different processes for one token and window simply add up.
"""

from __future__ import annotations

from typing import NamedTuple

#: Length of a rate window, in seconds.
WINDOW_SECONDS = 60
#: The policy's name in the headers.
POLICY = "default"


def window_start(now: float) -> int:
    """The Unix second the window holding ``now`` started at."""
    return int(now // WINDOW_SECONDS) * WINDOW_SECONDS


class RateState(NamedTuple):
    """One request's place in its token's window: the quota, what is left after it,
    whether it may go ahead, and the whole seconds until the window ends. (A tuple, not
    a dataclass: one is made for every metered request.)"""

    limit: int
    used: int
    reset: int

    @property
    def allowed(self) -> bool:
        return self.used <= self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def policy_header(self) -> str:
        return f'"{POLICY}";q={self.limit};w={WINDOW_SECONDS}'

    def state_header(self) -> str:
        return f'"{POLICY}";r={self.remaining};t={self.reset}'


def rate_state(limit: int, used: int, now: float) -> RateState:
    """The state after the ``used``-th request of the window holding ``now``."""
    reset = window_start(now) + WINDOW_SECONDS - now
    return RateState(limit, used, max(1, int(reset + 0.999)))
