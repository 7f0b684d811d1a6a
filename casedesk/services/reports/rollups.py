"""The per-case facts the dashboards read (``case_facts``), computed from the raw rows
and kept current by an incremental job.

Why per-case facts as well as per-day sums (``day_rollups``): medians and 90th
percentiles cannot be added up from daily totals, so the times are read from these
rows, indexed by corporation and day; the counts are added up from the days.

How they stay current: every change to a case writes an audit entry naming the case
(``kernel.audit``), in the change's own transaction. :func:`refresh` reads the audit log
past a stored cursor, recomputes the facts of each case named there, counts the days
those cases count in again and moves the cursor, all in one transaction; the dashboards
call it before they read, and the job runner calls it every minute. Recomputing a case
is idempotent, so reading an entry twice does no harm: on PostgreSQL, where a
transaction may commit after one holding a later id, each pass reads again the last
:data:`LOOKBACK` ids behind the cursor. The cursor keeps how many entries that window
held, so a pass that finds neither a later id nor a different count has nothing to do
and writes nothing.
:func:`rebuild` recomputes every row from the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from casedesk.domain.calendars import BusinessCalendar
from casedesk.domain.members import MemberRole
from casedesk.domain.statuses import InternalStatus
from casedesk.services.reports import day_rollups
from casedesk.services.sla.inputs import priority_calendars
from casedesk.store.db import Database
from casedesk.store.models import (
    AuditEntry,
    Case,
    CaseFact,
    CaseMember,
    CaseMessage,
    Corporation,
    ReportCursor,
    SlaBreach,
    SlaPolicy,
    StatusHistory,
)

#: Audit ids re-read behind the cursor on each pass (see the module's docstring).
LOOKBACK = 200
#: Cases recomputed per statement batch.
BATCH = 500
CURSOR = "case_facts"

#: Cases the reports leave out: they were never real work (spam, deleted) or live on
#: in the case they were merged into.
_LEFT_OUT = (int(InternalStatus.DELETED), int(InternalStatus.MERGED), int(InternalStatus.SPAM))
_CLOSED = int(InternalStatus.CLOSED)
_INSERT = insert(CaseFact)


def fact_rows(session: Session, case_ids: Collection[int]) -> list[dict[str, Any]]:
    """The ``case_facts`` rows of these cases (none for a case the reports leave out)."""
    cases = session.execute(
        select(
            Case.id,
            Case.corporation_id,
            Case.group_id,
            Case.organization_id,
            Case.priority_id,
            Case.category_id,
            Case.origin,
            Case.status,
            Case.created_at,
            Case.first_response_at,
            Case.closed_at,
            Case.sla_policy_id,
        ).where(Case.id.in_(case_ids), Case.status.notin_(_LEFT_OUT))
    ).all()
    if not cases:
        return []
    ids = [c.id for c in cases]
    zones = {
        corp: ZoneInfo(zone)
        for corp, zone in session.execute(
            select(Corporation.id, Corporation.time_zone).where(
                Corporation.id.in_({c.corporation_id for c in cases})
            )
        )
    }
    calendars = priority_calendars(session, {c.priority_id for c in cases})
    agents = dict(
        session.execute(
            select(CaseMember.case_id, CaseMember.user_id).where(
                CaseMember.case_id.in_(ids),
                CaseMember.role == int(MemberRole.ASSIGNED_USER),
                CaseMember.end_at.is_(None),
            )
        ).all()
    )
    messages = dict(
        session.execute(
            select(CaseMessage.case_id, func.count())
            .where(CaseMessage.case_id.in_(ids), CaseMessage.is_system.is_(False))
            .group_by(CaseMessage.case_id)
        ).all()
    )
    reopens = _reopen_counts(session, ids)
    breached: set[tuple[int, str]] = {
        (case_id, target)
        for case_id, target in session.execute(
            select(SlaBreach.case_id, SlaBreach.target).where(SlaBreach.case_id.in_(ids))
        )
    }
    policies = {
        p.id: p
        for p in session.execute(
            select(
                SlaPolicy.id, SlaPolicy.first_response_minutes, SlaPolicy.resolution_minutes
            ).where(SlaPolicy.id.in_({c.sla_policy_id for c in cases if c.sla_policy_id}))
        )
    }
    rows = []
    for c in cases:
        zone = zones[c.corporation_id]
        local = c.created_at.astimezone(zone)
        calendar = calendars[c.priority_id]
        closed = c.status == _CLOSED and c.closed_at is not None
        policy = policies.get(c.sla_policy_id) if c.sla_policy_id else None
        rows.append(
            {
                "case_id": c.id,
                "corporation_id": c.corporation_id,
                "group_id": c.group_id,
                "organization_id": c.organization_id,
                "agent_id": agents.get(c.id),
                "priority_id": c.priority_id,
                "category_id": c.category_id,
                "channel": c.origin,
                "is_open": not closed,
                "created_at": c.created_at,
                "created_day": local.date(),
                "created_weekday": local.weekday(),
                "created_hour": local.hour,
                "closed_day": c.closed_at.astimezone(zone).date() if closed else None,
                "first_response_seconds": _span(calendar, c.created_at, c.first_response_at),
                "resolution_seconds": _span(calendar, c.created_at, c.closed_at)
                if closed
                else None,
                "reopen_count": reopens.get(c.id, 0),
                "message_count": messages.get(c.id, 0),
                "sla_first_response": _met(
                    policy is not None and policy.first_response_minutes is not None,
                    (c.id, "first_response") in breached,
                    c.first_response_at is not None,
                ),
                "sla_resolution": _met(
                    policy is not None and policy.resolution_minutes is not None,
                    (c.id, "resolution") in breached,
                    closed,
                ),
            }
        )
    return rows


def store_facts(session: Session, case_ids: Collection[int], *, days: bool = True) -> int:
    """Recompute and store the facts of these cases and, unless ``days`` is False (a
    rebuild counts every day at its end), count again the days they touched before and
    after; returns how many rows were written."""
    written = 0
    for chunk in _chunks(sorted(set(case_ids)), BATCH):
        rows = fact_rows(session, chunk)
        touched: set[tuple[int, date]] = set()
        if days:
            touched = day_rollups.days_of(session, chunk)
            for row in rows:
                for day in (row["created_day"], row["closed_day"]):
                    if day is not None:
                        touched.add((row["corporation_id"], day))
        session.execute(delete(CaseFact).where(CaseFact.case_id.in_(chunk)))
        if rows:  # Core executemany: the ORM's bulk path would split the rows up
            session.connection().execute(_INSERT, rows)
        day_rollups.recount(session, touched)
        written += len(rows)
    return written


def refresh(db: Database) -> int:
    """Bring the facts up to date with the audit log; returns the cases recomputed."""
    with db.write() as s:
        # the cursor's row lock makes concurrent passes take turns (PostgreSQL)
        cursor = _lock_cursor(s)
        position, seen = (cursor.position, cursor.seen) if cursor else (0, -1)
        if not day_rollups.counted(s):  # facts from before the days were kept
            day_rollups.recount_all(s)
        start = max(position - LOOKBACK, 0)
        found, count = s.execute(
            select(func.max(AuditEntry.id), func.count()).where(AuditEntry.id > start)
        ).one()
        if found is None or (found == position and count == seen):
            return 0  # nothing committed since the last pass, not even behind the cursor
        case_ids = {
            int(case_id)
            for case_id in s.scalars(
                select(AuditEntry.case_id)
                .where(AuditEntry.id > start, AuditEntry.id <= found)
                .distinct()
            )
            if case_id is not None
        }
        # entries about a case as such may leave ``case_id`` empty and name it as entity
        case_ids |= _cases_of_entities(s, start, found)
        store_facts(s, case_ids)
        window = s.execute(
            select(func.count()).where(
                AuditEntry.id > max(found - LOOKBACK, 0), AuditEntry.id <= found
            )
        ).scalar_one()
        _set_cursor(s, found, window)
        return len(case_ids)


def rebuild(db: Database, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every case's facts from the history; ``progress(done, total)`` after
    each batch. Returns the rows written."""
    with db.read() as s:
        total = s.execute(select(func.count()).select_from(Case)).scalar_one()
        mark = s.execute(select(func.max(AuditEntry.id))).scalar_one() or 0
    with db.write() as s:
        s.execute(delete(CaseFact))
        _set_cursor(s, mark, -1)  # -1: the next pass reads the window behind ``mark``
    done = written = 0
    last = 0
    while True:
        with db.write() as s:
            ids = list(
                s.scalars(select(Case.id).where(Case.id > last).order_by(Case.id).limit(BATCH * 4))
            )
            if not ids:
                break
            written += store_facts(s, ids, days=False)
        last = ids[-1]
        done += len(ids)
        if progress is not None:
            progress(done, total)
    with db.write() as s:
        _lock_cursor(s)  # a refresh running now waits, and recounts its days after this
        day_rollups.recount_all(s)
    refresh(db)  # what changed while the rebuild ran
    return written


