"""Opening a library's database safely (what Library.open does before the index).

In order: the database file is looked at without writing to it; a missing or empty one
in a folder that held a library (its search index, attached files, backups) is refused
with the newest backup offered, never started empty; one that cannot be read is refused
likewise; one made by a newer Readinglist is refused, never downgraded. A library that
needs a schema update is backed up first. Where nothing may be written (read-only media,
no permission, a full disk) the library opens read-only, and says why.

The daily backup runs on a thread of its own a few seconds after the library is open
(about 1.5 s for 100,000 papers, 290 MB), or at close if that comes first; the library's
close waits for it.
"""

from __future__ import annotations

import logging
import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from ..domain import ReadinglistError
from ..search.index import SearchIndex
from ..search.schema import INDEX_SCHEMA_VERSION
from ..store import backups
from ..store.database_file import (
    DatabaseFacts,
    cannot_write,
    open_read_only_store,
    probe,
    unwritable_reason,
)
from ..store.paper_store import PaperStore
from ..store.schema import SCHEMA_VERSION, NewerSchema
from ..system.locations import default_library_path
from .indexing import IndexSync

log = logging.getLogger(__name__)

DB_FILE = "library.sqlite"
INDEX_DIR = "index"
FILES_DIR = "files"
Clock = Callable[[], datetime]
# Seconds from opening to the daily backup (about 1.5 s of disk for 100,000 papers,
# 290 MB): after the window's first paint; a command that ends sooner takes it at close.
START_AFTER = 3.0


class LibraryRefused(ReadinglistError):
    """The folder holds a library this process must not open as it is (its database is
    missing, empty or unreadable): the message offers the newest backup."""


class Opening(Protocol):
    """What open_library sets up on the Library it makes (see Library.open)."""

    sync: IndexSync
    index: SearchIndex
    notes: list[str]
    index_problem: str | None
    clock: Clock
    _daily_backup: DailyBackup | None

    @property
    def read_only(self) -> bool: ...

    @property
    def store(self) -> PaperStore: ...

    def ensure_index(self) -> bool: ...


L = TypeVar("L", bound=Opening)


def open_library(make: Callable[..., L], path: str | Path | None, *, build_index: bool,
                 read_only: bool, daily_backup: bool, clock: Clock) -> L:
    """Library.open (see its documentation): `make` is the Library class."""
    folder = Path(path).expanduser() if path else default_library_path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not folder.is_dir():
            raise ReadinglistError(
                f"cannot create library folder {folder}: {exc.strerror}") from None
    opened = open_store(folder, read_only=read_only, clock=clock)
    try:
        library = make(folder, opened.store, SearchIndex(folder / INDEX_DIR),
                       read_only=opened.read_only)
        library.notes = opened.notes
        library.clock = clock
        for note in opened.notes:
            log.warning("%s", note)
        if library.read_only:
            library.index_problem = open_index_read_only(library.index,
                                                         library.sync.library_id)
            return library
        # Only now, with the database known good, is the index looked at (and rebuilt).
        library.index_problem = library.sync.check()
        if build_index and library.index_problem:
            library.ensure_index()
    except BaseException:
        opened.store.close()
        raise
    # Not for a library nothing was ever written to (the write position is 0): cheap,
    # where counting 100,000 papers takes 0.2 s.
    if daily_backup and library.store.last_seq() > 0:
        library._daily_backup = DailyBackup(folder, clock)
        library._daily_backup.start_if_due()
    return library


@dataclass
class OpenedStore:
    store: PaperStore
    read_only: str | None = None  # why the library is read-only; None: writable
    notes: list[str] = field(default_factory=list)


def open_store(folder: Path, *, read_only: bool = False, clock: Clock = datetime.now
               ) -> OpenedStore:
    """The library's database, opened as safely as the folder allows (module doc)."""
    database = folder / DB_FILE
    facts = probe(database, f"the library at {folder}")
    if facts.empty:
        traces = library_traces(folder)
        if traces:
            raise LibraryRefused(_refusal(folder, facts, traces))
    elif facts.problem is not None:
        raise LibraryRefused(_refusal(folder, facts, []))
    if facts.newer is not None:
        raise NewerSchema(facts.newer)
    pending = list(facts.pending)
    why = "opened read-only on request" if read_only else unwritable_reason(folder, database)
    if why is None:
        try:
            return OpenedStore(_open_writable(folder, database, facts, pending, clock))
        except ReadinglistError as exc:
            cause = exc.__context__ or exc.__cause__
            if cause is None or not cannot_write(cause):
                raise
            why = f"it cannot be written: {cause}"
            if "full" in str(cause) or "I/O" in str(cause):
                why = f"the disk holding {folder} cannot be written, full perhaps ({cause})"
    if facts.empty:
        raise ReadinglistError(f"no library at {folder}, and none can be made there: {why}")
    if pending:
        raise ReadinglistError(
            f"the library at {folder} has schema {facts.version} and this Readinglist "
            f"needs {SCHEMA_VERSION}; updating it means writing to it, but {why}: copy the "
            "folder to a disk you can write to and open it there")
    store, immutable = open_read_only_store(database)
    notes = [f"the library is read-only ({why}): reading works, changes are refused"]
    wal = Path(str(database) + "-wal")
    if immutable and wal.exists() and wal.stat().st_size:
        notes.append(f"the latest changes, still in {wal.name}, cannot be read here")
    return OpenedStore(store, why, notes)


