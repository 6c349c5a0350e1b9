"""The one write path of a library: each write is one transaction, and what it changed is
read back from the change log, returned and published.

Writes are serialised: one at a time, on the writer connection (see connections.py), so
readers on their own connections never wait for them. A write inside a write joins it (a
savepoint); only the outermost one commits and publishes. This process's own writes are
remembered, so that when the window polls for other programs' commits it is told only of
theirs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from ..domain.changes import NOTHING, ChangeBus, Changes
from . import change_log
from .paper_store import PaperStore

PRUNE_EVERY = 1000  # writes between two prunings of the change log


class Write:
    """One write in progress. After the `with` block, `changes` says what it changed."""

    def __init__(self) -> None:
        self.changes: Changes = NOTHING


class Writer:
    def __init__(self, store: PaperStore, bus: ChangeBus,
                 after_commit: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.bus = bus
        self._after_commit = after_commit
        self.lock = threading.RLock()
        self._depth = 0
        self._writes = 0
        # The log position up to which this process has told its subscribers, and the
        # ranges of positions past it that were its own writes (told already).
        self._seen_lock = threading.Lock()
        self._seen = change_log.last_seq(store)
        self._own: list[tuple[int, int]] = []

    @contextmanager
    def write(self, notify: bool = True) -> Iterator[Write]:
        """``with writer.write() as w: ...``: all of it commits or none; then
        ``w.changes`` says what changed, and (outermost write) subscribers are told.
        `notify` False: the caller brings the index up to date itself (a bulk import)."""
        write = Write()
        with self.lock:
            self._depth += 1
            outer = self._depth == 1
            own: tuple[int, int] | None = None
            try:
                with self.store.transaction():
                    before = change_log.last_seq(self.store)
                    yield write
                    after = change_log.last_seq(self.store)
                    write.changes, _end = change_log.read(self.store, before, after)
                    if outer and after > before:
                        own = (before + 1, after)
                        self._remember_own(own)  # before the commit: a poll never misses it
                        self._writes += 1
                        if self._writes % PRUNE_EVERY == 0:
                            change_log.prune(self.store)
            except BaseException:
                if own is not None:
                    self._forget_own(own)  # rolled back: those positions will be reused
                raise
            finally:
                self._depth -= 1
        if outer:
            if notify:
                self._after_commit()
            self.bus.publish(write.changes)

    def busy(self) -> bool:
        """True while another thread writes (an import's long transaction): a write from
        here would wait for it. Never waits itself."""
        if not self.lock.acquire(blocking=False):
            return True
        self.lock.release()
        return False

    def publish(self, changes: Changes) -> None:
        """Tell subscribers of a change outside the database (the search index's)."""
        self.bus.publish(changes)

    # -- other processes ---------------------------------------------------------------

    def changes_elsewhere(self) -> Changes:
        """What other processes committed since the last call (``elsewhere`` set), or
        NOTHING. Reads the log on this thread's read connection: never waits."""
        if self.store.folder is None:
            return NOTHING  # an in-memory library: no other process can reach it
        if self._depth and self.lock.acquire(blocking=False):
            self.lock.release()  # held by this very thread: inside a write
            return NOTHING
        # Under the lock for the whole read: a write of this process remembers its range
        # (under this lock) before it commits, so its rows are either skipped here or not
        # yet visible to this read.
        with self._seen_lock:
            changes, end = change_log.read(self.store, self._seen, skip=self._own)
            self._seen = max(self._seen, end)
            self._own = [r for r in self._own if r[1] > self._seen]
        return replace(changes, elsewhere=True) if changes else NOTHING

    def _remember_own(self, own: tuple[int, int]) -> None:
        with self._seen_lock:
            if self._own and self._own[-1][1] + 1 == own[0]:
                self._own[-1] = (self._own[-1][0], own[1])  # one range for a run of writes
            elif own[0] == self._seen + 1 and not self._own:
                self._seen = own[1]  # nothing of others' in between: simply seen
            else:
                self._own.append(own)

    def _forget_own(self, own: tuple[int, int]) -> None:
        with self._seen_lock:
            if own in self._own:
                self._own.remove(own)
            elif self._own and self._own[-1][1] == own[1]:
                self._own[-1] = (self._own[-1][0], own[0] - 1)
            elif self._seen == own[1]:
                self._seen = own[0] - 1
