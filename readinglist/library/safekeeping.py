"""Backups of a library folder for the CLI and the window: take one, list them, restore
one. They work on the folder, not on an open Library, so that a library that cannot be
opened (its database emptied by a failed copy) can still be restored.

The backups themselves (SQLite's backup API, rotation, checks) are in store/backups.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..domain import ReadinglistError
from ..store import backups
from .opening import DB_FILE


@dataclass(frozen=True)
class BackupEntry:
    """A backup as listed: when, why, how big, what it holds."""

    path: Path
    taken: datetime
    why: str
    size: int
    papers: int | None
    schema: int | None
    problem: str | None  # why it could not be restored, if so

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "taken": self.taken.isoformat(timespec="minutes"),
                "why": self.why, "size": self.size, "papers": self.papers,
                "schema": self.schema, "problem": self.problem}


def list_backups(folder: Path) -> list[BackupEntry]:
    """The library's backups, newest first."""
    return [BackupEntry(b.path, b.taken, b.why, b.size, facts.papers, facts.schema,
                        facts.problem)
            for b, facts in backups.with_facts(backups.list_backups(folder))]


def back_up(folder: Path, file: str | Path | None = None,
            now: datetime | None = None) -> Path:
    """A backup now: into the library's backups folder (kept by the rotation like the
    others), or to `file`, which the user chose (a folder: a dated file in it). The
    copy is written beside its final name and renamed: whole or absent; a symlink at
    that name is replaced, never followed. Returns where it went."""
    now = now or datetime.now()
    database = folder / DB_FILE
    if not database.is_file() or database.stat().st_size == 0:
        raise ReadinglistError(f"there is no library database to back up at {database}")
    try:
        if file is None:
            return backups.take_backup(folder, database, now, "manual").path
        target = Path(file).expanduser()
        if target.is_dir() and not target.is_symlink():
            target = target / backups.backup_name(now)
        own = [database, *(Path(str(database) + side) for side in ("-wal", "-shm"))]
        if any(_same(target, path) for path in own):
            raise ReadinglistError(f"{target} is the library's own database")
        if target.exists() and not target.is_symlink() and not target.is_file():
            raise ReadinglistError(f"{target} is not a regular file")
        backups.write_copy(database, target)
        return target
    except backups.BackupFailed as exc:
        raise ReadinglistError(str(exc)) from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def restore(folder: Path, file: str | Path, now: datetime | None = None) -> Path | None:
    """Make the database in `file` the library's (see store/backups.restore_database):
    the current one is backed up first; returns that backup (None: there was nothing
    to keep). The caller rebuilds the search index (Library.reindex)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kept = backups.restore_database(folder, folder / DB_FILE, Path(file).expanduser(),
                                        now or datetime.now())
    except backups.BackupFailed as exc:
        raise ReadinglistError(str(exc)) from None
    except OSError as exc:
        raise ReadinglistError(f"cannot restore into {folder}: {exc.strerror}") from None
    return kept.path if kept is not None else None


__all__ = ["BackupEntry", "back_up", "list_backups", "restore"]
