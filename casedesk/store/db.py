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

What a SQLite connection may hold in memory is bounded (``SqliteLimits``): a page cache
per connection, how much of the file is mapped, where sorts spill, and a soft limit on
the heap of the whole process. A worker's memory then stays flat however large the file
and however large a query's result; docs/store.md gives the defaults and why.

On PostgreSQL a read replica (a hot standby) may take the reads that are allowed to lag
the last commits by the replication delay: text search, reports, exports
(:meth:`Database.replica`). When the replica cannot be reached, they read from the
primary instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from casedesk.store.group_commit import GroupCommit

log = logging.getLogger(__name__)

_WRITE = "casedesk_write"
_MB = 1024 * 1024
#: Execution option set on the connections of write transactions (for commit listeners).
WRITE_OPTION = _WRITE


@dataclass(frozen=True, slots=True)
class SqliteLimits:
    """Memory a SQLite connection may use (settings ``CASEDESK_SQLITE_*``).

    ``cache_mb``: page cache of each connection; ``mmap_mb``: how much of the file is
    read through a memory map (counted in the resident size once touched; 0 reads with
    ``read()``); ``temp_store``: where sorts and temporary indexes go (``file`` spills
    to a temporary file; ``memory`` keeps them on the heap); ``heap_mb``: a soft limit
    on all of SQLite's memory in the process, past which it frees cache pages first
    (0: none)."""

    cache_mb: int = 8
    mmap_mb: int = 0
    temp_store: str = "file"
    heap_mb: int = 256

    def pragmas(self) -> tuple[str, ...]:
        store = {"file": "FILE", "memory": "MEMORY"}[self.temp_store]
        return (
            f"cache_size={-self.cache_mb * 1024}",
            f"mmap_size={self.mmap_mb * _MB}",
            f"temp_store={store}",
            f"soft_heap_limit={self.heap_mb * _MB}",
        )


def make_engine(url: str, *, echo: bool = False, sqlite: SqliteLimits | None = None) -> Engine:
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
        _configure_sqlite(engine, sqlite or SqliteLimits())
        return engine
    return create_engine(url, echo=echo, pool_size=20, max_overflow=20, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, limits: SqliteLimits) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "busy_timeout=30000",
            *limits.pragmas(),
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Database:
    """Owns the engine and hands out one transaction per use-case."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        sqlite: SqliteLimits | None = None,
        replica_url: str | None = None,
    ) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, sqlite=sqlite)
        self.replica_engine = make_engine(replica_url, echo=echo) if replica_url else None
        self._replica = (
            sessionmaker(bind=self.replica_engine, expire_on_commit=False)
            if self.replica_engine is not None
            else None
        )
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
    def has_replica(self) -> bool:
        return self._replica is not None

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

    @contextmanager
    def replica(self) -> Iterator[Session]:
        """A read transaction for reads that may lag the last commits by the replication
        delay (text search, reports, exports): on the read replica when one is
        configured and answers, else on the primary as :meth:`read`."""
        if self._replica is None:
            with self.read() as session:
                yield session
            return
        session = self._replica()
        try:
            session.connection()  # connects now: a replica that is down shows here
        except OperationalError:
            session.close()
            log.warning("the read replica does not answer; reading from the primary")
            with self.read() as primary:
                yield primary
            return
        with session:
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
        if self.replica_engine is not None:
            self.replica_engine.dispose()
        if self._group is not None:
            self._group.close()
