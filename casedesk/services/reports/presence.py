"""Who is on a case right now: agents viewing it and agents typing a reply.

Kept in memory per process; an open case page sends a heartbeat every
``HEARTBEAT_SECONDS`` and an entry without one for ``EXPIRE_SECONDS`` is gone. A change
of who is on a case is published through the live hub as a ``presence`` event, which
only subscribers who may see the case receive.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

HEARTBEAT_SECONDS = 10.0
EXPIRE_SECONDS = 25.0
STATES = ("viewing", "typing")


@dataclass(frozen=True, slots=True)
class Present:
    user_id: int
    name: str
    state: str


class PresenceBoard:
    """``case_id -> user_id -> (name, state, expires at)``, safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cases: dict[int, dict[int, tuple[str, str, float]]] = {}

    def mark(self, case_id: int, user_id: int, name: str, state: str) -> bool:
        """Record a heartbeat; True when who is on the case (or what they do) changed."""
        now = time.monotonic()
        with self._lock:
            before = self._snapshot(case_id, now)
            if state == "gone":
                self._cases.get(case_id, {}).pop(user_id, None)
            else:
                self._cases.setdefault(case_id, {})[user_id] = (name, state, now + EXPIRE_SECONDS)
            return before != self._snapshot(case_id, now)

    def on_case(self, case_id: int) -> list[Present]:
        """Who is on the case now, sorted by name."""
        with self._lock:
            return sorted(
                (
                    Present(u, n, s)
                    for u, (n, s) in self._snapshot(case_id, time.monotonic()).items()
                ),
                key=lambda p: (p.name, p.user_id),
            )

    def _snapshot(self, case_id: int, now: float) -> dict[int, tuple[str, str]]:
        entries = self._cases.get(case_id, {})
        for user_id in [u for u, (_, _, exp) in entries.items() if exp <= now]:
            del entries[user_id]
        if not entries:
            self._cases.pop(case_id, None)
        return {u: (n, s) for u, (n, s, _) in entries.items()}


BOARD = PresenceBoard()
