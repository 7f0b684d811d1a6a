"""The response and resolution times of a report: their medians and 90th percentiles,
per key of a dimension and for all.

Percentiles cannot be added up from day counts, so they are read from the per-case
facts. Up to :data:`EXACT` cases in range, every case's times are read and the
figures are exact. Above it, a fixed share of the cases is read, chosen by a hash of
the case id (so the same cases on every read, and no pattern of numbering or round
robin leaking into the choice), enough for about :data:`EXACT` cases; each key with at
most :data:`SMALL` cases is then read whole, so a quiet agent's figures are still
exact. The table's note says so. With tens of thousands of cases in the sample, a
median is within a few tenths of a percent of the cases' ranks of the exact one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from casedesk.services.reports.figures import median, nearest_rank
from casedesk.services.reports.schemas import Cell
from casedesk.store.models import CaseFact

#: Cases read whole before a sample is taken instead (and the size of the sample).
EXACT = 50_000
#: Keys with at most this many cases are read whole even when the rest is sampled.
SMALL = 2_000
_SPREAD = 2_654_435_761  # Knuth's multiplicative hash: ids spread over 0 … 2³²
_RANGE = 2**32

Values = tuple[list[int], list[int]]


def values(
    s: Session, created: ColumnElement[bool], column: Any, counts: dict[Any, int]
) -> tuple[dict[Any, Values], Values, str | None]:
    """The first response and resolution times per key of ``column`` and for all, of
    the facts matching ``created``; ``counts`` is how many cases each key has there.
    Returns them with a note when a sample stands in for the whole."""
    total = sum(counts.values())
    if total <= EXACT:
        found, every, _ = _read(s, column, created)
        return found, every, None
    share = -(-_RANGE * EXACT // total)  # rounded up: a sample of about EXACT cases
    sampled = (CaseFact.case_id * _SPREAD) % _RANGE < share
    found, every, drawn = _read(s, column, and_(created, sampled))
    small: list[Any] = []
    budget = EXACT
    for key, n in sorted(counts.items(), key=lambda kv: kv[1]):
        if n > SMALL or n > budget:
            break
        small.append(key)
        budget -= n
    note = f"Medians and 90th percentiles estimated from a sample of {drawn:,} of {total:,} cases"
    if small:
        known = column.in_([k for k in small if k is not None])
        whole, _, _ = _read(
            s, column, and_(created, or_(known, column.is_(None)) if None in small else known)
        )
        for key in small:
            found[key] = whole.get(key, ([], []))
        note += f"; exact for rows of at most {SMALL:,} cases"
    return found, every, note + "."


def row(label: str, cases: int, found: Values) -> list[Cell]:
    """A table row: the key, its cases, and the medians and 90th percentiles."""
    first, resolved = sorted(found[0]), sorted(found[1])
    return [
        label,
        cases,
        median(first),
        nearest_rank(first, 0.9),
        median(resolved),
        nearest_rank(resolved, 0.9),
    ]


def _read(
    s: Session, column: Any, where: ColumnElement[bool]
) -> tuple[dict[Any, Values], Values, int]:
    """The times of the facts matching ``where`` per key, for all, and how many cases."""
    found: dict[Any, Values] = defaultdict(lambda: ([], []))
    every: Values = ([], [])
    cases = 0
    for key, first, resolved in s.execute(
        select(column, CaseFact.first_response_seconds, CaseFact.resolution_seconds).where(where)
    ):
        cases += 1
        mine = found[key]
        if first is not None:
            mine[0].append(first)
            every[0].append(first)
        if resolved is not None:
            mine[1].append(resolved)
            every[1].append(resolved)
    return dict(found), every, cases