def _lock_cursor(s: Session) -> Any:
    """The cursor's row, locked until the transaction ends (PostgreSQL; SQLite has one
    writer at a time anyway), or None before the first pass."""
    return s.execute(
        select(ReportCursor.position, ReportCursor.seen)
        .where(ReportCursor.name == CURSOR)
        .with_for_update()
    ).first()


def _cases_of_entities(s: Session, start: int, end: int) -> set[int]:
    """Cases changed as the entity of an audit entry without its ``case_id`` set."""
    return set(
        s.scalars(
            select(AuditEntry.entity_id)
            .where(AuditEntry.id > start, AuditEntry.id <= end)
            .where(AuditEntry.entity_type == "case", AuditEntry.case_id.is_(None))
            .distinct()
        )
    )


def _set_cursor(s: Session, position: int, seen: int) -> None:
    found = s.get(ReportCursor, CURSOR)
    if found is None:
        s.add(ReportCursor(name=CURSOR, position=position, seen=seen))
    else:
        found.position, found.seen = position, seen
    s.flush()


def _reopen_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    """How often each case went from closed back to an open status."""
    previous: dict[int, int] = {}
    counts: dict[int, int] = defaultdict(int)
    for case_id, status in session.execute(
        select(StatusHistory.case_id, StatusHistory.internal_status)
        .where(StatusHistory.case_id.in_(case_ids))
        .order_by(StatusHistory.case_id, StatusHistory.changed_at, StatusHistory.id)
    ):
        if previous.get(case_id) == _CLOSED and status != _CLOSED and status not in _LEFT_OUT:
            counts[case_id] += 1
        previous[case_id] = status
    return counts


def _span(calendar: BusinessCalendar, start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return calendar.working_seconds(start, end) if end > start else 0


def _met(has_target: bool, breached: bool, completed: bool) -> bool | None:
    if not has_target:
        return None
    if breached:
        return False
    return True if completed else None


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
