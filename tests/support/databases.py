"""Test databases: a migrated template made once per session, handed out empty per test.

SQLite: the template is a file migrated once; each test gets a copy (a file copy is far
cheaper than running the migrations). PostgreSQL: the test database is reset and
migrated once; each test starts by emptying every table and restarting every sequence.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, exc, make_url, pool, text

from casedesk.store.migrate import upgrade
from casedesk.store.models import Base

BACKENDS = ("sqlite", "postgresql")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_sqlite_template(path: Path) -> Path:
    """Migrate a new SQLite file and leave it as a single self-contained file."""
    upgrade(sqlite_url(path))
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm files to copy along
    finally:
        conn.close()
    return path


def copy_sqlite_template(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return sqlite_url(target)


def admin_engine(url: str) -> Engine:
    return create_engine(url, poolclass=pool.NullPool)


def check_test_database(url: str) -> None:
    """Refuse to wipe a database that does not look like a test database."""
    name = make_url(url).database or ""
    if "test" not in name:
        raise RuntimeError(f"refusing to reset {name!r}: a test database name contains 'test'")


def reset_postgres(url: str) -> None:
    """Empty the test database (whatever an earlier run left) and migrate it."""
    check_test_database(url)
    engine = admin_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    upgrade(url)


def empty_statement(engine: Engine) -> str:
    """One round trip that deletes every row, children first, and restarts every sequence.

    Same effect as ``TRUNCATE ... RESTART IDENTITY CASCADE``, but some twenty times
    faster on the nearly empty tables of a test: TRUNCATE swaps in new files for every
    table and index, DELETE only scans a few rows.
    """
    quote = engine.dialect.identifier_preparer.quote
    deletes = [f"DELETE FROM {quote(t.name)}" for t in reversed(Base.metadata.sorted_tables)]
    restart = (
        "SELECT setval(c.oid, 1, false) FROM pg_class c"
        " WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
    )
    # A test that leaked an open transaction would otherwise hang the next one.
    return "; ".join(["SET LOCAL lock_timeout = '10s'", *deletes, restart])


def truncate_statement(engine: Engine) -> str:
    quote = engine.dialect.identifier_preparer.quote
    tables = ", ".join(quote(table.name) for table in Base.metadata.sorted_tables)
    return f"SET LOCAL lock_timeout = '10s'; TRUNCATE {tables} RESTART IDENTITY CASCADE"


def empty_postgres(engine: Engine) -> None:
    """Empty every table of the test database (see ``empty_statement``); falls back to
    TRUNCATE should foreign keys ever form a cycle that no delete order satisfies."""
    try:
        with engine.begin() as conn:
            conn.execute(text(empty_statement(engine)))
    except exc.IntegrityError:
        with engine.begin() as conn:
            conn.execute(text(truncate_statement(engine)))


@contextmanager
def postgres_scratch_schema(url: str) -> Iterator[str]:
    """A URL for an empty, unmigrated database: a new schema first on the search path."""
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    engine = admin_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        scratch = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scratch.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
