"""How a search's text is matched: planned by how often its words occur, so that the
first page never costs work in proportion to the number of hits.

- A **rare** clause (fewer matching documents than ``Tuning.drive_below``) drives the
  search: the ids of its cases come from the text index (a bounded set), the filters
  and the other clauses are checked on those alone, and the page is the first rows of
  that set in the sort order.
- When every clause is **frequent**, the search walks the cases in the sort order
  through the filters' index and checks the text case by case, stopping at the end of
  the page: the more often the words occur, the sooner it stops.

The crossover is where both cost about the same: walking checks about
``page x documents / hits`` documents, driving reads ``hits``; the default bound is
``sqrt(150 x documents)`` (a check costs several times a read), between 1,000 and 50,000.

Counting needs no order, so a count always streams from the rarest clause's documents
and stops at the bound it is given (``Tuning.exact_count_up_to``): below it the count is
exact, at it the answer is "at least". The caller's visibility is part of every
statement, never applied afterwards.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    any_,
    bindparam,
    cast,
    distinct,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from casedesk.domain.search_query import Clause, SearchQuery
from casedesk.store.models import Case, SearchDocument
from casedesk.store.search_match import ClauseMatcher


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


#: Documents read per case of a count's bound before it takes the long way (PostgreSQL).
FIRST_DOCUMENTS = 4


@dataclass(frozen=True, slots=True)
class Tuning:
    """Where searches and counts change their way of working.

    ``exact_count_up_to``: counts stop here and are shown as "at least" (environment:
    ``CASEDESK_SEARCH_EXACT_COUNT``). ``drive_below``: a clause matching fewer documents
    drives the search; None derives it from the size of the index."""

    exact_count_up_to: int = field(
        default_factory=lambda: _env_int("CASEDESK_SEARCH_EXACT_COUNT", 10_000)
    )
    drive_below: int | None = None


@dataclass(slots=True)
class TextPlan:
    """The text part of one search: the clause that drives it, if any, and the
    conditions checked case by case."""

    matcher: ClauseMatcher
    query: SearchQuery
    driver: Clause | None
    #: The driving clause's case ids when they were read already (PostgreSQL: given
    #: as values, the planner knows how few they are).
    driver_ids: list[int] | None = None

    def walked(self) -> ColumnElement[bool]:
        """Every clause checked case by case (for a walk in sort order)."""
        return self._number_or(and_(true(), *self._checks(None)))

    def driven(self) -> ColumnElement[bool]:
        """The cases of the driving clause's documents, checked for the others."""
        assert self.driver is not None
        found = self.driver_ids
        ids: ColumnElement[bool]
        if found is None:
            ids = Case.id.in_(self.matcher.documents(self.driver))
        else:  # one array parameter: thousands of parameters cost more to send than to run
            ids = Case.id == any_(bindparam("driver_cases", sorted(set(found)), ARRAY(BigInteger)))
        return self._number_or(and_(ids, *self._checks(self.driver)))

    def count_source(self, base: Select[Case]) -> Select[Any]:
        """``SELECT DISTINCT`` case ids of ``base`` matching the text, streamed from the
        driving clause's documents (unordered: for counting)."""
        if self.driver is None or self.query.number is not None:
            return base.with_only_columns(Case.id).where(self.walked())
        docs = self.matcher.documents(self.driver).subquery("hits")
        stmt = base.with_only_columns(Case.id).join_from(docs, Case, Case.id == docs.c.case_id)
        return stmt.where(*self._checks(self.driver)).distinct()

    def count_from_first(self, base: Select[Case], up_to: int) -> tuple[int, bool] | None:
        """PostgreSQL: ``(count, is_estimate)`` from the cases of the driving clause's
        first ``FIRST_DOCUMENTS x up_to`` documents, or None when they do not settle it.

        PostgreSQL hashes the whole of a ``DISTINCT`` before it stops at a limit, so the
        statement of ``count_source`` joins every matching document to its case (0.19 s
        for a common word at 100,000 cases, against 0.04 s this way). The first
        documents' cases are checked against ``base`` (visibility and filters) by their
        keys instead: more than ``up_to`` of them settles "at least"; all the documents
        read settles the exact count; otherwise (few of many matches visible) it is the
        long way."""
        if self.matcher.dialect != "postgresql" or self.driver is None:
            return None
        if self.query.number is not None:
            return None
        limit = FIRST_DOCUMENTS * (up_to + 1)
        # One statement: the first documents (read once, a common table expression)
        # give an array of case ids on the server, which the count looks up in the
        # cases' key index, and how many documents there were.
        first = self.matcher.documents(self.driver).limit(limit + 1).cte("first_docs")
        cases = (
            select(func.array_agg(distinct(first.c.case_id)).label("ids"))
            .select_from(first)
            .scalar_subquery()
        )
        found = (
            base.with_only_columns(Case.id)
            .where(Case.id == any_(cast(cases, ARRAY(BigInteger))))
            .where(*self._checks(self.driver))
            .limit(up_to + 1)
        )
        counted = select(
            select(func.count()).select_from(found.subquery()).scalar_subquery(),
            select(func.count()).select_from(first).scalar_subquery(),
        )
        n, documents = self.matcher.session.execute(counted).one()
        if n > up_to:
            return up_to, True
        return (int(n), False) if documents <= limit else None

    def _checks(self, skip: Clause | None) -> list[ColumnElement[bool]]:
        has = self.matcher.case_has
        checks = [has(c) for c in self.query.clauses if c is not skip]
        return checks + [~has(c) for c in self.query.excluded]

    def _number_or(self, cond: ColumnElement[bool]) -> ColumnElement[bool]:
        number = self.query.number
        return cond if number is None else or_(Case.number == number, cond)


def plan(s: Session, query: SearchQuery, tuning: Tuning, *, counting: bool = False) -> TextPlan:
    """Choose how to match the text of ``query``."""
    matcher = ClauseMatcher(s)
    if not query.clauses:
        return TextPlan(matcher, query, None)
    bound = tuning.drive_below if tuning.drive_below is not None else _default_bound(s)
    if matcher.dialect == "postgresql" and not counting:
        # PostgreSQL cannot tell a rare prefix from a frequent one by its statistics:
        # read the rare clause's cases and hand them to the statement as values.
        for clause in query.clauses:
            if matcher.surely_more_than(clause, bound):
                continue  # reading its documents to find out would cost what it spares
            ids = matcher.document_cases(clause, bound)
            if ids is not None:
                return TextPlan(matcher, query, clause, ids)
        return TextPlan(matcher, query, None)
    if counting and len(query.clauses) == 1:
        return TextPlan(matcher, query, query.clauses[0])
    seen = [(matcher.document_count(c, bound + 1), i) for i, c in enumerate(query.clauses)]
    count, rarest = min(seen)
    if counting or count <= bound:
        return TextPlan(matcher, query, query.clauses[rarest])
    return TextPlan(matcher, query, None)


def _default_bound(s: Session) -> int:
    """sqrt(150 x documents), between 1,000 and 50,000; the highest document id stands
    for the number of documents (an index look-up, where counting is not)."""
    documents = s.scalar(select(func.max(SearchDocument.id))) or 0
    return max(1_000, min(50_000, math.isqrt(150 * documents)))
