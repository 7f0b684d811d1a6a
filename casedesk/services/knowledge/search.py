"""Full-text search over the translations, in the language of each.

- SQLite: the FTS5 table ``kb_fts`` (external content ``kb_translations.search_text``,
  ``porter unicode61 remove_diacritics 2``): English words are stemmed, every language
  matches by word prefix and without diacritics; ranked by BM25.
- PostgreSQL: one partial GIN index per language on
  ``to_tsvector('<configuration>', search_text) WHERE language = '<code>'``, so each
  language is stemmed and its stop words dropped by its own configuration
  (``domain.knowledge.LANGUAGES``); ranked by ``ts_rank`` among the first ``RANKED``
  hits (ranking recomputes each hit's vector, so a word in most articles would cost in
  proportion to the whole knowledge base). A query must repeat the
  index's expression and condition exactly to use it.

Two ways of matching: ``all`` terms as prefixes (the search box), or ``any`` term (what
a customer types about a problem, most of whose words no article has). User text
reaches neither query language unescaped. Who may see a hit is the caller's filter
(``where``), applied inside the same statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Text,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from casedesk.domain.knowledge import LANGUAGES
from casedesk.store.models import KbTranslation

MAX_TERMS = 16
#: PostgreSQL ranks at most this many hits of a query (see ``_postgresql``).
RANKED = 200
_fts = table("kb_fts", column("rowid", Integer))


def terms_of(text: str) -> list[str]:
    clean = text.replace("\x00", " ").encode("utf-8", "ignore").decode("utf-8")
    return list(dict.fromkeys(clean.split()))[:MAX_TERMS]


def matching(
    s: Session,
    language: str,
    terms: list[str],
    *,
    where: list[ColumnElement[bool]],
    any_term: bool = False,
    limit: int = 20,
) -> list[int]:
    """Ids of the translations in ``language`` matching ``terms``, best first."""
    if not terms or language not in LANGUAGES:
        return []
    dialect = s.get_bind().dialect.name
    if dialect == "sqlite":
        stmt = _sqlite(language, terms, any_term).where(*where)
    else:
        stmt = _postgresql(language, terms, any_term, where)
    return list(s.scalars(stmt.limit(limit)))


def _sqlite(language: str, terms: list[str], any_term: bool) -> Select[Any]:
    quoted = ['"' + t.replace('"', '""') + '"' + ("" if any_term else "*") for t in terms]
    query = (" OR " if any_term else " ").join(quoted)
    match = literal_column("kb_fts").op("MATCH")(literal(query, String))
    rank = literal_column("bm25(kb_fts)", Float)
    return (
        select(KbTranslation.id)
        .join(_fts, _fts.c.rowid == KbTranslation.id)
        .where(match, KbTranslation.language == language)
        .order_by(rank, KbTranslation.id)
    )


def _postgresql(
    language: str, terms: list[str], any_term: bool, where: list[ColumnElement[bool]]
) -> Select[Any]:
    config: ColumnElement[Any] = literal_column(f"'{LANGUAGES[language]}'")
    document = func.to_tsvector(config, KbTranslation.search_text)
    plain = func.plainto_tsquery(config, literal(" ".join(terms), String)).cast(Text)
    if any_term:
        marked = func.replace(plain, " & ", " | ")
    else:
        # Each quoted lexeme (closing quote before a space or the end) becomes a prefix.
        marked = func.regexp_replace(plain, "'( |$)", "':*\\1", "g")
    query = func.to_tsquery(config, marked)
    language_clause: ColumnElement[Any] = literal_column(f"kb_translations.language = '{language}'")
    # Ranking recomputes each hit's tsvector: rank the first RANKED hits the index gives,
    # so a word found in most articles costs no more than a rarer one.
    hits = (
        select(KbTranslation.id)
        .where(language_clause, document.op("@@")(query), *where)
        .limit(RANKED)
        .scalar_subquery()
    )
    return (
        select(KbTranslation.id)
        .where(KbTranslation.id.in_(hits))
        .order_by(func.ts_rank(document, query).desc(), KbTranslation.id)
    )
