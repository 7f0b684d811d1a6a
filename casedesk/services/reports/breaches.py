"""The list of SLA breaches under a report: the latest first, of the cases in the
caller's scope, at most :data:`LIMIT`.

The breaches are walked newest first through their own index, and each is kept if its
case's facts are in the scope, looked up by the case id (a correlated ``EXISTS``, so
the planner looks each case up by its key rather than reading the range's facts); the
walk stops once the list is full, or at breaches older than the range's first day (a
breach comes after its case was created). So an admin's list over a year of a million
cases reads about :data:`LIMIT` breaches, where a join from the cases would first visit
every case of the year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from casedesk.services.reports.schemas import Cell
from casedesk.store.models import Case, CaseFact, SlaBreach

LIMIT = 500


def latest(s: Session, created: ColumnElement[bool], since: date) -> list[list[Cell]]:
    """``[case, number, title, target, due, breached]`` of the latest breaches of the
    facts matching ``created`` (cases created on or after ``since``)."""
    earliest = datetime.combine(since - timedelta(days=1), time.min, UTC)  # any zone
    mine = exists().where(CaseFact.case_id == SlaBreach.case_id, created)
    found = s.execute(
        select(
            SlaBreach.case_id,
            Case.number,
            Case.title,
            SlaBreach.target,
            SlaBreach.due_at,
            SlaBreach.breached_at,
        )
        .join(Case, Case.id == SlaBreach.case_id)
        .where(SlaBreach.breached_at >= earliest, mine)
        .order_by(SlaBreach.breached_at.desc(), SlaBreach.id.desc())
        .limit(LIMIT)
    ).all()
    return [
        [r.case_id, r.number, r.title, r.target, r.due_at.isoformat(), r.breached_at.isoformat()]
        for r in found
    ]
