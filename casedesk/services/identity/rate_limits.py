"""Per-token request rates, shared by every process of a deployment at little cost.

Each process counts the requests of each token in the current minute in memory and
decides at once: the count it last read from the database for the token and window,
plus what it has counted since, against the token's quota. Every ``flush_seconds`` (at
most) the counts gathered since the last flush are added to the shared rows of
``api_token_usage`` in one transaction, one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
for all tokens, and the totals that come back (every process's requests) become the new
starting points. A request never waits for the database: the flush runs after a
response is sent (``due`` tells the server when), on SQLite through the group commit.

So one process is exact, and a deployment of N processes can exceed a quota by what
the others served in one flush interval. See docs/decisions/0013-token-rate-limits.md.

The same flush writes when and from which address each token was last used: a process
notes a token's use at most once every ``TOUCH_SECONDS``, so the write costs one
``UPDATE`` per token a minute, never one per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from casedesk.domain.rate_limits import WINDOW_SECONDS, RateState, rate_state, window_start
from casedesk.store.db import Database
from casedesk.store.models import ApiToken, ApiTokenUsage

_usage = cast(Table, ApiTokenUsage.__table__)
_tokens = cast(Table, ApiToken.__table__)

#: A process writes a token's last use at most this often.
TOUCH_SECONDS = 60.0


#: A token's id and the start of one of its rate windows.
_Key = tuple[int, int]


@dataclass(slots=True)
class _Count:
    shared: int = 0  # the total the database gave back at the last flush
    pending: int = 0  # counted here since, not yet added to the database


class TokenRateLimiter:
    """The rate counts of one process (module docstring). ``default`` is the quota of
    a token that has none of its own; 0 switches the limit off for such tokens."""

    def __init__(
        self,
        db: Database,
        default: int,
        *,
        flush_seconds: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.default = default
        self.flush_seconds = flush_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._counts: dict[_Key, _Count] = {}
        self._last_flush = clock()
        #: When this process last noted each token's use, and the uses to write.
        self._touched: dict[int, float] = {}
        self._touches: dict[int, tuple[float, str]] = {}

    def touch(self, token_id: int, address: str) -> None:
        """Note a use of the token from ``address``, unless one was noted less than
        ``TOUCH_SECONDS`` ago."""
        now = self.clock()
        with self._lock:
            last = self._touched.get(token_id)
            if last is not None and now - last < TOUCH_SECONDS:
                return
            self._touched[token_id] = now
            self._touches[token_id] = (now, address[:64])

    def hit(self, token_id: int, quota: int | None) -> RateState | None:
        """Count one request of the token; its state, or None when it has no limit."""
        limit = self.default if quota is None else quota
        if limit <= 0:
            return None
        now = self.clock()
        key = (token_id, window_start(now))
        with self._lock:
            count = self._counts.get(key)
            if count is None:
                count = self._counts[key] = _Count()
            used = count.shared + count.pending + 1
            if used <= limit:
                count.pending += 1
        return rate_state(limit, used, now)

    def due(self) -> bool:
        """Whether counts are waiting and the last flush is ``flush_seconds`` old."""
        waiting = bool(self._counts) or bool(self._touches)
        return waiting and self.clock() - self._last_flush >= self.flush_seconds

    def flush(self) -> None:
        """Add the pending counts to the shared rows and read back the totals."""
        if not self._flushing.acquire(blocking=False):
            return  # another thread is at it
        try:
            self._flush()
        finally:
            self._flushing.release()

    def _flush(self) -> None:
        now = self.clock()
        current = window_start(now)
        with self._lock:
            self._last_flush = now
            for key in [k for k in self._counts if k[1] < current]:
                if not self._counts[key].pending:
                    del self._counts[key]  # an old window with nothing left to add
            pending = {key: c.pending for key, c in self._counts.items()}
            for count in self._counts.values():
                count.pending = 0
            touches, self._touches = self._touches, {}
        try:
            totals = self._write(pending, current, touches)
        except IntegrityError:
            return  # a token (or its user) was deleted meanwhile: this flush's counts go
        except Exception:
            with self._lock:  # put them back for the next flush
                for key, n in pending.items():
                    self._counts.setdefault(key, _Count()).pending += n
            raise
        with self._lock:
            for key, total in totals.items():
                known = self._counts.get(key)
                if known is not None and key[1] >= current:
                    known.shared = total
                else:
                    self._counts.pop(key, None)

    def _write(
        self, pending: dict[_Key, int], current: int, touches: dict[int, tuple[float, str]]
    ) -> dict[_Key, int]:
        uses = [
            {"id_": token, "at": datetime.fromtimestamp(at, UTC), "address": address}
            for token, (at, address) in sorted(touches.items())
        ]
        rows = [  # in key order: concurrent flushes lock the rows in one order
            {"token_id": token, "window_start": window, "count": n}
            for (token, window), n in sorted(pending.items())
        ]
        with self.db.write() as s:
            s.execute(delete(_usage).where(_usage.c.window_start < current - WINDOW_SECONDS))
            if uses:
                s.connection().execute(
                    update(_tokens)
                    .where(_tokens.c.id == bindparam("id_"))
                    .values(last_used_at=bindparam("at"), last_used_from=bindparam("address")),
                    uses,
                )
            if not rows:
                return {}
            insert = pg_insert if self.db.backend == "postgresql" else sqlite_insert
            values = insert(_usage).values(rows)
            upsert = values.on_conflict_do_update(
                index_elements=[_usage.c.token_id, _usage.c.window_start],
                set_={"count": _usage.c.count + values.excluded.count},
            ).returning(_usage.c.token_id, _usage.c.window_start, _usage.c.count)
            return {(t, w): c for t, w, c in s.execute(upsert)}
