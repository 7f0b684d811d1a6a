"""Group commit for SQLite: writers of one process that queue up share a transaction.

SQLite lets one writer in at a time, and what a write transaction costs is mostly its
commit: every B-tree page it touched is written to the WAL, and consecutive writes touch
the same pages (the last leaf of each table and index, the full-text index). So while
one writer runs, the writers queued behind it in this process join its transaction
instead of waiting for their own, and one commit covers them all.

Each writer still gets exactly the semantics of its own transaction:

- its work runs in a SAVEPOINT; an error rolls back to it, so a failing writer undoes
  only its own changes and the others are unaffected;
- writers run one after the other, each seeing what the previous ones wrote, as if
  each had committed before the next began (case numbers stay consecutive);
- ``write()`` returns only after the shared transaction is committed, so nothing a
  caller does after the block (e.g. answering a request) happens before its data is
  durable; if that commit fails, every writer of the group gets the error.

Processes still take turns through the ``flock`` of ``<database>.writelock``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the thread lock alone
    fcntl = None  # type: ignore[assignment]

#: Most writers in one transaction: bounds how long the first of them waits.
MAX_GROUP = 16


class _FileLock:
    """An ``flock`` on ``<database>.writelock``: turns between processes. Held by a
    group, so taken by its first writer and released by its last (another thread)."""

    def __init__(self, database: str | None) -> None:
        self._path = f"{database}.writelock" if database and database != ":memory:" else None
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._path is None or fcntl is None:
            return
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None and fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextmanager
def writer_turn(database: str | None) -> Iterator[None]:
    """Hold the writers' ``flock`` of the SQLite file ``database`` for the block, e.g.
    while migrating: two processes migrating a new file at once would otherwise race
    to switch it to WAL, which SQLite refuses at once instead of waiting."""
    lock = _FileLock(database)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()
        lock.close()


class _Group:
    """One shared write transaction and the writers that joined it."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.size = 0
        self.broken = False
        self.done = threading.Event()
        self.error: BaseException | None = None


class GroupCommit:
    """Hands out write sessions for SQLite, grouping queued writers (module docstring).

    A write opened inside another on the same thread gets a transaction of its own on
    another connection, which fails on SQLite's busy timeout as it always did, instead
    of waiting here forever."""

    def __init__(self, engine: Engine, database: str | None) -> None:
        self._engine = engine
        self._file = _FileLock(database)
        self._baton = threading.Lock()  # the writer whose work runs now
        self._state = threading.Lock()  # guards _queued
        self._queued = 0
        self._group: _Group | None = None
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[Session]:
        if getattr(self._local, "writing", False):
            with Session(bind=self._engine, expire_on_commit=False) as s, s.begin():
                yield s
            return
        group = self._join()
        self._local.writing = True
        try:
            session = Session(
                bind=group.connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
            with session, session.begin():
                yield session
        except BaseException:
            if not _in_transaction(group.connection):  # SQLite ended it: all is lost
                group.broken = True
            raise
        finally:
            self._local.writing = False
            self._leave(group)
        group.done.wait()
        if group.error is not None:
            raise group.error

    def _join(self) -> _Group:
        with self._state:
            self._queued += 1
        self._baton.acquire()
        with self._state:
            self._queued -= 1
        try:
            if self._group is None:
                self._group = self._begin()
            self._group.size += 1
            return self._group
        except BaseException:
            self._baton.release()
            raise

    def _begin(self) -> _Group:
        self._file.acquire()
        try:
            connection = self._engine.connect()
            try:
                connection.begin()
            except BaseException:
                connection.close()
                raise
        except BaseException:
            self._file.release()
            raise
        return _Group(connection)

    def _leave(self, group: _Group) -> None:
        """Pass the turn on: to the next queued writer inside this group, or, when none
        is queued (or the group is full or broken), end the group with its commit."""
        try:
            with self._state:
                keep_open = self._queued > 0 and group.size < MAX_GROUP and not group.broken
            if not keep_open:
                self._group = None
                self._finish(group)
        finally:
            self._baton.release()

    def _finish(self, group: _Group) -> None:
        try:
            transaction = group.connection.get_transaction()
            if transaction is not None:
                if group.broken:
                    transaction.rollback()
                else:
                    transaction.commit()
            if group.broken:
                group.error = _GroupLost("the shared write transaction was lost")
        except BaseException as exc:
            group.error = exc
        finally:
            try:
                group.connection.close()
            finally:
                self._file.release()
                group.done.set()

    def close(self) -> None:
        with self._baton:
            self._file.close()


class _GroupLost(RuntimeError):
    pass


def _in_transaction(connection: Connection) -> bool:
    """Whether SQLite itself still has the transaction open (some errors end it)."""
    raw = connection.connection.dbapi_connection
    return bool(getattr(raw, "in_transaction", True))
