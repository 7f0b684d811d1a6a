"""Satisfaction: the surveys answered in a range of days, as good and bad counts and
the share of good answers, per period and per agent or group.

An answer counts on the day it was last given (UTC) with its current rating, for the
agent and group the case had when it closed. Segregation is that of every dashboard:
an agent counts only their groups' surveys, a caller limited to one organization only
that organization's, and the query's group and channel narrow further.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from casedesk.domain.numbering import format_case_number
from casedesk.domain.permissions import Principal
from casedesk.domain.surveys import satisfaction
from casedesk.services.reports.figures import bucket_start, buckets
from casedesk.services.reports.schemas import Cell, Query, Table
from casedesk.store.models import Case, CaseFact, Corporation, Group, Survey, User

TITLE = "Customer satisfaction"
#: How many of the latest comments the report lists.
COMMENTS = 20


def _terms(principal: Principal, query: Query) -> list[ColumnElement[bool]]:
    start = datetime.combine(query.date_from, time.min, UTC)
    end = datetime.combine(query.date_to + timedelta(days=1), time.min, UTC)
    terms: list[ColumnElement[bool]] = [
        Survey.corporation_id == principal.corporation_id,
        Survey.rating.is_not(None),
        Survey.answered_at >= start,
        Survey.answered_at < end,
    ]
    groups = principal.visible_group_ids
    if groups is not None:
        terms.append(Survey.group_id.in_(groups))
    if principal.organization_id is not None:
        terms.append(
            Survey.case_id.in_(
                select(Case.id).where(Case.organization_id == principal.organization_id)
            )
        )
    if query.group is not None:
        terms.append(Survey.group_id == query.group)
    if query.channel:
        terms.append(
            Survey.case_id.in_(select(CaseFact.case_id).where(CaseFact.channel == query.channel))
        )
    return terms


def report(s: Session, principal: Principal, query: Query) -> tuple[str, list[Table]]:
    by = "agent" if query.by == "agent" else "group"
    column = Survey.agent_id if by == "agent" else Survey.group_id
    rows = s.execute(
        select(Survey.answered_at, Survey.rating, column).where(and_(*_terms(principal, query)))
    ).all()
    per: dict[date, list[int]] = {
        b: [0, 0] for b in buckets(query.date_from, query.date_to, query.period)
    }
    per_key: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    every = [0, 0]
    for answered_at, rating, key in rows:
        slot = 0 if rating == "good" else 1
        if answered_at is None:
            continue
        day = answered_at.astimezone(UTC).date()
        per[bucket_start(day, query.period)][slot] += 1
        per_key[key][slot] += 1
        every[slot] += 1
    names = _names(s, by, set(per_key))
    over_time: list[list[Cell]] = [
        [b.isoformat(), good, bad, satisfaction(good, bad)] for b, (good, bad) in per.items()
    ]
    by_key: list[list[Cell]] = [["All", sum(every), *every, satisfaction(*every)]]
    for key in sorted(per_key, key=lambda k: (names.get(k, str(k)).lower(), str(k))):
        good, bad = per_key[key]
        by_key.append([names.get(key, str(key)), good + bad, good, bad, satisfaction(good, bad)])
    return TITLE, [
        Table(
            key="satisfaction",
            title=f"Survey answers per {query.period}, and the share of good ones",
            chart="line",
            columns=[query.period, "good", "bad", "satisfaction %"],
            rows=over_time,
        ),
        Table(
            key=f"satisfaction-by-{by}",
            title=f"Satisfaction by {by}",
            chart="bar",
            columns=[by, "answers", "good", "bad", "satisfaction %"],
            rows=by_key,
        ),
        Table(
            key="satisfaction-comments",
            title=f"The latest {COMMENTS} comments",
            chart=None,
            columns=["answered", "case", "rating", "comment"],
            rows=_comments(s, principal, query),
        ),
    ]


def _comments(s: Session, principal: Principal, query: Query) -> list[list[Cell]]:
    """What the contacts wrote, newest first: what a figure cannot say."""
    corp = s.get(Corporation, principal.corporation_id)
    prefix = corp.case_prefix if corp is not None else ""
    found = s.execute(
        select(Survey.answered_at, Case.number, Survey.rating, Survey.comment)
        .join(Case, Case.id == Survey.case_id)
        .where(and_(*_terms(principal, query)), Survey.comment != "")
        .order_by(Survey.answered_at.desc(), Survey.id.desc())
        .limit(COMMENTS)
    ).all()
    return [
        [
            when.astimezone(UTC).isoformat(timespec="minutes") if when else None,
            format_case_number(prefix, number),
            rating,
            comment,
        ]
        for when, number, rating, comment in found
    ]


def _names(s: Session, by: str, ids: set[Any]) -> dict[Any, str]:
    keys = {i for i in ids if i is not None}
    found: dict[Any, str] = {None: "(none)"}
    if not keys:
        return found
    if by == "agent":
        rows = s.execute(select(User.id, User.name, User.email).where(User.id.in_(keys)))
        return found | {uid: name or email for uid, name, email in rows}
    return found | dict(s.execute(select(Group.id, Group.name).where(Group.id.in_(keys))).all())
