"""Listeners that see every outbox event inside the transaction that wrote it.

Every change to a case announces itself through ``audit.emit``/``emit_many``. Contexts
above ``cases`` (the rules engine) must react to those events in the same transaction,
before it commits, yet ``cases`` may not import them. So the dependency is inverted here:
the wiring of each process (app, worker, command line) registers listeners, ``emit``
queues the event on the session, and just before the session commits the queued events
are handed to the listeners one by one. Events a listener emits while it runs are queued
too, one step deeper (``QueuedEvent.depth``), so a listener can stop chains that loop.

Mail routers are the same inversion for the email channel: before a mail is matched to
a case, registered routers may redirect it (group, queue, …) or drop or quarantine it.

With no listener registered nothing is queued, so a process without the rules engine
pays for one list look-up per event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    corporation_id: int
    topic: str
    payload: dict[str, Any]
    #: 0 for an event of the original change; n for one caused by a listener's work on
    #: an event of depth n - 1.
    depth: int


Listener = Callable[[Session, QueuedEvent], None]
#: ``(session, corporation_id, facts)`` → a routing decision or None (see services.mail.intake).
MailRouter = Callable[[Session, int, dict[str, Any]], dict[str, Any] | None]

_QUEUE = "casedesk.event_queue"
_DEPTH = "casedesk.event_depth"
_DRAINING = "casedesk.event_draining"
_listeners: list[Listener] = []
_mail_routers: list[MailRouter] = []


def register(listener: Listener) -> None:
    """Call ``listener`` for every event before its transaction commits (once per process)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def register_mail_router(router: MailRouter) -> None:
    if router not in _mail_routers:
        _mail_routers.append(router)


def unregister_mail_router(router: MailRouter) -> None:
    if router in _mail_routers:
        _mail_routers.remove(router)


def route_mail(session: Session, corporation_id: int, facts: dict[str, Any]) -> dict[str, Any]:
    """The merged decisions of the registered mail routers (empty: take the mail as usual)."""
    decision: dict[str, Any] = {}
    for router in list(_mail_routers):
        found = router(session, corporation_id, facts)
        if found:
            decision |= found
    return decision


def queue(session: Session, events: list[tuple[int, str, dict[str, Any]]]) -> None:
    """Hold ``events`` for the listeners, at the depth of the work that emitted them."""
    if not _listeners:
        return
    depth = session.info.get(_DEPTH, 0)
    pending: list[QueuedEvent] = session.info.setdefault(_QUEUE, [])
    pending.extend(QueuedEvent(c, t, p, depth) for c, t, p in events)


def current_depth(session: Session) -> int:
    return int(session.info.get(_DEPTH, 0))


def _drain(session: Session) -> None:
    """Hand the queued events to the listeners, until none is left. Savepoints commit
    through here too: they, and a listener's own savepoints, do not drain."""
    pending: list[QueuedEvent] | None = session.info.get(_QUEUE)
    if not pending or session.info.get(_DRAINING) or session.in_nested_transaction():
        return
    session.info[_DRAINING] = True
    try:
        while pending:
            batch = coalesce(pending)
            pending.clear()
            for ev in batch:
                session.info[_DEPTH] = ev.depth + 1
                for listener in list(_listeners):
                    listener(session, ev)
    finally:
        session.info[_DEPTH] = 0
        session.info[_DRAINING] = False
        pending.clear()


def coalesce(events: list[QueuedEvent]) -> list[QueuedEvent]:
    """The events to hand over: those a listener's work caused (depth > 0) are merged
    per topic and case, their changed ``fields`` together, so a rule that changes five
    things fires the next round of rules once, not five times."""
    out: list[QueuedEvent] = []
    merged: dict[tuple[int, str, object], int] = {}
    for ev in events:
        case_id = ev.payload.get("case_id")
        if ev.depth == 0 or case_id is None:
            out.append(ev)
            continue
        key = (ev.corporation_id, ev.topic, case_id)
        if key not in merged:
            merged[key] = len(out)
            out.append(ev)
            continue
        first = out[merged[key]]
        fields = sorted({*first.payload.get("fields", []), *ev.payload.get("fields", [])})
        payload = first.payload | ({"fields": fields} if fields else {})
        out[merged[key]] = QueuedEvent(first.corporation_id, first.topic, payload, first.depth)
    return out


def _forget(session: Session, *_: Any) -> None:
    if session.info.get(_DEPTH, 0):  # a listener's own savepoint was rolled back
        return
    session.info.pop(_QUEUE, None)
    session.info.pop(_DEPTH, None)


event.listen(Session, "before_commit", _drain)
event.listen(Session, "after_rollback", _forget)
