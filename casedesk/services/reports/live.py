"""Live updates for signed-in agents: the change feed fanned out to open event streams.

One :class:`LiveHub` per process and database tails the change feed (every change to a
case, whoever made it: agent, customer, mail, rule, job or any API face) from where it
stood when the hub started. Woken by the in-process commit signal, and by looking at the
database every ``POLL_SECONDS``, it also sees what other server processes over the same
database committed, so every process's streams hear every change.

Segregation: before a change is queued for a subscriber, the case ids are run through the
same visibility filter the lists use (``readable_cases``), once per distinct visibility
(corporation, groups, organization) rather than once per subscriber. A subscriber never
receives anything about a case they cannot see, not even its id.

Presence (who views a case, who is typing a reply) is published through the same hub:
see ``presence.py``. New notifications go to their own user's streams alone, as a
``notification`` event without a case id: the page then asks for its bell again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.access import readable_cases
from casedesk.services.reports import pg_listener
from casedesk.services.reports.changes import MAX_WAIT, Cursor, changes_async
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, Notification

log = logging.getLogger(__name__)

#: Events a slow subscriber may have waiting before the oldest are dropped.
QUEUE_SIZE = 256
_END = 2**62
_HORIZON = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")

VisibilityKey = tuple[int, frozenset[int] | None, int | None]


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """``kind`` is ``case`` (the case changed), ``presence`` (who is on it changed) or
    ``notification`` (the subscriber has a new notification; ``case_id`` is 0)."""

    kind: str
    case_id: int
    action: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class Subscriber:
    """One open stream: the agent's principal and the queue the hub fills."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.queue: asyncio.Queue[LiveEvent] = asyncio.Queue(QUEUE_SIZE)
        self.loop = asyncio.get_running_loop()

    @property
    def key(self) -> VisibilityKey:
        p = self.principal
        groups = p.visible_group_ids
        return (p.corporation_id, None if groups is None else frozenset(groups), p.organization_id)

    def put(self, event: LiveEvent) -> None:
        """Queue ``event`` (from the hub's loop); a full queue drops its oldest."""
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(event)


def visible_case_ids(session: Session, principal: Principal, case_ids: Iterable[int]) -> set[int]:
    """Of ``case_ids``, those ``principal`` may see (the lists' filter)."""
    ids = sorted(set(case_ids))
    if not ids or not principal.can(Permission.VIEW_CASE):
        return set()
    stmt = readable_cases(principal).with_only_columns(Case.id).where(Case.id.in_(ids))
    return set(session.scalars(stmt))


def tail_cursor(session: Session) -> Cursor:
    """Where the change feed ends now: a reader starting here gets only later changes."""
    if session.get_bind().dialect.name == "postgresql":
        horizon = int(session.execute(select(_HORIZON)).scalar_one())
        return Cursor(horizon - 1, _END) if horizon > 0 else Cursor(0, 0)
    top = session.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    return Cursor(0, top.scalar() or 0)


class LiveHub:
    """The process's fan-out of case changes and presence to open event streams."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._subscribers: set[Subscriber] = set()
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: threading.Thread | None = None
        #: The newest notification already announced.
        self._notified = 0

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def subscribe(self, principal: Principal) -> Subscriber:
        """A new stream for ``principal``; starts tailing the feed on first use."""
        principal.require(Permission.VIEW_CASE)
        sub = Subscriber(principal)
        with self._lock:
            self._subscribers.add(sub)
        self.loop = asyncio.get_running_loop()
        if self.db.engine.dialect.name == "postgresql":
            pg_listener.ensure(self)
        if self._task is None or self._task.done():
            start = await asyncio.to_thread(self._tail)
            self._task = asyncio.get_running_loop().create_task(self._follow(start))
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    def _tail(self) -> Cursor:
        with self.db.read() as s:
            self._notified = s.scalar(select(func.max(Notification.id))) or 0
            return tail_cursor(s)

    def _new_notifications(self) -> set[int]:
        """The users with a notification newer than the last announced. On PostgreSQL a
        notification committed after a newer id was read is not announced: the bell's own
        once-a-minute refresh finds it."""
        with self.db.read() as s:
            rows = s.execute(
                select(Notification.id, Notification.user_id).where(
                    Notification.id > self._notified
                )
            ).all()
        if rows:
            self._notified = max(row.id for row in rows)
        return {row.user_id for row in rows}

    async def _follow(self, cursor: Cursor) -> None:
        """Read the feed (as the system: visibility is checked per subscriber) and fan out."""
        while self._subscribers:
            try:
                page = await changes_async(self.db, None, str(cursor), limit=1000, wait=MAX_WAIT)
            except Exception:  # a lost connection must not end live updates for good
                log.exception("reading the change feed for live updates failed")
                await asyncio.sleep(1.0)
                continue
            cursor = Cursor(*map(int, page.next_cursor.split(".")))
            events = [LiveEvent("case", c.case_id, c.action) for c in page.changes]
            if events:
                await self.publish(events)
                await self._announce(await asyncio.to_thread(self._new_notifications))

    async def _announce(self, user_ids: set[int]) -> None:
        """Tell each of ``user_ids``'s streams that they have a new notification."""
        if not user_ids:
            return
        with self._lock:
            subs = [s for s in self._subscribers if s.principal.user_id in user_ids]
        for sub in subs:
            sub.loop.call_soon_threadsafe(sub.put, LiveEvent("notification", 0))

    async def publish(self, events: list[LiveEvent]) -> None:
        """Queue each event for every subscriber who may see its case."""
        with self._lock:
            subs = list(self._subscribers)
        if not subs or not events:
            return
        case_ids = {e.case_id for e in events}
        seen = await asyncio.to_thread(self._visibility, subs, case_ids)
        for sub in subs:
            visible = seen.get(sub.key, set())
            for event in events:
                if event.case_id in visible:
                    sub.loop.call_soon_threadsafe(sub.put, event)

    def _visibility(
        self, subs: list[Subscriber], case_ids: set[int]
    ) -> dict[VisibilityKey, set[int]]:
        by_key: dict[VisibilityKey, Principal] = {}
        for sub in subs:
            by_key.setdefault(sub.key, sub.principal)
        with self.db.read() as s:
            return {key: visible_case_ids(s, p, case_ids) for key, p in by_key.items()}


_HUBS: weakref.WeakKeyDictionary[Database, LiveHub] = weakref.WeakKeyDictionary()
_HUBS_LOCK = threading.Lock()


def hub_for(db: Database) -> LiveHub:
    """The process's hub for ``db``."""
    with _HUBS_LOCK:
        hub = _HUBS.get(db)
        if hub is None:
            hub = _HUBS[db] = LiveHub(db)
        return hub