def _open_writable(folder: Path, database: Path, facts: DatabaseFacts, pending: list[str],
                   clock: Clock) -> PaperStore:
    if pending and not facts.empty:
        # Before the update: the old schema's data as it was, should the update fail
        # or the new version disappoint (an older Readinglist can open the backup).
        try:
            backups.take_backup(folder, database, clock(), f"before-schema-{SCHEMA_VERSION}")
        except backups.BackupFailed as exc:
            raise ReadinglistError(
                f"the library at {folder} needs an update to schema {SCHEMA_VERSION}, "
                f"and it is backed up first, but {exc}; nothing was changed") from None
    return PaperStore(database)


# -- a folder that held a library ------------------------------------------------------------


def library_traces(folder: Path) -> list[str]:
    """What shows that `folder` held a library: its search index, attached files,
    backups (in words; empty for a new or unrelated folder)."""
    traces = []
    if _holds_something(folder / INDEX_DIR):
        traces.append(f"its search index ({INDEX_DIR}/)")
    if _holds_something(folder / FILES_DIR):
        traces.append(f"attached files ({FILES_DIR}/)")
    count = len(backups.list_backups(folder))
    if count:
        traces.append(f"{count} backup{'s' if count > 1 else ''} ({backups.BACKUP_DIR}/)")
    return traces


def _holds_something(path: Path) -> bool:
    try:
        return path.is_dir() and any(path.iterdir())
    except OSError:
        return False


def _refusal(folder: Path, facts: DatabaseFacts, traces: list[str]) -> str:
    database = facts.path
    held = f", although the folder holds a library: {', '.join(traces)}" if traces else ""
    if not facts.exists:
        state = (f"the library database {database} is missing{held}; no new one was made, "
                 "so that nothing is overwritten")
    elif facts.empty:
        state = (f"the library database {database} is empty (0 bytes: a failed copy or "
                 f"sync?){held}; it was not opened, so that nothing is overwritten")
    else:
        state = (f"cannot open the library database {database}: {facts.problem}; nothing "
                 "was changed")
    return f"{state}. {restore_offer(folder)}"


def restore_offer(folder: Path) -> str:
    """The newest backup and the command that restores it, or where to look for one."""
    library = shlex.quote(str(folder))
    for backup in backups.list_backups(folder):
        facts = backups.inspect(backup.path)
        if facts.problem is not None:
            continue
        return (f"The newest backup is {backup.path} ({backup.taken:%Y-%m-%d %H:%M}, "
                f"{facts.papers} papers): restore it with: readinglist --library {library} "
                f"restore {shlex.quote(str(backup.path))}")
    return ("There is no backup of it: if you have a copy of library.sqlite (another disk, "
            "the history of a sync service), restore it with: readinglist --library "
            f"{library} restore FILE; or, to start a new library here, move the folder's "
            "contents away.")


# -- the search index of a read-only library ------------------------------------------------


def open_index_read_only(index: SearchIndex, library_id: str) -> str | None:
    """Open the search index of a read-only library as it is (nothing can be rebuilt or
    caught up); None when searching works, else why it does not."""
    stamp = index.read_stamp()
    if stamp is None or stamp.library_id != library_id \
            or stamp.schema_version != INDEX_SCHEMA_VERSION:
        return "the search index cannot be built: the library is read-only"
    try:
        index.open()
    except Exception as exc:  # damaged files raise many kinds of errors
        log.info("search index unreadable: %s: %s", type(exc).__name__, exc)
        return "the search index cannot be read, and cannot be rebuilt: the library is " \
               "read-only"
    return None


# -- the daily backup ---------------------------------------------------------------------------


class DailyBackup:
    """The automatic backup at open, when the newest is older than a day, on a thread of
    its own, START_AFTER seconds later: the window's first paint (or a quick command)
    does not share the disk with it; `wait` (at close) starts it at once if it has not
    started, and lets it finish. A failure is logged, never raised: the library works
    without it."""

    def __init__(self, folder: Path, clock: Clock = datetime.now,
                 delay: float = START_AFTER) -> None:
        self.folder = folder
        self.clock = clock
        self.delay = delay
        self.taken: backups.Backup | None = None
        self.problem: str | None = None
        self._thread: threading.Thread | None = None
        self._go = threading.Event()

    def start_if_due(self) -> bool:
        if not backups.backup_due(self.folder, self.clock()):
            return False
        self._thread = threading.Thread(target=self._run, name="daily-backup", daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        self._go.wait(self.delay)
        try:
            self.taken = backups.take_backup(self.folder, self.folder / DB_FILE, self.clock())
        except backups.BackupFailed as exc:
            self.problem = str(exc)
            log.warning("no daily backup of the library today: %s", exc)
        except Exception as exc:  # never let a backup break the library
            self.problem = repr(exc)
            log.exception("the daily backup failed")

    def wait(self, timeout: float | None = None) -> None:
        self._go.set()
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = ["DB_FILE", "FILES_DIR", "INDEX_DIR", "DailyBackup", "LibraryRefused",
           "OpenedStore", "library_traces", "open_index_read_only", "open_library",
           "open_store", "restore_offer"]
