"""Similar cases and duplicates, ranked with BM25 over each case's words (``case_terms``).

The look-up takes the query case's most telling words (rare in the corporation, frequent
in the case), reads only the postings of those words through the caller's visibility
filter (so a case of a group the caller cannot see is never even scored), and ranks
them. Words in more than ``MAX_DF`` of the cases say little and are left out, which keeps
the work per look-up small on a desk of 100,000 cases.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import cast

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casedesk.domain import assist_text
from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.services.assist.settings import settings_of
from casedesk.services.kernel.access import load_case, readable_cases
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseTerm

#: Words of the query case that are looked up.
QUERY_TERMS = 10
#: A word in more than this share of the cases is not looked up.
MAX_DF = 0.005
MIN_DF_CAP = 200
#: Closed cases are shown this long after closing.
RECENTLY_CLOSED = timedelta(days=30)
#: A duplicate reads at least this much like the new case (share of its own score).
DUPLICATE_SHARE = 0.5
_GONE = (InternalStatus.DELETED, InternalStatus.SPAM, InternalStatus.MERGED)
_STATS_SECONDS = 60.0
_stats: dict[int, tuple[float, int, float]] = {}


class SimilarCase(BaseModel):
    case_id: int
    number: int
    title: str
    status: int
    closed: bool
    #: 0 … 100: how much the case reads like the one asked about.
    score: int


def similar_cases(
    db: Database, principal: Principal, case_id: int, *, limit: int = 5, now: datetime | None = None
) -> list[SimilarCase]:
    """The open and recently closed cases most like ``case_id`` that the caller may see."""
    now = now or utcnow()
    with db.read() as s:
        case = load_case(s, principal, case_id)
        if not settings_of(s, case.corporation_id).similar:
            return []
        counts = {
            t: n
            for t, n in s.execute(
                select(CaseTerm.term, CaseTerm.count).where(CaseTerm.case_id == case_id)
            ).all()
        }
        if not counts:
            return []
        n, avg = _corpus(s, case.corporation_id)
        df = _df(s, case.corporation_id, list(counts))
        terms = telling_terms(counts, df, n)
        visible = (
            readable_cases(principal)
            .with_only_columns(CaseTerm.case_id, CaseTerm.term, CaseTerm.count, CaseTerm.length)
            .select_from(Case)
            .join(CaseTerm, CaseTerm.case_id == Case.id)
            .where(
                CaseTerm.corporation_id == case.corporation_id,
                CaseTerm.term.in_(terms),
                Case.id != case_id,
                Case.merged_into_id.is_(None),
                Case.status.notin_(_GONE),
                or_(Case.closed_at.is_(None), Case.closed_at >= now - RECENTLY_CLOSED),
            )
        )
        # Core rows, not ORM ones: thousands of postings are read per look-up.
        postings = cast(list[assist_text.Posting], list(s.connection().execute(visible)))
        scores = assist_text.bm25(terms, postings, df, n, avg)
        own = _own_score(counts, terms, df, n, avg)
        best = assist_text.top(scores, limit)
        if not best:
            return []
        rows = {c.id: c for c in s.scalars(select(Case).where(Case.id.in_([i for i, _ in best])))}
        return [
            SimilarCase(
                case_id=i,
                number=rows[i].number,
                title=rows[i].title,
                status=rows[i].status_id,
                closed=rows[i].status == InternalStatus.CLOSED,
                score=min(100, round(100 * score / own)) if own else 0,
            )
            for i, score in best
        ]


def duplicate_among(
    s: Session, case: Case, counts: dict[str, int], candidates: list[int]
) -> int | None:
    """Of ``candidates``, the one that reads most like ``case`` if it reads enough alike."""
    n, avg = _corpus(s, case.corporation_id)
    df = _df(s, case.corporation_id, list(counts))
    terms = telling_terms(counts, df, n)
    rows = s.execute(
        select(CaseTerm.case_id, CaseTerm.term, CaseTerm.count, CaseTerm.length).where(
            CaseTerm.case_id.in_(candidates), CaseTerm.term.in_(terms)
        )
    ).all()
    scores = assist_text.bm25(terms, [assist_text.Posting(*r) for r in rows], df, n, avg)
    own = _own_score(counts, terms, df, n, avg)
    best = assist_text.top(scores, 1)
    if best and own and best[0][1] >= DUPLICATE_SHARE * own:
        return best[0][0]
    return None


def get_duplicate(db: Database, principal: Principal, duplicate_id: int) -> SimilarCase | None:
    """The possible duplicate, if the caller may see it (else nothing is said)."""
    with db.read() as s:
        try:
            other = load_case(s, principal, duplicate_id)
        except NotFound:
            return None
        return SimilarCase(
            case_id=other.id,
            number=other.number,
            title=other.title,
            status=other.status_id,
            closed=other.status == InternalStatus.CLOSED,
            score=100,
        )


def telling_terms(
    counts: dict[str, int],
    df: dict[str, int],
    n: int,
    boost: float = assist_text.IDENTIFIER_BOOST,
) -> list[str]:
    """The words of a case worth looking up: the rarest and most repeated first."""
    cap = max(MIN_DF_CAP, int(MAX_DF * n))
    usable = [t for t in counts if df.get(t, 0) <= cap]

    def worth(t: str) -> float:
        return counts[t] * assist_text.idf(df.get(t, 0), n) * assist_text.weight(t, boost)

    usable.sort(key=lambda t: (-worth(t), t))
    return usable[:QUERY_TERMS]


def _own_score(
    counts: dict[str, int], terms: list[str], df: dict[str, int], n: int, avg: float
) -> float:
    length = sum(counts.values())
    own = [assist_text.Posting(0, t, counts[t], length) for t in terms]
    return assist_text.bm25(terms, own, df, n, avg).get(0, 0.0)


def _df(s: Session, corporation_id: int, terms: list[str]) -> dict[str, int]:
    if not terms:
        return {}
    rows = s.execute(
        select(CaseTerm.term, func.count())
        .where(CaseTerm.corporation_id == corporation_id, CaseTerm.term.in_(terms))
        .group_by(CaseTerm.term)
    ).all()
    return dict(rows)


def _corpus(s: Session, corporation_id: int) -> tuple[int, float]:
    """Cases with terms and their average length; counted again once a minute."""
    cached = _stats.get(corporation_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1], cached[2]
    n, total = s.execute(
        select(func.count(), func.coalesce(func.sum(CaseTerm.length), 0)).where(
            CaseTerm.corporation_id == corporation_id
        )
    ).one()
    rows = (
        s.scalar(
            select(func.count(func.distinct(CaseTerm.case_id))).where(
                CaseTerm.corporation_id == corporation_id
            )
        )
        or 0
    )
    avg = float(total) / n if n else 1.0
    _stats[corporation_id] = (time.monotonic() + _STATS_SECONDS, max(rows, 1), avg)
    return max(rows, 1), avg
