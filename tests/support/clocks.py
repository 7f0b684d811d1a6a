"""A clock tests set by hand, for the credential limits and rate windows (no sleeps)."""

from __future__ import annotations

import time


class FakeClock:
    """Unix time that stands still until ``advance`` moves it. It starts at the real
    time, so rows written with the real clock (console sign-ins) fall in its windows."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
