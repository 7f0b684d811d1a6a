"""Wakes long-polling readers of the change feed when a write commits in this process.

A listener on the ``commit`` event of write transactions bumps a counter and calls every waiter. The
event fires just before the database commits, so a woken reader that finds nothing new
waits again; readers also look at the database every ``POLL_SECONDS`` on their own,
which is how they see commits made by other processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from casedesk.store.db import WRITE_OPTION, Database

#: How often a waiting reader looks at the database without being woken.
POLL_SECONDS = 0.5


class CommitSignal:
    """A counter of commits with waiters, usable from threads and from asyncio."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._count = 0
        self._callbacks: set[Callable[[], None]] = set()

    @property
    def count(self) -> int:
        return self._count

    def notify(self) -> None:
        with self._cond:
            self._count += 1
            self._cond.notify_all()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def wait(self, seen: int, timeout: float) -> None:
        """Return when a commit after ``seen`` happened, or after ``timeout`` seconds."""
        with self._cond:
            self._cond.wait_for(lambda: self._count != seen, timeout)

    async def wait_async(self, seen: int, timeout: float) -> None:
        """:meth:`wait` without holding a thread."""
        loop = asyncio.get_running_loop()
        woken = asyncio.Event()

        def wake() -> None:
            loop.call_soon_threadsafe(woken.set)

        self._callbacks.add(wake)
        try:
            if self._count == seen:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), timeout)
        finally:
            self._callbacks.discard(wake)


_SIGNALS: weakref.WeakKeyDictionary[Database, CommitSignal] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def signal_for(db: Database) -> CommitSignal:
    """The signal of ``db``'s commits (listening from the first call on)."""
    with _LOCK:
        signal = _SIGNALS.get(db)
        if signal is None:
            signal = _SIGNALS[db] = CommitSignal()

            def on_commit(conn: Any, sig: CommitSignal = signal) -> None:
                if conn.get_execution_options().get(WRITE_OPTION, False):
                    sig.notify()

            event.listen(db.engine, "commit", on_commit)
        return signal
