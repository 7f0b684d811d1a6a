"""The ``db`` fixture hands every test a migrated database with nothing in it."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text

from casedesk.store.db import Database
from casedesk.store.migrate import alembic_config
from casedesk.store.models import Base, Case, Corporation
from casedesk.store.search_index import index_text
from tests.store import factories
from tests.support import databases


def _row_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def test_the_database_is_migrated_to_head_and_empty(db: Database) -> None:
    head = ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()
    with db.read() as session:
        assert session.scalar(text("SELECT version_num FROM alembic_version")) == head

    assert set(_row_counts(db).values()) == {0}


def test_emptying_postgres_removes_every_row_and_restarts_ids(
    db: Database, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite tests get a fresh copy of the template instead")
    with db.write() as session:
        case = factories.case(session, title="to be removed")
        index_text(session, case.id, "case", case.id, case.title)
    engine: Engine = request.getfixturevalue("_postgres")

    databases.empty_postgres(engine)

    assert set(_row_counts(db).values()) == {0}
    with db.write() as session:
        corp = Corporation(name="again")
        session.add(corp)
        session.flush()
        assert corp.id == 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
