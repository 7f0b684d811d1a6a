"""Full-text search: documents kept current, and any user text either matches or not."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from casedesk.store.db import Database
from casedesk.store.models import Case, SearchDocument
from casedesk.store.search_index import (
    drop_case_documents,
    drop_document,
    fts5_query,
    index_text,
    matching_case_ids,
)
from tests.store import factories

HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "-",
    ":*",
    "!!!",
    "(",
    ")",
    "NEAR(a b",
    "body:x",
    "search_fts:x",
    "^start",
    "a AND",
    "OR NOT",
    "a & b | !c",
    "x <-> y",
    "back\\slash",
    "'; DROP TABLE cases; --",
    "a\x00b",
    "\ud800lone surrogate",
    "☃ ❄ 🙂",
    "{col1 col2}: x",
    "x" * 5000,
    " ".join(["a"] * 32),
    " ".join(f"w{i}" for i in range(32)),
]


def search(db: Database, query: str) -> set[int]:
    with db.read() as session:
        return set(session.scalars(matching_case_ids(db.backend, query)))


def add_case(db: Database, title: str, *messages: str) -> int:
    with db.write() as session:
        case = factories.case(session, title=title)
        index_text(session, case.id, "case", case.id, title)
        for number, body in enumerate(messages, start=1):
            index_text(session, case.id, "message", case.id * 1000 + number, body)
        return case.id


def test_every_term_must_match_as_a_word_prefix(db: Database) -> None:
    printer = add_case(db, "The printer on floor 3 is broken")
    scanner = add_case(db, "Scanner broken", "Printing works though")

    assert search(db, "broken") == {printer, scanner}
    assert search(db, "print") == {printer, scanner}
    assert search(db, "print broken") == {printer, scanner}
    assert search(db, "printer floor") == {printer}
    assert search(db, "roken") == set()


def test_terms_may_be_found_in_different_documents_of_a_case(db: Database) -> None:
    case_id = add_case(db, "Scanner broken", "Printing works though", "scanner again")
    add_case(db, "Scanner fine")

    assert search(db, "print broken") == {case_id}
    assert search(db, "scanner works broken") == {case_id}
    assert search(db, "printer scanner") == set()
    with db.read() as session:
        rows = session.scalars(matching_case_ids(db.backend, "scanner broken")).all()
    assert rows == [case_id]


def test_matching_is_case_insensitive_beyond_ascii(db: Database) -> None:
    cafe = add_case(db, "Café machine ÜBERHITZT")

    assert search(db, "CAFÉ überhitzt") == {cafe}


def test_sqlite_also_ignores_diacritics(db: Database, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the PostgreSQL index keeps diacritics ('simple' configuration)")
    cafe = add_case(db, "Café machine")

    assert search(db, "cafe") == {cafe}


def test_a_case_matching_in_several_documents_is_listed_once(db: Database) -> None:
    case_id = add_case(db, "VPN drops", "VPN drops again", "still VPN")

    with db.read() as session:
        rows = session.scalars(matching_case_ids(db.backend, "vpn")).all()
    assert rows == [case_id]


def test_reindexing_replaces_the_text(db: Database) -> None:
    case_id = add_case(db, "Old title")
    with db.write() as session:
        index_text(session, case_id, "case", case_id, "New title")

    assert search(db, "old") == set()
    assert search(db, "new") == {case_id}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SearchDocument)) == 1


def test_blank_text_removes_the_document(db: Database) -> None:
    case_id = add_case(db, "Title")
    with db.write() as session:
        index_text(session, case_id, "case", case_id, "  \n")

    assert search(db, "title") == set()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SearchDocument)) == 0


def test_dropping_documents(db: Database) -> None:
    first = add_case(db, "alpha one", "alpha message")
    second = add_case(db, "alpha two")
    with db.write() as session:
        drop_document(session, "case", first)
    assert search(db, "alpha") == {first, second}

    with db.write() as session:
        drop_case_documents(session, first)
    assert search(db, "alpha") == {second}


def test_deleting_a_case_removes_its_documents_from_the_index(db: Database) -> None:
    gone = add_case(db, "shared words", "more shared words")
    kept = add_case(db, "shared words")
    with db.write() as session:
        session.delete(session.get_one(Case, gone))

    assert search(db, "shared words") == {kept}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(SearchDocument)) == 1


def test_the_sqlite_index_stays_consistent_with_its_documents(db: Database, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("FTS5 only")
    case_id = add_case(db, "one", "two", "three")
    with db.write() as session:
        index_text(session, case_id, "message", case_id * 1000 + 1, "changed")
        drop_document(session, "message", case_id * 1000 + 2)

    with db.write() as session:
        # Raises if the FTS index differs from the content table.
        session.execute(
            text("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        )


def test_usable_as_a_filter_more_than_once_in_one_statement(db: Database) -> None:
    both = add_case(db, "red green")
    add_case(db, "red")
    with db.read() as session:
        found = session.scalars(
            select(Case.id).where(
                Case.id.in_(matching_case_ids(db.backend, "red")),
                Case.id.in_(matching_case_ids(db.backend, "green")),
            )
        ).all()
    assert found == [both]


@pytest.mark.parametrize("query", ["", " ", "\t\n", "\x00"])
def test_a_blank_query_is_refused(query: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        matching_case_ids("sqlite", query)


def test_too_many_terms_are_refused() -> None:
    matching_case_ids("sqlite", " ".join(["same"] * 100))  # repeats count once
    with pytest.raises(ValueError, match="at most 32 terms"):
        matching_case_ids("sqlite", " ".join(f"t{i}" for i in range(33)))


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="not supported"):
        matching_case_ids("mysql", "x")


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_text_is_just_text(db: Database, query: str) -> None:
    add_case(db, "nothing to see")

    assert search(db, query) == set()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.text(min_size=1).filter(lambda q: 0 < len(set(q.replace("\x00", " ").split())) <= 32)
)
def test_any_text_runs(db: Database, query: str) -> None:
    search(db, query)


def test_words_with_quotes_and_operators_still_match(db: Database) -> None:
    case_id = add_case(db, 'Customer said "NEAR" and AND or OR')

    assert search(db, '"NEAR"') == {case_id}
    assert search(db, "and or") == {case_id}


def test_fts5_query_quotes_every_term() -> None:
    assert fts5_query('printer "jam" a""b') == '"printer"* """jam"""* "a""""b"*'


def test_postgres_uses_the_gin_index(db: Database, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    add_case(db, "indexed")
    statement = matching_case_ids(db.backend, "indexed")
    with db.read() as session:
        # On a tiny table the planner prefers walking any index; leave it only the
        # bitmap scans a GIN index offers, so the plan shows whether ours is usable.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            session.execute(text(f"SET LOCAL {setting} = off"))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_search_documents_tsv" in plan
