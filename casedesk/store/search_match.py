"""The full-text parts of a case search, per backend: a clause of the search language
(alternatives of words and phrases) as the statements a search plan is made of.

A plan (``services/cases/text_search.py``) puts these together:

- ``documents(clause)``: the ids of the cases of the documents matching the clause,
  read from the text index (FTS5 or GIN), to drive a search from a rare clause;
- ``document_count(clause, up_to)``: how many documents match, counting no further
  than ``up_to`` (so the cost of asking is bounded whatever the answer);
- ``case_has(clause)``: whether the case of the outer query has a matching document,
  a check made case by case (through the documents' ``case_id`` index) while walking
  cases in their sort order, for frequent clauses.

SQLite's FTS5 answers a prefix query (``"print"*``) by merging the lists of every word
that starts with the prefix, again at every evaluation: checked case by case that costs
as much as reading the whole list each time. ``case_has`` therefore replaces a prefix
by the words of the index that start with it (read from the ``search_fts_vocab`` table),
up to ``MAX_EXPANSION`` of them; a shorter prefix (more words) stays a prefix. Reading
that table walks the list of every word it returns, so the words of a prefix that is
itself a frequent word are kept a minute per process (``KEEP_EXPANSION``), and
``documents`` reads the same words, which FTS5 streams. Counting a clause's documents
counts its words as written first: a prefix matches at least as many, so a frequent
word is known as such without merging every list its prefix starts.

User text never reaches either query language unescaped (see ``search_index``).
"""

from __future__ import annotations

import re
import time
import weakref
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from casedesk.domain.search_query import Clause, Term
from casedesk.store.models import Case, SearchDocument
from casedesk.store.search_index import FTS_TABLE

VOCAB_TABLE = "search_fts_vocab"
#: At most this many index words stand for one prefix in a case-by-case check.
MAX_EXPANSION = 24
#: A word in at least this many documents has its prefix's words kept for
#: ``KEEP_EXPANSION`` seconds per process: a word that starts with it and first appears
#: meanwhile is found by a prefix search that long after it was written.
FREQUENT = 1_000
KEEP_EXPANSION = 60.0
#: Per database (its engine), the kept expansions: word → (when, FTS5 query).
_expansions: weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, str]]] = (
    weakref.WeakKeyDictionary()
)

_fts = table(FTS_TABLE, column("rowid", Integer))
_vocab = table(VOCAB_TABLE, column("term", String))
_SIMPLE: ColumnElement[Any] = literal_column("'simple'")
_WORD = re.compile(r"[a-z0-9]+")
_PG_LEXEME_END = re.compile(r"'( |$)")
#: How far above a bound the planner's estimate must be to be trusted as "above".
_SURELY = 4


