"""The change feed: every change to a case and its parts, once, in a stable order.

Built from the audit log, which every use-case writes in the transaction of its change
(``kernel.audit``): each entry with a ``case_id`` is one change (the case's fields,
messages, attachments, members, tags, links; ``case.deleted`` is a tombstone).

A cursor names the last change a reader has had, as ``<txid>.<id>``. How the order
stays gap-free when transactions commit out of order differs by store; see
docs/changes.md:

- SQLite has one writer at a time, so audit ids are handed out in commit order and a
  reader's snapshot holds every id up to its largest: the order is the id (txid 0).
- On PostgreSQL each row carries the id of the transaction that wrote it; the feed hands
  out only rows of transactions older than the oldest one still running
  (``pg_snapshot_xmin``), ordered by (txid, id). Every later row has a larger txid, so
  nothing can appear behind a cursor once handed out.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, literal, select, text, tuple_
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.access import readable_cases
from casedesk.services.reports.commit_signal import POLL_SECONDS, signal_for
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case

MAX_LIMIT = 1000
MAX_WAIT = 30.0
#: Larger than any audit id: "every row of this transaction".
_END = 2**62
_CURSOR = re.compile(r"(\d{1,19})\.(\d{1,19})")
_HORIZON = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


@dataclass(frozen=True, order=True, slots=True)
class Cursor:
    txid: int
    id: int

    def __str__(self) -> str:
        return f"{self.txid}.{self.id}"


START = Cursor(0, 0)


def parse_cursor(value: str | None) -> Cursor:
    """``None`` or empty: the start of the feed. Anything not made by the feed: 422."""
    if not value:
        return START
    m = _CURSOR.fullmatch(value.strip())
    if m is None or int(m.group(1)) >= _END or int(m.group(2)) > _END:
        raise ValidationFailed("cursor is not one the change feed gave out", field="cursor")
    return Cursor(int(m.group(1)), int(m.group(2)))


class Change(BaseModel):
    """One change. ``kind`` is ``tombstone`` for a deleted case, else ``change``."""

    cursor: str
    id: int
    kind: str
    action: str
    entity_type: str
    entity_id: int
    case_id: int
    at: datetime
    actor_user_id: int | None
    changes: dict[str, Any]


class ChangePage(BaseModel):
    """``next_cursor`` is where to continue; ``more`` says a full page was returned."""

    changes: list[Change]
    next_cursor: str
    more: bool


def _statement(principal: Principal | None) -> Select[Any]:
    stmt = select(AuditEntry).where(AuditEntry.case_id.is_not(None))
    if principal is not None:
        visible = readable_cases(principal).with_only_columns(Case.id)
        stmt = stmt.where(AuditEntry.case_id.in_(visible))
    return stmt


def read_page(
    session: Session, principal: Principal | None, after: Cursor, limit: int
) -> ChangePage:
    """Changes after ``after`` the caller may see (``principal=None``: all of them)."""
    if principal is not None:
        principal.require(Permission.VIEW_CASE)
    stmt = _statement(principal)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        horizon = int(session.execute(select(_HORIZON)).scalar_one())
        txid = AuditEntry.txid
        stmt = stmt.where(
            tuple_(txid, AuditEntry.id) > tuple_(literal(after.txid), literal(after.id)),
            txid < horizon,
        ).order_by(txid, AuditEntry.id)
        # With fewer than a page, every visible row below the horizon has been read.
        caught_up = Cursor(horizon - 1, _END) if horizon > 0 else after
    else:
        stmt = stmt.where(AuditEntry.id > after.id).order_by(AuditEntry.id)
        top = session.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        caught_up = Cursor(0, top.scalar() or 0)
    rows = list(session.scalars(stmt.limit(limit)))
    changes = [_change(row, postgres) for row in rows]
    more = len(rows) == limit
    next_cursor = _cursor(rows[-1], postgres) if more else max(after, caught_up)
    return ChangePage(changes=changes, next_cursor=str(next_cursor), more=more)


def _cursor(row: AuditEntry, postgres: bool) -> Cursor:
    return Cursor((row.txid or 0) if postgres else 0, row.id)


def _change(row: AuditEntry, postgres: bool) -> Change:
    return Change(
        cursor=str(_cursor(row, postgres)),
        id=row.id,
        kind="tombstone" if row.action == "case.deleted" else "change",
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        case_id=row.case_id or 0,
        at=row.at,
        actor_user_id=row.actor_user_id,
        changes=row.changes,
    )


def _check(limit: int, wait: float) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if not 0 <= wait <= MAX_WAIT:
        raise ValidationFailed(f"wait must be between 0 and {MAX_WAIT:g} seconds", field="wait")


def changes(
    db: Database,
    principal: Principal | None,
    cursor: str | None,
    *,
    limit: int = 100,
    wait: float = 0.0,
) -> ChangePage:
    """A page of changes after ``cursor``; with ``wait``, blocks up to that many seconds
    for the first change to arrive (a long poll)."""
    _check(limit, wait)
    after = parse_cursor(cursor)
    signal = signal_for(db)
    deadline = time.monotonic() + wait
    while True:
        seen = signal.count
        with db.read() as s:
            page = read_page(s, principal, after, limit)
        remaining = deadline - time.monotonic()
        if page.changes or remaining <= 0:
            return page
        after = parse_cursor(page.next_cursor)
        signal.wait(seen, min(remaining, POLL_SECONDS))


async def changes_async(
    db: Database,
    principal: Principal | None,
    cursor: str | None,
    *,
    limit: int = 100,
    wait: float = 0.0,
) -> ChangePage:
    """:func:`changes` for an async route: reads in a thread, waits without one."""
    _check(limit, wait)
    after = parse_cursor(cursor)
    signal = signal_for(db)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        seen = signal.count
        page = await asyncio.to_thread(_read, db, principal, after, limit)
        remaining = deadline - loop.time()
        if page.changes or remaining <= 0:
            return page
        after = parse_cursor(page.next_cursor)
        await signal.wait_async(seen, min(remaining, POLL_SECONDS))


def _read(db: Database, principal: Principal | None, after: Cursor, limit: int) -> ChangePage:
    with db.read() as s:
        return read_page(s, principal, after, limit)
