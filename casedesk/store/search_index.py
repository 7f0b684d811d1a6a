"""Full-text search over ``search_documents``: keeping documents current and matching
free text against them.

One row per searchable text (a case's title and description, each message), keyed by
``(source, source_id)``. The index over it is built by the migrations and differs by
backend:

- SQLite: an FTS5 external-content table ``search_fts`` (``unicode61``, diacritics
  removed) kept in sync by triggers on ``search_documents``. A migration that rebuilds
  ``search_documents`` (SQLite batch mode) drops those triggers and must recreate them.
- PostgreSQL: a GIN index ``ix_search_documents_tsv`` on ``to_tsvector('simple', body)``;
  queries must use that exact expression to use it.

A case matches when every term of the query is found, as a word prefix and ignoring
case, in some document of the case (not necessarily all in the same one). Backends
tokenise differently at the edges (PostgreSQL keeps e-mail addresses and URLs whole and
keeps diacritics; SQLite splits on punctuation and folds diacritics), so tests of
callers should not depend on those edges. User text never reaches either query
language unescaped: any string either matches or doesn't, it never fails to parse.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    column,
    delete,
    func,
    insert,
    intersect,
    literal,
    literal_column,
    select,
    table,
    update,
)
from sqlalchemy.orm import Session

from casedesk.store.models import SearchDocument

FTS_TABLE = "search_fts"
PG_INDEX = "ix_search_documents_tsv"
#: The knowledge base's own index (``services/knowledge/search.py``): the FTS5 table
#: and the prefix of its per-language GIN indexes.
KB_FTS_TABLE = "kb_fts"
KB_PG_INDEX = "ix_kb_translations_tsv_"

#: Each term is one more set to intersect; a cap keeps the query cheap (and SQLite
#: allows at most 500 members in a compound SELECT).
MAX_TERMS = 32

_fts = table(FTS_TABLE, column("rowid", Integer))
_SIMPLE: ColumnElement[Any] = literal_column("'simple'")


def is_index_object(name: str | None, type_: str) -> bool:
    """Whether a schema object belongs to the backend-specific index (which the models
    do not describe): the FTS5 table and its shadow tables, or the GIN index."""
    if name is None:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith((f"{FTS_TABLE}_", KB_FTS_TABLE))
    return type_ == "index" and (name == PG_INDEX or name.startswith(KB_PG_INDEX))


_INSERT = insert(SearchDocument)
_REPLACE = (
    update(SearchDocument)
    .where(
        SearchDocument.source == bindparam("of_source"),
        SearchDocument.source_id == bindparam("of_source_id"),
    )
    .values(case_id=bindparam("case_id"), body=bindparam("body"))
)


def index_text(
    session: Session, case_id: int, source: str, source_id: int, body: str, *, new: bool = False
) -> None:
    """Make ``body`` the searchable text of ``(source, source_id)``, creating the
    document or replacing its text. Blank text removes the document. ``new`` says the
    source was created in this transaction, so there is no document to replace yet.
    Core statements on the session's connection: the ORM adds nothing for these rows."""
    body = _clean(body)
    if not body.strip():
        if not new:
            drop_document(session, source, source_id)
        return
    document = {"case_id": case_id, "source": source, "source_id": source_id, "body": body}
    connection = session.connection()
    if not new:
        params = {"of_source": source, "of_source_id": source_id, "case_id": case_id, "body": body}
        if connection.execute(_REPLACE, params).rowcount:
            return
    connection.execute(_INSERT, document)


def index_new_texts(session: Session, texts: list[tuple[int, str, int, str]]) -> None:
    """``index_text(..., new=True)`` for many ``(case_id, source, source_id, body)`` at
    once, in one statement."""
    documents = [
        {"case_id": case_id, "source": source, "source_id": source_id, "body": body}
        for case_id, source, source_id, text in texts
        if (body := _clean(text)).strip()
    ]
    if documents:
        session.connection().execute(_INSERT, documents if len(documents) > 1 else documents[0])


def drop_document(session: Session, source: str, source_id: int) -> None:
    session.execute(
        delete(SearchDocument)
        .where(SearchDocument.source == source, SearchDocument.source_id == source_id)
        .execution_options(synchronize_session=False)
    )


def drop_case_documents(session: Session, case_id: int) -> None:
    session.execute(
        delete(SearchDocument)
        .where(SearchDocument.case_id == case_id)
        .execution_options(synchronize_session=False)
    )


def matching_case_ids(dialect_name: str, query: str) -> Select[int]:
    """``SELECT`` of the distinct ids of the cases whose documents, together, contain
    every term of ``query``: one term may be in the title, another in a message. For use
    as ``Case.id.in_(...)``. Raises ``ValueError`` for a blank query or too many terms."""
    terms = search_terms(query)
    if dialect_name == "sqlite":
        branches = [_sqlite_term(term) for term in terms]
    elif dialect_name == "postgresql":
        branches = [_pg_term(term) for term in terms]
    else:
        raise ValueError(f"full-text search is not supported on {dialect_name}")
    if len(branches) == 1:
        return branches[0].distinct()
    matches = intersect(*branches).subquery("matches")
    return select(matches.c.case_id)


def search_terms(query: str) -> list[str]:
    """The distinct whitespace-separated terms of ``query``."""
    terms = list(dict.fromkeys(_clean(query).split()))
    if not terms:
        raise ValueError("empty search query")
    if len(terms) > MAX_TERMS:
        raise ValueError(f"a search query has at most {MAX_TERMS} terms")
    return terms


def _sqlite_term(term: str) -> Select[int]:
    match = literal_column(FTS_TABLE).op("MATCH")(literal(fts5_query(term), String))
    return select(SearchDocument.case_id).join(_fts, _fts.c.rowid == SearchDocument.id).where(match)


def _pg_term(term: str) -> Select[int]:
    document = func.to_tsvector(_SIMPLE, SearchDocument.body)
    return select(SearchDocument.case_id).where(document.op("@@")(_pg_prefix_query(term)))


def fts5_query(text: str) -> str:
    """An FTS5 query matching every whitespace-separated term of ``text`` as a prefix.

    Each term becomes a quoted string (``"`` doubled inside), so FTS5 operators, column
    filters and stray quotes in user input are plain text; ``*`` after the string makes
    its last token a prefix. A term with no word characters matches nothing and is
    ignored by FTS5.
    """
    return " ".join('"' + term.replace('"', '""') + '"*' for term in text.split())


def _pg_prefix_query(text: str) -> ColumnElement[Any]:
    # plainto_tsquery parses the text with the same parser as the documents and
    # quotes every lexeme; marking each quoted lexeme (closing quote before a space or
    # the end) with :* turns the words into prefixes. Lexemes never contain spaces, and
    # quotes inside them are doubled, so only closing quotes match.
    plain = func.plainto_tsquery(_SIMPLE, literal(text, String))
    marked = func.regexp_replace(plain.cast(Text), "'( |$)", "':*\\1", "g")
    return func.to_tsquery(_SIMPLE, marked)


def _clean(query: str) -> str:
    """Drop what no database accepts in text: NUL and unpaired surrogates."""
    return query.replace("\x00", " ").encode("utf-8", "ignore").decode("utf-8")
