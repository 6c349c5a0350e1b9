"""Backups of the library's database, with SQLite's online backup API.

A backup is a consistent copy of the database taken while it is in use (other processes
may go on writing). Automatic ones go to ``LIB/backups/`` named by their local time and
why they were taken (``library-2026-12-08T0930.sqlite``, ``...-before-schema-11.sqlite``);
`rotate` keeps the newest of each of the last 7 days and of the last 4 weeks that have
one. Each is written to a temporary file created exclusively beside its final name,
turned into a single self-contained file (rollback journal, not WAL), flushed to disk,
and only then renamed: a backup is whole or absent.

Nothing here writes outside the library folder, except `write_copy` to the file a user
named (through a temporary file in that folder, renamed over the name: a symlink planted
there is replaced, not followed).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..domain import ReadinglistError
from .database_file import connect_read_only, is_disk_full, probe
from .schema import SCHEMA_VERSION, NewerSchema, pending_migrations

BACKUP_DIR = "backups"
DAILY = 7  # the newest backup of each of the last 7 days that have one
WEEKLY = 4  # and of the last 4 weeks
BACKUP_EVERY = timedelta(days=1)  # an automatic backup when the newest is older
# A backup is skipped (never the library's own writes) unless this much room remains
# after it: a backup must not be what fills the disk.
SPARE = 50 * 1024 * 1024
LEFTOVER_AGE = 3600  # seconds: a temporary file this old is no backup in progress
PAGES_PER_STEP = 4096  # 16 MB per step of the backup API: a cancel is seen between steps

_NAME = re.compile(r"^library-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(?:-([a-z0-9-]+?))?"
                   r"(?:-(\d+))?\.sqlite$")
_REASONS = {"": "daily", "manual": "made by hand", "before-repair": "before a repair",
            "before-restore": "before a restore", "damaged": "the damaged database, "
            "as it was"}

Clock = Callable[[], datetime]


class BackupFailed(ReadinglistError):
    """A backup could not be written (the message says why); nothing was replaced."""


class BackupCancelled(Exception):
    """Raised from the backup's progress callback to stop it (the library is closing)."""


@dataclass(frozen=True)
class Backup:
    """One backup in the library's backups folder (or any file named by the user)."""

    path: Path
    taken: datetime  # from its name (local time)
    reason: str  # "" (daily), "manual", "before-schema-11", "before-repair", ...
    size: int

    @property
    def why(self) -> str:
        """The reason in words."""
        if self.reason.startswith("before-schema-"):
            return f"before the update to schema {self.reason.removeprefix('before-schema-')}"
        return _REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class BackupFacts:
    """What a backup file holds, read without writing to it."""

    papers: int | None
    schema: int | None
    library_id: str | None
    problem: str | None  # why it is not a Readinglist database this version can restore


def backup_folder(library: Path) -> Path:
    return library / BACKUP_DIR


def backup_name(taken: datetime, reason: str = "", n: int = 1) -> str:
    name = f"library-{taken:%Y-%m-%dT%H%M}" + (f"-{reason}" if reason else "")
    return name + (f"-{n}" if n > 1 else "") + ".sqlite"


def parse_name(path: Path) -> tuple[datetime, str, int] | None:
    """(when, reason, counter) of a backup's file name; None for other names."""
    match = _NAME.match(path.name)
    if not match:
        return None
    day, hour, minute, reason, n = match.groups()
    try:
        taken = datetime.fromisoformat(f"{day}T{hour}:{minute}")
    except ValueError:
        return None
    return taken, reason or "", int(n or 1)


