"""One writer, many readers: the connections of a library database.

SQLite in WAL mode lets a connection read the last committed state while another writes.
So every write goes through one connection, serialised by `WriteLock`; each thread that
reads has a connection of its own (`ReadConnections`) and never waits for a write in
progress, however long (a 20,000-paper import is one transaction). A thread inside a
write reads through the writer, to see what it has written so far.

Between processes, every write transaction starts with ``BEGIN IMMEDIATE``
(`begin_immediate`): it takes the database's write lock at once, waiting for another
process's write through SQLite's busy handler. A deferred ``BEGIN`` that reads before it
writes gets no busy handler for its first write (its snapshot may be stale) and fails at
once with "database is locked". A wait is told after a second (`set_wait_notice`: the
CLI prints "waiting…"), and one longer than `BUSY_TIMEOUT` is a LibraryBusy error that
says so, never a raw ``OperationalError``.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..domain import ReadinglistError

BUSY_TIMEOUT = 10.0  # seconds a write waits for another process's write
# Text that is not valid UTF-8 (a flipped bit, a bad copy) is read with U+FFFD in place
# of the bad bytes rather than failing the whole query (and the window, and the CLI).
# A partial of str is as fast as the default text_factory (both are C calls). Every
# connection of a library sets it (`check` finds and repairs such text).
TEXT_FACTORY = functools.partial(str, encoding="utf-8", errors="replace")
NOTICE_AFTER = 1.0  # seconds of waiting before it is told
BUSY_WAITING = ("the library is busy: another program is writing to it (another "
                "Readinglist importing, perhaps)")


class LibraryBusy(ReadinglistError):
    """Another process kept the library's write lock longer than we may wait."""


Notice = Callable[[str], None]
_notices: list[Notice] = []


def set_wait_notice(notice: Notice | None) -> None:
    """Call `notice(message)` when a write or the search index waits for another
    process for more than a second (the CLI prints it on stderr). None: tell nobody."""
    _notices[:] = [notice] if notice is not None else []


def tell_waiting(message: str) -> None:
    """Tell the notice set by :func:`set_wait_notice`, if any."""
    for notice in list(_notices):
        notice(message)


def is_busy(exc: sqlite3.Error) -> bool:
    """True for SQLite's "database is locked" (SQLITE_BUSY) errors."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "locked" in str(exc) or "busy" in str(exc))


def begin_immediate(conn: sqlite3.Connection, timeout: float = BUSY_TIMEOUT) -> None:
    """Start a write transaction holding the database's write lock (see module doc)."""
    try:
        _set_busy_timeout(conn, min(NOTICE_AFTER, timeout))
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or timeout <= NOTICE_AFTER:
                raise _busy(exc, timeout) from None
        tell_waiting(BUSY_WAITING + "; waiting…")
        _set_busy_timeout(conn, timeout - NOTICE_AFTER)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _busy(exc, timeout) from None
    finally:
        _set_busy_timeout(conn, timeout)


def _busy(exc: sqlite3.OperationalError, timeout: float) -> Exception:
    if not is_busy(exc):
        return exc
    return LibraryBusy(f"{BUSY_WAITING} and kept it for over {timeout:g} s; nothing was "
                       "changed here: try again when it is done")


def _set_busy_timeout(conn: sqlite3.Connection, seconds: float) -> None:
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


class WriteLock:
    """A re-entrant lock that knows whether the calling thread holds it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        self._lock.acquire()
        self._owner = threading.get_ident()
        self._depth += 1

    def try_acquire(self) -> bool:
        """Take the lock if it is free now (or held here already); never waits."""
        if not self._lock.acquire(blocking=False):
            return False
        self._owner = threading.get_ident()
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
        self._lock.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def held_here(self) -> bool:
        return self._owner == threading.get_ident()


class ReadConnections:
    """A read connection per thread, opened on first use, all closed together."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()
        # Each connection with the thread it serves: those of finished threads are closed.
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._guard = threading.Lock()
        self._closed = False

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            with self._guard:
                if self._closed:
                    raise sqlite3.ProgrammingError("the library is closed")
                # check_same_thread=False only so that close() may close it from the
                # thread that closes the library; it is used by its own thread alone.
                self._close_finished()
                conn = sqlite3.connect(self.path, timeout=self.timeout,
                                       check_same_thread=False)
                conn.text_factory = TEXT_FACTORY
                conn.execute("PRAGMA foreign_keys = ON")
                self._all.append((threading.current_thread(), conn))
            self._local.conn = conn
        return conn

    def open_count(self) -> int:
        with self._guard:
            return len(self._all)

    def _close_finished(self) -> None:
        """Close the connections of threads that have ended (short-lived workers), so a
        long session does not gather open files."""
        alive = []
        for thread, conn in self._all:
            if thread.is_alive():
                alive.append((thread, conn))
            else:
                conn.close()
        self._all = alive

    def close(self) -> None:
        with self._guard:
            self._closed = True
            for _thread, conn in self._all:
                conn.close()
            self._all.clear()


@contextmanager
def reading(writer: sqlite3.Connection, lock: WriteLock,
            readers: ReadConnections | None) -> Iterator[sqlite3.Connection]:
    """The connection a read should use: the writer's (under the lock) inside a write on
    this thread or for an in-memory database, else this thread's own."""
    if readers is None or lock.held_here():
        with lock:
            yield writer
    else:
        yield readers.get()
