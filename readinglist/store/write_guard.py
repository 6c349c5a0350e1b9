"""The library's Writer, with what the disk allows: a read-only library refuses every
write before it starts (saying why it is read-only), and a write that runs out of room
ends in one plain message instead of SQLite's "database or disk is full".

SQLite rolls a transaction back when the disk fills (SQLITE_FULL), so such a write
changed nothing: the message says so, and the library stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.changes import ChangeBus
from .database_file import DiskFull, LibraryReadOnly, disk_full_behind
from .paper_store import PaperStore
from .writer import Write, Writer


class GuardedWriter(Writer):
    def __init__(self, store: PaperStore, bus: ChangeBus,
                 after_commit: Callable[[], None] = lambda: None, *,
                 folder: Path, read_only: str | None = None) -> None:
        super().__init__(store, bus, after_commit)
        self.folder = folder
        self.read_only = read_only  # why, when the library is open read-only

    @contextmanager
    def write(self, notify: bool = True) -> Iterator[Write]:
        if self.read_only is not None:
            raise LibraryReadOnly(self.read_only)
        try:
            with super().write(notify) as write:
                yield write
        except DiskFull:
            raise
        except Exception as exc:
            if disk_full_behind(exc):
                raise DiskFull(self.folder) from exc
            raise


__all__ = ["GuardedWriter"]
