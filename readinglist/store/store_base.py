"""StoreBase: the open database every part of PaperStore works on.

It opens and migrates the database and holds what the parts share: the writer
connection, the one re-entrant lock every method holds (the connection is shared
between the GUI thread and worker threads; ``transaction()`` holds it for a whole
multi-step write), the readers' own connections, and the read helper.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..domain import PaperNotFound, ReadinglistError
from .connections import (
    BUSY_TIMEOUT,
    TEXT_FACTORY,
    ReadConnections,
    WriteLock,
    begin_immediate,
    reading,
)
from .schema import MIGRATION_NAMES, SCHEMA_VERSION, migrations


class SchemaTooNew(ReadinglistError):
    pass


class StoreBase:
    def __init__(self, path: Path | str | None) -> None:
        """Open (and migrate) the database at `path`; None opens an in-memory database."""
        target = ":memory:" if path is None else str(path)
        # Attachment copies are stored relative to this folder, so the library can move.
        self.folder = Path(path).resolve().parent if path is not None else None
        self._lock = WriteLock()
        # Seconds a write waits for another process's write before LibraryBusy.
        self.busy_timeout = BUSY_TIMEOUT
        self._data_version: int | None = None  # see changed_elsewhere
        # Readers of a file database have their own connections (see connections.py);
        # an in-memory database has only the one.
        self._readers = (ReadConnections(target, timeout=BUSY_TIMEOUT)
                         if path is not None else None)
        try:
            conn = sqlite3.connect(target, check_same_thread=False, timeout=BUSY_TIMEOUT)
            conn.text_factory = TEXT_FACTORY
            self.db = Database(conn)
            self.db.execute("PRAGMA foreign_keys = ON")
            if path is not None:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
            # What other connections commit from now on is news (changed_elsewhere).
            self._data_version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:  # not a database, read-only folder, locked ...
            raise ReadinglistError(f"cannot open the library database {target}: {exc}") from None

    # -- lifecycle ---------------------------------------------------------------

    def _migrate(self) -> None:
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = applied - set(MIGRATION_NAMES)
        if unknown:
            raise SchemaTooNew(
                "this library was written by a newer Readinglist "
                f"(unknown migrations: {', '.join(sorted(unknown))}); upgrade the app"
            )
        if self._up_to_date():
            # Up to date: opening writes nothing, so the CLI can open the library while
            # the app is inside a long write (an import).
            return
        # One write transaction that holds the write lock from the start (each migration
        # a savepoint inside): Migrations.apply's own deferred BEGIN reads first and
        # would fail at once, not wait, when another process writes meanwhile.
        with self.transaction():
            if self._up_to_date():  # another process migrated while this one waited
                return
            migrations.apply(self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _up_to_date(self) -> bool:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        return version == SCHEMA_VERSION and not migrations.pending(self.db)

    def changed_elsewhere(self) -> bool:
        """True (once) when another connection, another process or another library on
        the same file, committed since the last call. Never waits: while this store
        writes, False (the next call tells)."""
        if self._lock.held_here() or not self._lock.try_acquire():
            # Inside a write on this thread (its own rows are not news), or another
            # thread writes: the next call tells.
            return False
        try:
            # data_version counts the commits of other connections, as seen by this one.
            version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
        finally:
            self._lock.release()
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    def close(self) -> None:
        if self._readers is not None:
            self._readers.close()
        with self._lock:
            self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all."""
        with self._lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield
                return
            # IMMEDIATE: take the write lock now (waiting up to the busy timeout), so a
            # read at the start cannot pin a snapshot another process's commit makes stale.
            begin_immediate(self.db.conn, self.busy_timeout)
            try:
                yield
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise
            try:
                self.db.conn.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise

    # -- helpers the parts share -------------------------------------------------

    def _q(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        """Rows of a read: on this thread's own connection, so it never waits for a
        write in progress (inside a write, through the writer, to see it)."""
        with self._reading() as conn:
            return conn.execute(sql, params).fetchall()

    def _reading(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return reading(self.db.conn, self._lock, self._readers)

    def _ids_where(self, select: str, where: list[str], params: list[Any], order: str) -> list[int]:
        """Run `select` with the conditions ANDed (fragments are ours, values parameters)."""
        sql = select + (" WHERE " + " AND ".join(where) if where else "") + order
        return [r[0] for r in self._q(sql, params)]

    def require(self, paper_id: int) -> None:
        """PaperNotFound unless the paper exists (inside a write: seen by the writer)."""
        self._require(paper_id)

    def _require(self, paper_id: int) -> None:
        if not self.db.execute("SELECT 1 FROM papers WHERE id = ?", [paper_id]).fetchone():
            raise PaperNotFound(paper_id)