class ClauseMatcher:
    """Builds the statements of one backend for the clauses of one search."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"full-text search is not supported on {self.dialect}")
        self._tsqueries: dict[Term, str] = {}

    # ------------------------------------------------------------------ statements

    def documents(self, clause: Clause) -> Select[Any]:
        """``SELECT case_id`` of the documents matching ``clause`` (with repeats)."""
        if self.dialect == "sqlite":
            match = _fts_match(self._expanded(clause))  # streamed, where a prefix is not
            return (
                select(SearchDocument.case_id)
                .select_from(_fts)
                .join(SearchDocument, SearchDocument.id == _fts.c.rowid)
                .where(match)
            )
        return select(SearchDocument.case_id).where(self._pg_matches(clause))

    def document_count(self, clause: Clause, up_to: int) -> int:
        """The number of matching documents, or ``up_to`` if there are at least that many."""
        if self.dialect == "sqlite":
            # The words as written first: FTS5 streams a word's list, while a prefix
            # merges the lists of every word it starts (all of them, whatever the
            # limit), and a prefix matches at least what its word does.
            if self._sqlite_count(exact_clause(clause), up_to) >= up_to:
                return up_to
            return self._sqlite_count(fts5_clause(clause), up_to)
        else:
            probe = select(SearchDocument.id).where(self._pg_matches(clause)).limit(up_to)
        counted = select(func.count()).select_from(probe.subquery())
        return int(self.session.connection().execute(counted).scalar_one())

    def document_cases(self, clause: Clause, up_to: int) -> list[int] | None:
        """The case ids of the documents matching ``clause`` (with repeats), or None if
        there are more than ``up_to`` documents."""
        first = self.documents(clause).limit(up_to + 1)
        ids = list(self.session.connection().scalars(first))
        return ids if len(ids) <= up_to else None

    def surely_more_than(self, clause: Clause, documents: int) -> bool:
        """PostgreSQL: whether the planner's statistics say that the words of ``clause``
        as written (not as prefixes, which match more) are in more than ``documents``
        documents, by a wide margin. Asking costs a plan, not a read; a word the
        statistics do not know is never "surely" frequent."""
        if self.dialect != "postgresql" or any(t.phrase for t in clause):
            return False
        words = [func.plainto_tsquery(_SIMPLE, literal(t.text, String)).cast(Text) for t in clause]
        exact = [q for q in self.session.connection().execute(select(*words)).one() if q]
        if not exact:
            return False
        query = literal(" | ".join(f"({q})" for q in exact), Text).cast(TSQUERY)
        probe = select(SearchDocument.id).where(
            func.to_tsvector(_SIMPLE, SearchDocument.body).op("@@")(query)
        )
        connection = self.session.connection()
        compiled = probe.compile(dialect=connection.dialect)
        plan = connection.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params
        ).scalar_one()
        found = plan[0]["Plan"]["Plan Rows"] if isinstance(plan, list) else 0
        return bool(found > _SURELY * documents)

    def case_has(self, clause: Clause) -> ColumnElement[bool]:
        """Whether ``Case`` (of the enclosing query) has a document matching ``clause``."""
        if self.dialect == "sqlite":
            match = _fts_match(self._expanded(clause))
            docs = (
                select(SearchDocument.id)
                .join(_fts, _fts.c.rowid == SearchDocument.id)
                .where(SearchDocument.case_id == Case.id, match)
            )
            found: ColumnElement[bool] = docs.exists()
            return found
        return exists().where(SearchDocument.case_id == Case.id, self._pg_matches(clause))

    # ------------------------------------------------------------------ PostgreSQL queries

    def _pg_matches(self, clause: Clause) -> ColumnElement[bool]:
        """``to_tsvector('simple', body) @@ query``, the expression of the GIN index,
        with the query a constant: the planner then knows how often its words occur
        (a query computed in the statement it would have to guess)."""
        missing = [t for t in clause if t not in self._tsqueries]
        if missing:
            parsed = [
                (func.phraseto_tsquery if t.phrase else func.plainto_tsquery)(
                    _SIMPLE, literal(t.text, String)
                ).cast(Text)
                for t in missing
            ]
            row = self.session.connection().execute(select(*parsed)).one()
            for term, text in zip(missing, row, strict=True):
                # plainto_tsquery quotes every lexeme; ':*' after each closing quote
                # (before a space or the end: quotes inside lexemes are doubled) makes
                # the words prefixes.
                self._tsqueries[term] = text if term.phrase else _PG_LEXEME_END.sub("':*\\1", text)
        alternatives = [f"({q})" for t in clause if (q := self._tsqueries[t])]
        if not alternatives:  # nothing the parser keeps: matches no document
            return false()
        query = literal(" | ".join(alternatives), Text).cast(TSQUERY)
        return func.to_tsvector(_SIMPLE, SearchDocument.body).op("@@")(query)

    # ------------------------------------------------------------------ SQLite prefixes

    def _expanded(self, clause: Clause) -> str:
        return " OR ".join(self._expanded_term(term) for term in clause)

    def _sqlite_count(self, query: str, up_to: int) -> int:
        probe = select(_fts.c.rowid).where(_fts_match(query)).limit(up_to)
        counted = select(func.count()).select_from(probe.subquery())
        return int(self.session.connection().execute(counted).scalar_one())

    def _expanded_term(self, term: Term) -> str:
        word = term.text.lower()
        if term.phrase or not _WORD.fullmatch(word):
            return fts5_term(term)
        # Reading the vocabulary walks the list of each word it returns, so for a word
        # in many documents the expansion is kept a while (see :data:`KEEP_EXPANSION`).
        kept = _expansions.setdefault(self.session.connection().engine, {})
        found = kept.get(word)
        if found is not None and time.monotonic() - found[0] < KEEP_EXPANSION:
            return found[1]
        expansion = self._expansion(word)
        if self._sqlite_count(_quoted(word), FREQUENT) >= FREQUENT:
            if len(kept) > 1_000:
                kept.clear()
            kept[word] = (time.monotonic(), expansion)
        return expansion

    def _expansion(self, word: str) -> str:
        term = Term(word, phrase=False)
        upper = word[:-1] + chr(ord(word[-1]) + 1)
        found = select(_vocab.c.term).where(_vocab.c.term >= word, _vocab.c.term < upper)
        words = list(self.session.connection().scalars(found.limit(MAX_EXPANSION + 1)))
        if len(words) > MAX_EXPANSION:
            return fts5_term(term)
        if not words:  # no document has it: a word no document has matches nothing
            return _quoted(word)
        return "(" + " OR ".join(_quoted(w) for w in words) + ")"


def exact_clause(clause: Clause) -> str:
    """The FTS5 query of a clause with its words as written, not as prefixes: it
    matches some of what :func:`fts5_clause` matches."""
    return " OR ".join(fts5_term(replace(term, phrase=True)) for term in clause)


def fts5_clause(clause: Clause) -> str:
    """The FTS5 query of a clause: its terms as alternatives."""
    return " OR ".join(fts5_term(term) for term in clause)


def fts5_term(term: Term) -> str:
    """A phrase as a quoted FTS5 string; words as a quoted string whose last token is a
    prefix. Inside the quotes every FTS5 operator is plain text. A term FTS5 finds no
    token in matches nothing; written as a phrase of a word no document can have, so
    that an alternative never turns a clause into a syntax error."""
    if not any(c.isalnum() for c in term.text):
        return '"\u0001"'
    return _quoted(term.text) + ("" if term.phrase else "*")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_match(query: str) -> ColumnElement[bool]:
    return literal_column(FTS_TABLE).op("MATCH")(literal(query, String))
