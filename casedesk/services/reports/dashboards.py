"""The dashboards' figures, read from the per-case facts (``rollups``) under the
caller's data segregation: an agent's figures count only their groups' cases, an
admin's every group of the corporation.

Every report is a list of tables (columns and rows) so that the console's charts, their
table views, the CSV downloads and ``GET /api/v1/reports/<name>`` all show one and the
same figures. Times are seconds of business time (see ``rollups``); percentiles are
defined in ``figures``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.reports import rollups, satisfaction
from casedesk.services.reports.figures import (
    bucket_start,
    buckets,
    median,
    nearest_rank,
    percent,
)
from casedesk.services.reports.schemas import Cell, Query, Report, Table
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseFact, Category, Group, Priority, SlaBreach, User

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
    """The caller's rows of ``case_facts`` and the query's filters, as WHERE terms."""

    def __init__(self, principal: Principal, query: Query) -> None:
        self.principal, self.query = principal, query
        terms: list[ColumnElement[bool]] = [CaseFact.corporation_id == principal.corporation_id]
        groups = principal.visible_group_ids
        if groups is not None:
            terms.append(CaseFact.group_id.in_(groups))
        if principal.organization_id is not None:
            terms.append(CaseFact.organization_id == principal.organization_id)
        if query.group is not None:
            terms.append(CaseFact.group_id == query.group)
        if query.channel:
            terms.append(CaseFact.channel == query.channel)
        self.base = and_(*terms)
        self.created = and_(self.base, CaseFact.created_day.between(query.date_from, query.date_to))


# --------------------------------------------------------------------------- reports


def _volume(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    q = scope.query
    created = dict(
        s.execute(
            select(CaseFact.created_day, func.count())
            .where(scope.created)
            .group_by(CaseFact.created_day)
        ).all()
    )
    closed = dict(
        s.execute(
            select(CaseFact.closed_day, func.count())
            .where(scope.base, CaseFact.closed_day.between(q.date_from, q.date_to))
            .group_by(CaseFact.closed_day)
        ).all()
    )
    backlog = s.execute(
        select(func.count()).where(
            scope.base,
            CaseFact.created_day < q.date_from,
            or_(CaseFact.closed_day.is_(None), CaseFact.closed_day >= q.date_from),
        )
    ).scalar_one()
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
    column = DIMENSIONS[by]
    found: dict[Any, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    every: tuple[list[int], list[int]] = ([], [])
    counts: dict[Any, int] = defaultdict(int)
    for key, first, resolved in s.execute(
        select(column, CaseFact.first_response_seconds, CaseFact.resolution_seconds).where(
            scope.created
        )
    ):
        counts[key] += 1
        for target in (found[key], every):
            if first is not None:
                target[0].append(first)
            if resolved is not None:
                target[1].append(resolved)
    names = _names(s, by, set(counts))
    rows: list[list[Cell]] = [_time_row("All", sum(counts.values()), every)]
    for key in sorted(counts, key=lambda k: (names.get(k, str(k)).lower(), str(k))):
        rows.append(_time_row(names.get(key, str(key)), counts[key], found[key]))
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
        )
    ]


def _time_row(label: str, cases: int, values: tuple[list[int], list[int]]) -> list[Cell]:
    first, resolved = sorted(values[0]), sorted(values[1])
    return [
        label,
        cases,
        median(first),
        nearest_rank(first, 0.9),
        median(resolved),
        nearest_rank(resolved, 0.9),
    ]


def _sla(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    rows: list[list[Cell]] = []
    for target, column in (
        ("first_response", CaseFact.sla_first_response),
        ("resolution", CaseFact.sla_resolution),
    ):
        counts: dict[bool, int] = dict(
            s.execute(  # type: ignore[arg-type]
                select(column, func.count())
                .where(scope.created, column.is_not(None))
                .group_by(column)
            ).all()
        )
        met, missed = counts.get(True, 0), counts.get(False, 0)
        rows.append([target, met, missed, percent(met, met + missed)])
    breaches = s.execute(
        select(Case.id, Case.number, Case.title, SlaBreach.target, SlaBreach.due_at)
        .add_columns(SlaBreach.breached_at)
        .join(CaseFact, CaseFact.case_id == SlaBreach.case_id)
        .join(Case, Case.id == SlaBreach.case_id)
        .where(scope.created)
        .order_by(SlaBreach.breached_at.desc(), SlaBreach.id.desc())
        .limit(500)
    ).all()
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
            title="Breaches (latest first, at most 500)",
            chart=None,
            columns=["case", "number", "title", "target", "due", "breached"],
            rows=[
                [b.id, b.number, b.title, b.target, b.due_at.isoformat(), b.breached_at.isoformat()]
                for b in breaches
            ],
        ),
    ]


def _per_group(
    s: Session, scope: _Scope, *measures: Any
) -> tuple[dict[str, str], list[tuple[Any, ...]]]:
    """``(group id, measures…)`` of the cases created in range, per group and for all."""
    per = s.execute(
        select(CaseFact.group_id, *measures).where(scope.created).group_by(CaseFact.group_id)
    ).all()
    total = s.execute(select(*measures).where(scope.created)).one()
    names = _names(s, "group", {r[0] for r in per})
    ordered = sorted(per, key=lambda r: names.get(r[0], "").lower())
    return names, [("All", *total), *((names.get(r[0], str(r[0])), *r[1:]) for r in ordered)]


def _reopens(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    ever_closed = func.count().filter(
        or_(CaseFact.closed_day.is_not(None), CaseFact.reopen_count > 0)
    )
    reopened = func.count().filter(CaseFact.reopen_count > 0)
    _, found = _per_group(s, scope, ever_closed, reopened)
    return "Reopened cases", [
        Table(
            key="reopens",
            title="Cases reopened, in percent of the cases ever closed",
            chart="bar",
            columns=["group", "closed", "reopened", "reopen rate"],
            rows=[
                [label, int(c or 0), int(r or 0), percent(r or 0, c or 0)] for label, c, r in found
            ],
        )
    ]


def _messages(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    _, found = _per_group(s, scope, func.count(), func.sum(CaseFact.message_count))
    return "Messages per case", [
        Table(
            key="messages",
            title="Messages (not counting system notes) per case",
            chart="bar",
            columns=["group", "cases", "messages", "per case"],
            rows=[
                [label, int(n or 0), int(m or 0), round((m or 0) / n, 2) if n else None]
                for label, n, m in found
            ],
        )
    ]


def _hours(s: Session, scope: _Scope) -> tuple[str, list[Table]]:
    grid = [[0] * 24 for _ in range(7)]
    for day, hour, n in s.execute(
        select(CaseFact.created_weekday, CaseFact.created_hour, func.count())
        .where(scope.created)
        .group_by(CaseFact.created_weekday, CaseFact.created_hour)
    ):
        grid[day][hour] = n
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
