"""The dashboards' figures under the caller's data segregation: an agent's figures
count only their groups' cases, an admin's every group of the corporation.

Counts are added up from the per-day rollups (``day_rollups``), so a year costs a few
rows per day and group whatever the number of cases; the times' percentiles are taken
from the per-case facts (``rollups``), exactly or, over many cases, from a sample
(``times``). Open load is read from the open cases' facts.

Every report is a list of tables (columns and rows) so that the console's charts, their
table views, the CSV downloads and ``GET /api/v1/reports/<name>`` all show one and the
same figures. Times are seconds of business time (see ``rollups``); percentiles are
defined in ``figures``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.reports import breaches, day_rollups, rollups, satisfaction, times
from casedesk.services.reports.figures import bucket_start, buckets, percent
from casedesk.services.reports.schemas import Cell, Query, Report, Table
from casedesk.store.db import Database
from casedesk.store.models import (
    CaseFact,
    Category,
    Group,
    Priority,
    ReportDay,
    User,
)

#: The longest range one request may ask for.
MAX_DAYS = 3 * 366
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DIMENSIONS: dict[str, Any] = {
    "group": CaseFact.group_id,
    "agent": CaseFact.agent_id,
    "priority": CaseFact.priority_id,
    "category": CaseFact.category_id,
    "channel": CaseFact.channel,
}


def check(query: Query) -> None:
    if query.date_to < query.date_from:
        raise ValidationFailed("to must not be before from", field="to")
    if (query.date_to - query.date_from).days >= MAX_DAYS:
        raise ValidationFailed(f"a range spans at most {MAX_DAYS} days", field="from")


def report(db: Database, principal: Principal, name: str, query: Query) -> Report:
    """The report ``name`` for the caller; NotFound for an unknown name or a group the
    caller may not see (told apart from none that exists by nothing)."""
    return many(db, principal, [name], query)[0]


def many(db: Database, principal: Principal, names: list[str], query: Query) -> list[Report]:
    """Several reports over one query, from one refresh of the facts and one read."""
    principal.require(Permission.VIEW_CASE)
    unknown = [n for n in names if n not in REPORTS]
    if unknown:
        raise NotFound(f"report {unknown[0]} not found", report=unknown[0])
    check(query)
    if query.group is not None and not principal.sees_group(query.group):
        raise NotFound(f"group {query.group} not found", group=query.group)
    rollups.refresh(db)
    found = []
    with db.replica() as s:  # may lag the refresh above by the replication delay
        scope = _Scope(principal, query)
        for name in names:
            title, tables = REPORTS[name](s, scope)
            found.append(
                Report(
                    name=name,
                    title=title,
                    date_from=query.date_from,
                    date_to=query.date_to,
                    group=query.group,
                    channel=query.channel,
                    tables=tables,
                )
            )
    return found


class _Scope:
    """The caller's rows and the query's filters, as WHERE terms over the per-case facts
    (``base``, ``created``) and over the per-day counts (``days``, ``day_base``,
    ``in_range``). The day counts have no organization in their key, so for a caller
    limited to one organization they are added up from that organization's facts."""

    def __init__(self, principal: Principal, query: Query) -> None:
        self.principal, self.query = principal, query
        terms: list[ColumnElement[bool]] = [CaseFact.corporation_id == principal.corporation_id]
        groups = principal.visible_group_ids
        if principal.organization_id is None:
            self.days: FromClause = ReportDay.__table__
        else:
            terms.append(CaseFact.organization_id == principal.organization_id)
            self.days = day_rollups.day_rows(and_(*terms)).subquery()
        d = self.days.c
        day_terms: list[ColumnElement[bool]] = [d.corporation_id == principal.corporation_id]
        if groups is not None:
            terms.append(CaseFact.group_id.in_(groups))
            day_terms.append(d.group_id.in_(groups))
        if query.group is not None:
            terms.append(CaseFact.group_id == query.group)
            day_terms.append(d.group_id == query.group)
        if query.channel:
            terms.append(CaseFact.channel == query.channel)
            day_terms.append(d.channel == query.channel)
        self.base = and_(*terms)
        self.created = and_(self.base, CaseFact.created_day.between(query.date_from, query.date_to))
        self.day_base = and_(*day_terms)
        self.in_range = and_(self.day_base, d.day.between(query.date_from, query.date_to))

    def counted(self, kind: str = "all") -> ColumnElement[bool]:
        """The day counts of ``kind`` in the query's range."""
        return and_(self.in_range, self.days.c.kind == kind)


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


