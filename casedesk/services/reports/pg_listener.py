"""The PostgreSQL side of live updates: one ``LISTEN`` connection per process and hub.

Every transaction that writes a case's audit row sends ``NOTIFY casedesk_live`` (see
``kernel.audit``), delivered on commit to every server process over the database. The
listener thread wakes the hub's change-feed reader at once (without it, the reader still
looks every ``POLL_SECONDS``). Presence heartbeats travel on the same channel as JSON,
so an agent viewing a case on one process shows on a case page served by another.
The thread ends when its hub has no subscribers and is started again by the next one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import uuid
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy import make_url, text

from casedesk.services.kernel.audit import LIVE_CHANNEL
from casedesk.services.reports.commit_signal import signal_for
from casedesk.services.reports.presence import BOARD
from casedesk.store.db import Database

if TYPE_CHECKING:
    from casedesk.services.reports.live import LiveHub

log = logging.getLogger(__name__)

#: This process among the listeners: its own presence notifications are not applied twice.
ORIGIN = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
_LOCK = threading.Lock()
_SHARE = text("SELECT pg_notify(:channel, :payload)")


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure(hub: LiveHub) -> None:
    """Start ``hub``'s listener thread unless it runs."""
    with _LOCK:
        if hub.listener is not None and hub.listener.is_alive():
            return
        hub.listener = threading.Thread(
            target=_listen, args=(hub,), name="casedesk-live-listen", daemon=True
        )
        hub.listener.start()


def _listen(hub: LiveHub) -> None:
    signal = signal_for(hub.db)
    while hub.subscriber_count:
        try:
            with psycopg.connect(conninfo(hub.db.url), autocommit=True) as conn:
                conn.execute(f"LISTEN {LIVE_CHANNEL}")
                while hub.subscriber_count:
                    for note in conn.notifies(timeout=1.0):
                        if note.payload:
                            _presence(hub, note.payload)
                        else:
                            signal.notify()
        except psycopg.Error:
            log.exception("listening for live updates failed; trying again")
            threading.Event().wait(1.0)


def _presence(hub: LiveHub, payload: str) -> None:
    from casedesk.services.reports.live import LiveEvent

    data: dict[str, Any] = json.loads(payload)
    if data.get("origin") == ORIGIN:
        return
    case_id = int(data["case_id"])
    if BOARD.mark(case_id, int(data["user_id"]), str(data["name"]), str(data["state"])):
        loop = hub.loop
        if loop is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(hub.publish([LiveEvent("presence", case_id)]), loop)


def share_presence(db: Database, case_id: int, user_id: int, name: str, state: str) -> None:
    """Tell the other processes over ``db`` about a presence heartbeat (PostgreSQL)."""
    if db.engine.dialect.name != "postgresql":
        return
    payload = json.dumps(
        {"origin": ORIGIN, "case_id": case_id, "user_id": user_id, "name": name, "state": state}
    )
    with db.engine.begin() as conn:
        conn.execute(_SHARE, {"channel": LIVE_CHANNEL, "payload": payload})