def list_backups(library: Path) -> list[Backup]:
    """The backups in the library's backups folder, newest first."""
    folder = backup_folder(library)
    found: list[tuple[tuple[datetime, int, int], Backup]] = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []
    except OSError:
        entries = []
    for path in entries:
        parsed = parse_name(path)
        if parsed is None:
            continue
        try:
            info = path.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        taken, reason, n = parsed
        # Names say the minute: backups of one minute are ordered by when they were made.
        found.append(((taken, info.st_mtime_ns, n), Backup(path, taken, reason,
                                                           info.st_size)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [backup for _key, backup in found]


def backup_due(library: Path, now: datetime) -> bool:
    """True when the newest backup is older than BACKUP_EVERY (or there is none)."""
    backups = list_backups(library)
    newest = backups[0].taken if backups else None
    return newest is None or now - newest >= BACKUP_EVERY


def inspect(path: Path) -> BackupFacts:
    """What the database at `path` holds (papers outside the Trash, schema, library id),
    and why it could not be restored, if so. Never writes to it."""
    try:
        conn = open_source(path)
    except sqlite3.Error as exc:
        return BackupFacts(None, None, None, f"cannot be read ({exc})")
    try:
        schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"papers", "meta"} <= tables:
            return BackupFacts(None, schema, None, "not a Readinglist library (no papers)")
        try:
            pending_migrations(conn, "it")
        except NewerSchema as exc:
            return BackupFacts(None, schema, None, str(exc))
        trash = "trashed" in {row[1] for row in conn.execute("PRAGMA table_info(papers)")}
        papers = int(conn.execute("SELECT count(*) FROM papers" + (
            " WHERE trashed IS NULL" if trash else "")).fetchone()[0])
        row = conn.execute("SELECT value FROM meta WHERE key = 'library_id'").fetchone()
        return BackupFacts(papers, schema, str(row[0]) if row else None, None)
    except sqlite3.Error as exc:
        return BackupFacts(None, None, None, f"cannot be read ({exc})")
    finally:
        conn.close()


def verify(path: Path) -> BackupFacts:
    """`inspect` plus SQLite's full integrity check: a file fit to restore, or a problem."""
    facts = inspect(path)
    if facts.problem is not None:
        return facts
    conn = open_source(path)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    except sqlite3.Error as exc:
        result = [str(exc)]
    finally:
        conn.close()
    if result != ["ok"]:
        return BackupFacts(facts.papers, facts.schema, facts.library_id,
                           "it is damaged: " + "; ".join(result))
    return facts


# -- taking backups ---------------------------------------------------------------------------


def take_backup(library: Path, database: Path, now: datetime, reason: str = "",
                cancelled: Callable[[], bool] | None = None,
                progress: Callable[[int, int], None] | None = None) -> Backup:
    """Back the database up into the library's backups folder, then rotate them.
    BackupFailed when it cannot be done (no room, a folder in the way)."""
    folder = backup_folder(library)
    if folder.is_symlink():
        raise BackupFailed(f"{folder} is a symbolic link: backups are written only inside "
                           "the library folder")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise BackupFailed(f"cannot make {folder}: {exc.strerror}") from None
    _check_room(folder, database)
    n = 1
    while (target := folder / backup_name(now, reason, n)).exists():
        n += 1
    write_copy(database, target, cancelled, progress)
    rotate(library, keep=target)
    return Backup(target, now.replace(second=0, microsecond=0), reason,
                  target.stat().st_size)


def _check_room(folder: Path, database: Path) -> None:
    try:
        free = shutil.disk_usage(folder).free
        size = database.stat().st_size
        wal = Path(str(database) + "-wal")
        size += wal.stat().st_size if wal.exists() else 0
    except OSError:
        return
    if free < size + SPARE:
        raise BackupFailed(f"not enough room on the disk holding {folder} for a backup: "
                           f"{_megabytes(free)} free, it needs {_megabytes(size)} and keeps "
                           f"{_megabytes(SPARE)} for the library's own writes")


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size < 10 * 2**20 else f"{size // 2**20} MB"


def open_source(path: Path, live: bool = False) -> sqlite3.Connection:
    """A read-only connection to a database to copy or inspect. A `live` one (the
    library's own) may be written meanwhile by other processes: ``mode=ro`` follows
    their locks. A file the user named is read ``immutable`` (nothing is written beside
    it), unless a WAL file beside it holds part of it."""
    wal = Path(str(path) + "-wal")
    conn, _immutable = connect_read_only(path, immutable=not live and not wal.exists())
    return conn


def write_copy(database: Path, target: Path, cancelled: Callable[[], bool] | None = None,
               progress: Callable[[int, int], None] | None = None,
               live: bool = True) -> None:
    """A consistent copy of `database` at `target` (a file the caller chose), whole or
    not at all: see the module's docstring. `live`: see `open_source`."""
    folder = target.parent
    if not folder.is_dir():
        raise BackupFailed(f"{folder} is not a folder")
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(fd)
    except OSError as exc:
        raise BackupFailed(f"cannot write in {folder}: {exc.strerror}") from None
    try:
        try:
            source = open_source(database, live)
        except sqlite3.Error as exc:
            raise BackupFailed(f"cannot read {database}: {exc}") from None
        try:
            _copy(source, temp, cancelled, progress)
        finally:
            source.close()
        _fsync(temp)
        os.replace(temp, target)  # a name, never what a symlink there points to
        _fsync_folder(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        for side in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(temp) + side).unlink()
        if isinstance(exc, (BackupFailed, BackupCancelled)):
            raise
        if isinstance(exc, (OSError, sqlite3.Error)):
            if is_disk_full(exc):
                raise BackupFailed(f"the disk holding {folder} is full: no backup was "
                                   "written") from None
            raise BackupFailed(f"cannot write the backup {target}: {exc}") from None
        raise


def _copy(source: sqlite3.Connection, temp: Path, cancelled: Callable[[], bool] | None,
          progress: Callable[[int, int], None] | None) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise BackupCancelled()
        if progress is not None:
            progress(total - remaining, total)

    target = sqlite3.connect(temp)
    try:
        source.backup(target, pages=PAGES_PER_STEP, progress=step)
        # One self-contained file: it can be copied, mailed, opened read-only anywhere.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def rotate(library: Path, daily: int = DAILY, weekly: int = WEEKLY,
           keep: Path | None = None) -> list[Path]:
    """Delete the backups beyond those of the last day before the newest one and the
    newest of each of the last `daily` days and `weekly` ISO weeks that have one
    (counted over the backups, not the calendar: a library left alone for a month keeps
    its last ones), never `keep` (the one just taken, whatever the clock says). Returns
    what it deleted; only files named as backups are touched."""
    _remove_leftovers(backup_folder(library))
    days: set[object] = set()
    weeks: set[object] = set()
    removed = []
    found = list_backups(library)
    for backup in found:
        day, week = backup.taken.date(), backup.taken.isocalendar()[:2]
        # Those of the last day are all kept: one before a repair or a restore is the
        # way back from it, even once a later one was taken the same day.
        kept = backup.path == keep or found[0].taken - backup.taken < BACKUP_EVERY
        if day not in days and len(days) < daily:
            days.add(day)
            kept = True
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            kept = True
        if not kept:
            with contextlib.suppress(OSError):
                backup.path.unlink()
                removed.append(backup.path)
    return removed


