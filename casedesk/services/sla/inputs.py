"""Loading what the SLA rules of ``domain`` take as arguments: business calendars, the
clock-class history of cases, their customer messages and replies, and the policies of
a corporation.

Every loader takes a batch of cases, so the escalation sweep reads a few rows per query
for hundreds of cases instead of a few queries per case; a single case is a batch of
one.

Calendars are cached per process keyed by their *content* (zone, hours, holidays), not
by their id: a calendar edited in another process has a new key, so a stale calendar can
never be used, and the row (a few hundred bytes) is read in every transaction anyway.
What the cache saves is the calendar's per-day intervals, the costly part of its
arithmetic.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from casedesk.domain.calendars import ALWAYS, MIDNIGHT, BusinessCalendar
from casedesk.domain.clock import ClockClass, HistoryEntry
from casedesk.domain.escalation import DEFAULT_LEVELS, AlertLevel, validate_levels
from casedesk.domain.sla import SlaPolicy, SlaTargets
from casedesk.store.models import (
    Calendar,
    CaseMessage,
    CaseStatus,
    Category,
    Priority,
    StatusHistory,
)
from casedesk.store.models import SlaPolicy as SlaPolicyRow

_CACHE_SIZE = 256
_calendars: dict[tuple[str, str, tuple[str, ...]], BusinessCalendar] = {}


@dataclass(frozen=True, slots=True)
class Policy:
    """A policy as the rules need it: its conditions and targets, and its alert levels."""

    rule: SlaPolicy
    levels: tuple[AlertLevel, ...]


# --------------------------------------------------------------------------- calendars


def business_calendar(
    time_zone: str, hours: dict[str, Any], holidays: Iterable[str]
) -> BusinessCalendar:
    """The calendar of a ``calendars`` row (``hours`` as stored: ``{"0": [["09:00",
    "17:00"]]}``, ``"24:00"`` for midnight; ``holidays`` as ISO dates)."""
    key = (time_zone, json.dumps(hours, sort_keys=True), tuple(sorted(holidays)))
    found = _calendars.get(key)
    if found is not None:
        return found
    week = {
        int(day): [(_wall(start), _wall(end)) for start, end in intervals]
        for day, intervals in hours.items()
        if intervals
    }
    if not week:  # a calendar without office hours cannot count; treat it as 24x7
        return ALWAYS
    calendar = BusinessCalendar.weekly(
        time_zone, week, holidays=[date.fromisoformat(d) for d in key[2]]
    )
    if len(_calendars) >= _CACHE_SIZE:
        _calendars.clear()
    _calendars[key] = calendar
    return calendar


def priority_calendars(
    session: Session, priority_ids: Collection[int]
) -> dict[int, BusinessCalendar]:
    """The calendar of each priority; priorities without one count around the clock."""
    rows = session.execute(
        select(Priority.id, Calendar.time_zone, Calendar.hours, Calendar.holidays)
        .outerjoin(Calendar, Calendar.id == Priority.calendar_id)
        .where(Priority.id.in_(priority_ids))
    ).all()
    return {
        pid: ALWAYS if zone is None else business_calendar(zone, hours, holidays)
        for pid, zone, hours, holidays in rows
    }


def _wall(value: str) -> time:
    return MIDNIGHT if value == "24:00" else time.fromisoformat(value)


# --------------------------------------------------------------------------- cases


def clock_histories(session: Session, case_ids: Collection[int]) -> dict[int, list[HistoryEntry]]:
    """Each case's ``(entered_at, clock class)`` entries, oldest first, from its status
    history and the clock each status runs."""
    rows = session.execute(
        select(StatusHistory.case_id, StatusHistory.changed_at, CaseStatus.clock)
        .join(CaseStatus, CaseStatus.id == StatusHistory.status_id)
        .where(StatusHistory.case_id.in_(case_ids))
        .order_by(StatusHistory.case_id, StatusHistory.changed_at, StatusHistory.id)
    ).all()
    histories: dict[int, list[HistoryEntry]] = {case_id: [] for case_id in case_ids}
    for case_id, at, clock in rows:
        histories[case_id].append((at, ClockClass(clock)))
    return histories


def message_times(
    session: Session, case_ids: Collection[int]
) -> dict[int, tuple[list[datetime], list[datetime]]]:
    """Each case's external ``(customer messages, desk replies)`` instants."""
    times: dict[int, tuple[list[datetime], list[datetime]]] = {
        case_id: ([], []) for case_id in case_ids
    }
    if not case_ids:
        return times
    rows = session.execute(
        select(CaseMessage.case_id, CaseMessage.direction, CaseMessage.created_at).where(
            CaseMessage.case_id.in_(case_ids),
            CaseMessage.visibility == "external",
            CaseMessage.direction.in_(("inbound", "outbound")),
        )
    ).all()
    for case_id, direction, at in rows:
        times[case_id][0 if direction == "inbound" else 1].append(at)
    return times


# --------------------------------------------------------------------------- policies


_policies = SlaPolicyRow.__table__.c
#: Built once and run as Core: it runs on every change of every case, and most
#: corporations have no policy, so building and loading cost more than the query.
_ACTIVE_POLICIES = select(*_policies).where(
    _policies.corporation_id.in_(bindparam("corporation_ids", expanding=True)),
    _policies.is_active.is_(True),
)


def active_policies(session: Session, corporation_ids: Collection[int]) -> dict[int, list[Policy]]:
    """The active policies of each corporation (an empty list when it has none). Read
    on the session's connection: policies are never changed in a transaction that
    refreshes cases, so there is nothing of theirs to flush first."""
    policies: dict[int, list[Policy]] = {corp: [] for corp in corporation_ids}
    found = session.connection().execute(
        _ACTIVE_POLICIES, {"corporation_ids": list(corporation_ids)}
    )
    for row in found:
        policies[row.corporation_id].append(policy_of(row))
    return policies


def policy_of(row: SlaPolicyRow | Row[Any]) -> Policy:
    return Policy(
        SlaPolicy(
            id=row.id,
            targets=SlaTargets(
                row.first_response_minutes, row.next_response_minutes, row.resolution_minutes
            ),
            priority_id=row.priority_id,
            category_id=row.category_id,
            organization_id=row.organization_id,
            position=row.position,
        ),
        alert_levels(row.alert_levels),
    )


def alert_levels(stored: list[dict[str, Any]] | None) -> tuple[AlertLevel, ...]:
    """The levels as stored on a policy; none stored means the default levels."""
    if not stored:
        return DEFAULT_LEVELS
    return validate_levels(AlertLevel(**level) for level in stored)


def category_ancestors(session: Session, corporation_id: int) -> dict[int, list[int]]:
    """For every category of the corporation, its parents, nearest first."""
    parents: dict[int, int | None] = {
        category: parent
        for category, parent in session.execute(
            select(Category.id, Category.parent_id).where(Category.corporation_id == corporation_id)
        )
    }
    lineage: dict[int, list[int]] = {}
    for category in parents:
        chain: list[int] = []
        parent = parents.get(category)
        while parent is not None and parent not in chain and parent != category:
            chain.append(parent)
            parent = parents.get(parent)
        lineage[category] = chain
    return lineage