# --------------------------------------------------------------------------- reports


def _volume(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    q, d = scope.query, scope.days.c
    created: dict[date, int] = {}
    closed: dict[date, int] = {}
    for day, made, done in s.execute(
        select(d.day, _sum(d.created), _sum(d.closed)).where(scope.counted()).group_by(d.day)
    ):
        created[day], closed[day] = int(made), int(done)
    backlog = int(
        s.execute(
            select(_sum(d.created) - _sum(d.closed)).where(
                scope.day_base, d.kind == "all", d.day < q.date_from
            )
        ).scalar_one()
    )
    per: dict[date, list[int]] = {b: [0, 0, 0] for b in buckets(q.date_from, q.date_to, q.period)}
    day = q.date_from
    while day <= q.date_to:
        entry = per[bucket_start(day, q.period)]
        made, done = created.get(day, 0), closed.get(day, 0)
        backlog += made - done
        entry[0] += made
        entry[1] += done
        entry[2] = backlog
        day += timedelta(days=1)
    rows: list[list[Cell]] = [[b.isoformat(), *v] for b, v in per.items()]
    return "Cases created and closed", [
        Table(
            key="volume",
            title=f"Created and closed per {q.period}, with the open backlog at its end",
            chart="line",
            columns=[q.period, "created", "closed", "backlog"],
            rows=rows,
        )
    ]


def _times(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    by = scope.query.by
    d = scope.days.c
    if by in ("group", "channel"):
        key = d.group_id if by == "group" else d.channel
        where = scope.counted()
    else:
        key, where = d.key, scope.counted(by)
    counts = {
        (None if k == 0 and by != "channel" else k): int(n)
        for k, n in s.execute(select(key, _sum(d.created)).where(where).group_by(key))
        if n
    }
    names = _names(s, by, set(counts))
    found, every, note = times.values(s, scope.created, DIMENSIONS[by], counts)
    rows: list[list[Cell]] = [times.row("All", sum(counts.values()), every)]
    for k in sorted(counts, key=lambda k: (names.get(k, str(k)).lower(), str(k))):
        rows.append(times.row(names.get(k, str(k)), counts[k], found.get(k, ([], []))))
    return "Response and resolution times", [
        Table(
            key=f"times-by-{by}",
            title=f"First response and resolution by {by}, in business time",
            chart="bar",
            columns=[
                by,
                "cases",
                "first response median",
                "first response p90",
                "resolution median",
                "resolution p90",
            ],
            rows=rows,
            note=note,
        )
    ]


def _sla(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    d = scope.days.c
    fr_met, fr_missed, res_met, res_missed = (
        int(n)
        for n in s.execute(
            select(
                _sum(d.first_response_met),
                _sum(d.first_response_missed),
                _sum(d.resolution_met),
                _sum(d.resolution_missed),
            ).where(scope.counted())
        ).one()
    )
    rows: list[list[Cell]] = [
        ["first_response", fr_met, fr_missed, percent(fr_met, fr_met + fr_missed)],
        ["resolution", res_met, res_missed, percent(res_met, res_met + res_missed)],
    ]
    return "SLA attainment", [
        Table(
            key="sla",
            title="Targets met, in percent of the targets decided",
            chart="bar",
            columns=["target", "met", "breached", "percent met"],
            rows=rows,
        ),
        Table(
            key="sla-breaches",
            title=f"Breaches (latest first, at most {breaches.LIMIT})",
            chart=None,
            columns=["case", "number", "title", "target", "due", "breached"],
            rows=breaches.latest(s, scope.created, scope.query.date_from),
        ),
    ]


def _per_group(s: Session, scope: _Scope, *counts: str) -> list[tuple[Any, ...]]:
    """``(group name, sums…)`` of these day counts in range, for all and per group."""
    d = scope.days.c
    sums = [_sum(d[c]) for c in counts]
    per = s.execute(select(d.group_id, *sums).where(scope.counted()).group_by(d.group_id)).all()
    total = s.execute(select(*sums).where(scope.counted())).one()
    names = _names(s, "group", {r[0] for r in per})
    ordered = sorted(per, key=lambda r: names.get(r[0], "").lower())
    return [
        ("All", *(int(v) for v in total)),
        *((names.get(r[0], str(r[0])), *(int(v) for v in r[1:])) for r in ordered),
    ]


def _reopens(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    found = _per_group(s, scope, "ever_closed", "reopened")
    return "Reopened cases", [
        Table(
            key="reopens",
            title="Cases reopened, in percent of the cases ever closed",
            chart="bar",
            columns=["group", "closed", "reopened", "reopen rate"],
            rows=[[label, c, r, percent(r, c)] for label, c, r in found],
        )
    ]


def _messages(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    found = _per_group(s, scope, "created", "messages")
    return "Messages per case", [
        Table(
            key="messages",
            title="Messages (not counting system notes) per case",
            chart="bar",
            columns=["group", "cases", "messages", "per case"],
            rows=[[label, n, m, round(m / n, 2) if n else None] for label, n, m in found],
        )
    ]


def _hours(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    d = scope.days.c
    grid = [[0] * 24 for _ in range(7)]
    for key, n in s.execute(
        select(d.key, _sum(d.created)).where(scope.counted("hour")).group_by(d.key)
    ):
        grid[int(key) // 24][int(key) % 24] = int(n)
    return "Busiest hours", [
        Table(
            key="busiest-hours",
            title="Cases created per weekday and hour (corporation's time zone)",
            chart="heatmap",
            columns=["weekday", *(f"{h:02d}" for h in range(24))],
            rows=[[WEEKDAYS[d], *grid[d]] for d in range(7)],
        )
    ]


def _load(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    found = s.execute(
        select(CaseFact.agent_id, func.count())
        .where(scope.base, CaseFact.is_open.is_(True))
        .group_by(CaseFact.agent_id)
    ).all()
    names = _names(s, "agent", {a for a, _ in found if a is not None})
    rows: list[list[Cell]] = [
        [names.get(a, str(a)) if a is not None else "(unassigned)", n]
        for a, n in sorted(found, key=lambda r: (-r[1], names.get(r[0], "") if r[0] else ""))
    ]
    return "Open load", [
        Table(
            key="open-load",
            title="Open cases per assigned agent now (the date range does not apply)",
            chart="bar",
            columns=["agent", "open cases"],
            rows=rows,
        )
    ]


def _names(s: Session, by: str, ids: set[Any]) -> dict[Any, str]:
    """Display names of the ids of a dimension (a channel is its own name)."""
    keys = {i for i in ids if i is not None}
    label = {None: "(none)"}
    if by == "channel" or not keys:
        return label | {k: str(k) for k in keys}
    if by == "agent":  # a user without a name shows as their address
        found = s.execute(select(User.id, User.name, User.email).where(User.id.in_(keys)))
        return label | {uid: name or email for uid, name, email in found}
    model: Any = {"group": Group, "priority": Priority, "category": Category}[by]
    return label | dict(s.execute(select(model.id, model.name).where(model.id.in_(keys))).all())


REPORTS: dict[str, Callable[[Session, _Scope], tuple[str, list[Table]]]] = {
    "volume": _volume,
    "times": _times,
    "sla": _sla,
    "reopens": _reopens,
    "messages": _messages,
    "busiest-hours": _hours,
    "open-load": _load,
    "satisfaction": lambda s, scope: satisfaction.report(s, scope.principal, scope.query),
}


def default_range(today: date, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The range a request means when it leaves a bound out: 30 days, up to today when
    neither bound is given."""
    if date_from is None:
        end = date_to or today
        return end - timedelta(days=29), end
    return date_from, date_to or date_from + timedelta(days=29)