# -- restoring ---------------------------------------------------------------------------------


def restore_database(library: Path, database: Path, file: Path, now: datetime
                     ) -> Backup | None:
    """Make the database at `file` (checked: a sound Readinglist database of a schema
    this version knows) the library's database. The current one is backed up first
    (a damaged one is kept as it is, "-damaged"); returns that backup, None when there
    was nothing to keep (missing, empty). BackupFailed says why not, changing nothing."""
    if not file.is_file():
        raise BackupFailed(f"{file}: no such file" if not file.exists() else
                           f"{file} is not a regular file")
    if database.exists() and file.resolve() == database.resolve():
        raise BackupFailed(f"{file} is the library's own database")
    facts = verify(file)
    if facts.problem is not None:
        raise BackupFailed(f"{file} cannot be restored: {facts.problem}")
    current = probe(database)
    if current.empty:
        kept = None
    elif current.problem is None:
        kept = take_backup(library, database, now, "before-restore")
    else:
        kept = _keep_damaged(library, database, now)
    if current.problem is None and not current.empty:
        _copy_into_live(file, database)
    else:
        # Nothing to share with other processes: the file itself is replaced, its WAL
        # (which would be replayed onto the new file) removed first.
        for side in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(database) + side).unlink()
        write_copy(file, database, live=False)
    return kept


def _copy_into_live(file: Path, database: Path) -> None:
    """The backup API into the library's database itself: it takes the database's
    locks, so a process that has the library open sees the restored content (SQLite
    notices the change) rather than a file pulled from under it."""
    source = open_source(file)
    try:
        target = sqlite3.connect(database, timeout=10)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
        except sqlite3.Error as exc:
            raise BackupFailed(f"cannot write {database}: {exc}") from None
        finally:
            target.close()
    finally:
        source.close()


def _keep_damaged(library: Path, database: Path, now: datetime) -> Backup:
    """A damaged database, copied byte for byte into the backups (SQLite cannot read it
    to back it up): perhaps something in it can be saved later."""
    folder = backup_folder(library)
    folder.mkdir(exist_ok=True)
    n = 1
    while (target := folder / backup_name(now, "damaged", n)).exists():
        n += 1
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        shutil.copyfile(database, temp)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise BackupFailed(f"cannot keep a copy of the damaged database: {exc}") from None
    return Backup(target, now.replace(second=0, microsecond=0), "damaged",
                  target.stat().st_size)


def _remove_leftovers(folder: Path) -> None:
    """Temporary files of backups a killed process left (ours alone: ".library-...")."""
    try:
        leftovers = [p for p in folder.glob(".library-*.tmp") if p.is_file()]
    except OSError:
        return
    for path in leftovers:
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > LEFTOVER_AGE:
                path.unlink()


def newest(library: Path) -> Backup | None:
    backups = list_backups(library)
    return backups[0] if backups else None


def with_facts(backups: list[Backup]) -> Iterator[tuple[Backup, BackupFacts]]:
    """Each backup with what it holds (paper count, schema), for listings."""
    for backup in backups:
        yield backup, inspect(backup.path)


__all__ = ["BACKUP_DIR", "BACKUP_EVERY", "DAILY", "SCHEMA_VERSION", "WEEKLY", "Backup",
           "BackupCancelled", "BackupFacts", "BackupFailed", "backup_due", "backup_folder",
           "backup_name", "inspect", "list_backups", "newest", "open_source", "parse_name",
           "restore_database", "rotate", "take_backup", "verify", "with_facts",
           "write_copy"]
