"""Engine and transactions.

SQLite (the embedded default) runs in WAL mode with pragmas for speed; write
transactions start with ``BEGIN IMMEDIATE`` so two writers never deadlock upgrading a
read lock. Writers also queue on a lock of their own before they begin (a thread lock
plus an ``flock`` on ``<database>.writelock``, shared by every process on the file):
SQLite lets one writer in at a time anyway, and a writer it turns away sleeps in the
busy handler with growing naps (up to 100 ms) while newcomers overtake it, so under
concurrent writes some requests waited seconds. Queueing keeps them in turn, and the
writers queued in one process share a commit (``group_commit.py``).
PostgreSQL runs at READ COMMITTED; lost updates are prevented by the case ``version``
column and row locks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from casedesk.store.group_commit import GroupCommit

_WRITE = "casedesk_write"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=32,
            max_overflow=32,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_size=20, max_overflow=20, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            "temp_store=MEMORY",
            "cache_size=-65536",
            "mmap_size=268435456",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """Owns the engine and hands out one transaction per use-case."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._write = sessionmaker(
            bind=self.engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._group = (
            GroupCommit(self.engine.execution_options(**{_WRITE: True}), make_url(url).database)
            if self.backend == "sqlite"
            else None
        )

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error.
        On SQLite, writers queued together share the commit (``store/group_commit.py``)
        with the same guarantees."""
        if self._group is not None:
            with self._group.write() as session:
                yield session
            return
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def analyze(self) -> None:
        """Refresh the query planner's statistics of every table, as after a bulk load:
        which index a list or a search uses depends on them. On SQLite each index is
        sampled (``analysis_limit``), so this stays quick on a large file."""
        with self.write() as s:
            if self.backend == "sqlite":
                s.execute(text("PRAGMA analysis_limit=1000"))
            s.execute(text("ANALYZE"))

    def dispose(self) -> None:
        self.engine.dispose()
        if self._group is not None:
            self._group.close()
