"""The library's database file before it is opened for writing: what state it is in,
read-only connections to it, and what an SQLite error says about the disk.

Opening a library must never turn a damaged file into a new empty library, downgrade a
newer one, or fail to read a library it may not write (read-only media, a full disk). So
the file is looked at first (`probe`) through a read-only connection, which never
writes the database; `connect_read_only` falls back to SQLite's ``immutable=1`` where
even the shared-memory file next to a WAL database cannot be created.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from ..domain import ReadinglistError
from .connections import TEXT_FACTORY
from .paper_store import PaperStore
from .schema import NewerSchema, pending_migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
# Less free space than this and the disk counts as full: the library opens read-only
# rather than failing at its first write (a page of the WAL, the shared-memory file).
FULL_BELOW = 256 * 1024
BUSY_TIMEOUT = 10.0  # seconds a read-only connection waits for another process's lock



class LibraryReadOnly(ReadinglistError):
    """A write to a library that is open read-only; the message says why it is."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the library is read-only ({reason}): nothing was changed")
        self.reason = reason


class DiskFull(ReadinglistError):
    """A write failed for lack of space; SQLite rolled it back (nothing was changed)."""

    def __init__(self, folder: Path | str) -> None:
        super().__init__(f"the disk holding {folder} is full: nothing was changed; free "
                         "space and try again")


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database file is, seen without writing to it."""

    path: Path
    exists: bool
    size: int = 0
    version: int | None = None  # PRAGMA user_version, when it could be read
    problem: str | None = None  # why it cannot be read as a database
    pending: tuple[str, ...] = ()  # the migrations it needs
    newer: str | None = None  # made by a newer Readinglist: the refusal (NewerSchema)

    @property
    def empty(self) -> bool:
        """Missing, or 0 bytes (a failed copy or sync): no library in it."""
        return not self.exists or self.size == 0


def probe(path: Path, where: str = "the library") -> DatabaseFacts:
    """Look at the database file at `path` without writing to it (`where`: how the
    refusal of a newer schema names it)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return DatabaseFacts(path, exists=False)
    except OSError as exc:
        return DatabaseFacts(path, True, problem=f"it cannot be read ({exc.strerror})")
    if size == 0:
        return DatabaseFacts(path, True, 0)
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return DatabaseFacts(path, True, size, problem=f"it cannot be read ({exc.strerror})")
    if head != SQLITE_MAGIC:
        return DatabaseFacts(path, True, size, problem="it is not an SQLite database "
                             "(its first bytes are not SQLite's)")
    conn: sqlite3.Connection | None = None
    try:
        conn, _immutable = connect_read_only(path)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the schema reads
        try:
            pending = tuple(pending_migrations(conn, where))
        except NewerSchema as exc:
            return DatabaseFacts(path, True, size, version, newer=str(exc))
    except sqlite3.Error as exc:
        # Another process holds it: no damage (opening waits for it).
        if _code(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return DatabaseFacts(path, True, size)
        return DatabaseFacts(path, True, size, problem=f"it cannot be read ({exc})")
    finally:
        if conn is not None:
            conn.close()
    return DatabaseFacts(path, True, size, version, pending=pending)


def connect_read_only(path: Path, immutable: bool = False,
                      timeout: float = BUSY_TIMEOUT) -> tuple[sqlite3.Connection, bool]:
    """A connection that cannot write `path`, and whether it is ``immutable``.

    ``mode=ro`` sees other processes' commits; it needs the WAL's shared-memory file,
    which read-only media and a full disk cannot give (a "disk I/O error" or "unable to
    open"), and then ``immutable=1`` reads the file as it is, with no lock and no
    side file (it does not see what another process commits meanwhile)."""
    uri = "file:" + quote(str(path.resolve()))
    if not immutable:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=timeout,
                               check_same_thread=False)
        conn.text_factory = TEXT_FACTORY
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn, False
        except sqlite3.OperationalError as exc:
            conn.close()
            if not (cannot_write(exc) or "unable to open" in str(exc)):
                raise
    conn = sqlite3.connect(uri + "?immutable=1", uri=True, timeout=timeout,
                           check_same_thread=False)
    conn.text_factory = TEXT_FACTORY
    return conn, True


def open_read_only_store(path: Path) -> tuple[PaperStore, bool]:
    """A PaperStore on `path` that cannot write it, and whether it is ``immutable``.

    Built as an in-memory store (migrated: a few milliseconds) whose connection is then
    swapped for the read-only one, so that every read of PaperStore works unchanged
    through its one connection; any write fails in SQLite ("attempt to write a readonly
    database"), and the library refuses them before that (LibraryReadOnly)."""
    conn, immutable = connect_read_only(path)
    store = PaperStore(None)
    store.db.close()
    store.db = Database(conn)
    store.folder = path.resolve().parent
    store.changed_elsewhere()  # from now on, other processes' commits are news
    return store, immutable


# -- what an error says about the disk ----------------------------------------------------


def _code(exc: BaseException) -> str:
    return str(getattr(exc, "sqlite_errorname", "") or "")


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"), or an OSError for no space."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.Error):
        return _code(exc).startswith("SQLITE_FULL") or "disk is full" in str(exc)
    return False


def disk_full_behind(exc: BaseException) -> bool:
    """True when `exc`, or what caused it (SQLite's "no such savepoint" after it rolled
    the transaction back for a full disk), is a full disk."""
    current: BaseException | None = exc
    for _depth in range(10):
        if current is None:
            break
        if is_disk_full(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def cannot_write(exc: BaseException) -> bool:
    """An error of a write the disk refused: read-only media, no permission, no space,
    the shared-memory file that could not be made (SQLITE_IOERR at open)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC,
                             errno.EDQUOT)
    code = _code(exc)
    return code.startswith(("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL",
                            "SQLITE_CANTOPEN", "SQLITE_PERM")) or any(
        words in str(exc) for words in ("readonly database", "disk I/O error",
                                        "disk is full"))


def unwritable_reason(folder: Path, database: Path) -> str | None:
    """Why nothing can be written in the library folder now, or None (it may still fail,
    as a full disk can: see `cannot_write`)."""
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: Windows has no statvfs
        stats = None
    if stats is not None and stats.f_flag & os.ST_RDONLY:
        return f"{folder} is on read-only media"
    if not os.access(folder, os.W_OK) or (
            database.exists() and not os.access(database, os.W_OK)):
        return f"you may not write to {folder}"
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free < FULL_BELOW:
        return f"the disk holding {folder} is full: free space to make changes"
    return None


__all__ = ["SQLITE_MAGIC", "TEXT_FACTORY", "DatabaseFacts", "DiskFull", "LibraryReadOnly",
           "cannot_write", "connect_read_only", "disk_full_behind",
           "is_disk_full",
           "open_read_only_store", "probe", "unwritable_reason"]
