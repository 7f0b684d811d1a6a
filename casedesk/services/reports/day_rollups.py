"""Per-day sums of the report facts (``report_days``), so that the dashboards' counts
over a year add up a few rows per day instead of one row per case.

One statement, :func:`day_rows`, says how the facts add up into days; it fills the
table (:func:`recount`, :func:`recount_all`) and, for a caller limited to one
organization (the table has no organization in its key), stands in for it over that
organization's facts. A day is always recounted whole from the facts, never adjusted
by differences, so recounting it twice or late leaves it right. ``rollups`` recounts
the days a batch of cases touched (their created and closed days, before and after)
in the transaction that stores their facts, under the lock that makes its passes take
turns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnClause

from casedesk.store.models import CaseFact, ReportCursor, ReportDay

COUNTS = (
    "created",
    "closed",
    "ever_closed",
    "reopened",
    "messages",
    "first_response_met",
    "first_response_missed",
    "resolution_met",
    "resolution_missed",
)
KEYS = ("corporation_id", "kind", "day", "group_id", "channel", "key")
#: The dimensions counted per key besides the group and the channel (which every row
#: has), and what their key is.
KINDS: dict[str, Any] = {
    "agent": func.coalesce(CaseFact.agent_id, 0),
    "priority": CaseFact.priority_id,
    "category": func.coalesce(CaseFact.category_id, 0),
    "hour": CaseFact.created_weekday * 24 + CaseFact.created_hour,
}
#: Marks a database whose ``report_days`` were counted from the facts at least once.
MARK = "report_days"
_ZERO: ColumnClause[Any] = literal_column("0")


def day_rows(where: ColumnElement[bool], days: Collection[date] | None = None) -> Select[Any]:
    """The ``report_days`` rows of the facts matching ``where``: for the days they were
    created on, and the days they were closed on; only of ``days`` when given (each part
    then reads its own day index, the days created on and the days closed on)."""
    created = [CaseFact.corporation_id, CaseFact.created_day, CaseFact.group_id]
    on_created = where if days is None else and_(where, CaseFact.created_day.in_(days))
    on_closed = where if days is None else and_(where, CaseFact.closed_day.in_(days))
    parts: list[Select[Any]] = [
        select(
            CaseFact.corporation_id,
            literal_column("'all'").label("kind"),
            CaseFact.created_day.label("day"),
            CaseFact.group_id,
            CaseFact.channel,
            _ZERO.label("key"),
            func.count().label("created"),
            _ZERO.label("closed"),
            func.count()
            .filter(or_(CaseFact.closed_day.is_not(None), CaseFact.reopen_count > 0))
            .label("ever_closed"),
            func.count().filter(CaseFact.reopen_count > 0).label("reopened"),
            func.coalesce(func.sum(CaseFact.message_count), 0).label("messages"),
            func.count().filter(CaseFact.sla_first_response.is_(True)).label("fr_met"),
            func.count().filter(CaseFact.sla_first_response.is_(False)).label("fr_missed"),
            func.count().filter(CaseFact.sla_resolution.is_(True)).label("res_met"),
            func.count().filter(CaseFact.sla_resolution.is_(False)).label("res_missed"),
        )
        .where(on_created)
        .group_by(*created, CaseFact.channel),
        select(
            CaseFact.corporation_id,
            literal_column("'all'"),
            CaseFact.closed_day,
            CaseFact.group_id,
            CaseFact.channel,
            _ZERO,
            _ZERO,
            func.count(),
            *([_ZERO] * 7),
        )
        .where(on_closed, CaseFact.closed_day.is_not(None))
        .group_by(CaseFact.corporation_id, CaseFact.closed_day, CaseFact.group_id)
        .group_by(CaseFact.channel),
    ]
    for kind, key in KINDS.items():
        parts.append(
            select(
                CaseFact.corporation_id,
                literal_column(f"'{kind}'"),
                CaseFact.created_day,
                CaseFact.group_id,
                CaseFact.channel,
                key,
                func.count(),
                *([_ZERO] * 8),
            )
            .where(on_created)
            .group_by(*created, CaseFact.channel, key)
        )
    rows = union_all(*parts).subquery()
    keys = [rows.c[i] for i in range(len(KEYS))]
    return select(
        *(column.label(name) for column, name in zip(keys, KEYS, strict=True)),
        *(func.sum(rows.c[len(KEYS) + i]).label(name) for i, name in enumerate(COUNTS)),
    ).group_by(*keys)


def days_of(session: Session, case_ids: Collection[int]) -> set[tuple[int, date]]:
    """The days whose counts hold these cases' stored facts (created and closed)."""
    found: set[tuple[int, date]] = set()
    for corporation, *days in session.execute(
        select(CaseFact.corporation_id, CaseFact.created_day, CaseFact.closed_day).where(
            CaseFact.case_id.in_(case_ids)
        )
    ):
        found |= {(corporation, day) for day in days if day is not None}
    return found


def recount(session: Session, days: Iterable[tuple[int, date]]) -> None:
    """Count these days of these corporations again from the facts."""
    per: dict[int, set[date]] = defaultdict(set)
    for corporation, day in days:
        per[corporation].add(day)
    for corporation, found in per.items():
        ordered = sorted(found)
        for i in range(0, len(ordered), 200):
            chunk = ordered[i : i + 200]
            session.execute(
                delete(ReportDay).where(
                    ReportDay.corporation_id == corporation,
                    ReportDay.kind.in_(("all", *KINDS)),
                    ReportDay.day.in_(chunk),
                )
            )
            rows = day_rows(CaseFact.corporation_id == corporation, chunk)
            session.execute(insert(ReportDay).from_select([*KEYS, *COUNTS], rows))


def recount_all(session: Session) -> None:
    """Count every day again from the facts, and mark the table as counted."""
    session.execute(delete(ReportDay))
    session.execute(insert(ReportDay).from_select([*KEYS, *COUNTS], day_rows(true())))
    if session.get(ReportCursor, MARK) is None:
        session.add(ReportCursor(name=MARK, position=0, seen=0))
        session.flush()


def counted(session: Session) -> bool:
    """Whether the table was counted from the facts (a database upgraded from before it
    was, or one whose facts were written without it, needs :func:`recount_all`)."""
    return session.get(ReportCursor, MARK) is not None
