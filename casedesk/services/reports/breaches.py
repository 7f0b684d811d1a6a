"""The list of SLA breaches under a report: the latest first, of the cases in the
caller's scope, at most :data:`LIMIT`.

Breaches are walked newest first through their own index, a page at a time, and each
page is kept to the cases of the scope; the walk stops once the list is full or the
breaches are older than the range's first day (a breach comes after its case was
created). So an admin's list over a year of a million cases reads about one page,
where a join from the cases would first visit every case of the year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from casedesk.services.reports.schemas import Cell
from casedesk.store.models import Case, CaseFact, SlaBreach

LIMIT = 500
PAGE = 2_000


def latest(s: Session, created: ColumnElement[bool], since: date) -> list[list[Cell]]:
    """``[case, number, title, target, due, breached]`` of the latest breaches of the
    facts matching ``created`` (cases created on or after ``since``)."""
    earliest = datetime.combine(since - timedelta(days=1), time.min, UTC)  # any zone
    kept: list[Any] = []
    before: tuple[datetime, int] | None = None
    while len(kept) < LIMIT:
        page = (
            select(
                SlaBreach.id,
                SlaBreach.case_id,
                SlaBreach.target,
                SlaBreach.due_at,
                SlaBreach.breached_at,
            )
            .where(SlaBreach.breached_at >= earliest)
            .order_by(SlaBreach.breached_at.desc(), SlaBreach.id.desc())
            .limit(PAGE)
        )
        if before is not None:
            page = page.where(tuple_(SlaBreach.breached_at, SlaBreach.id) < before)
        rows = s.execute(page).all()
        if not rows:
            break
        ids = {r.case_id for r in rows}
        mine = set(s.scalars(select(CaseFact.case_id).where(CaseFact.case_id.in_(ids), created)))
        kept += [r for r in rows if r.case_id in mine]
        if len(rows) < PAGE:
            break
        before = (rows[-1].breached_at, rows[-1].id)
    kept = kept[:LIMIT]
    names = {
        c.id: (c.number, c.title)
        for c in s.execute(
            select(Case.id, Case.number, Case.title).where(Case.id.in_({r.case_id for r in kept}))
        )
    }
    return [
        [r.case_id, *names[r.case_id], r.target, r.due_at.isoformat(), r.breached_at.isoformat()]
        for r in kept
    ]
