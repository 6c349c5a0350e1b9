"""Keeps the Whoosh index in step with the database (service level: uses store and search).

Every write puts the paper id into the database's ``index_outbox`` in the same
transaction. ``IndexSync.drain`` re-reads those papers, applies them to the index in one
commit, records the last outbox sequence applied, and only then drops those rows. A crash
anywhere in between leaves rows in the outbox, which the next drain applies again
(``update_document`` makes that idempotent).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator

from ..domain import IndexState, Paper
from ..search.index import IndexStamp, SearchIndex
from ..search.schema import INDEX_SCHEMA_VERSION
from ..store.paper_store import PaperStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Above this many pending papers a fresh build is faster than incremental updates.
REBUILD_THRESHOLD = 2000
DRAIN_BATCH = 500


class IndexSync:
    def __init__(self, store: PaperStore, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        self._lock = threading.RLock()  # held while applying a batch (short)
        self._rebuild_lock = threading.Lock()  # one rebuild at a time (long)
        self.library_id = store.meta("library_id") or ""
        self.rebuilding = False
        self.progress: tuple[int, int] = (0, 0)
        self._listeners: list[Callable[[list[int]], None]] = []
        self._worker: threading.Thread | None = None
        # Writes notified so far, and how many of them the worker has applied.
        self._requested = 0
        self._applied = 0
        self._state = threading.Condition()
        self._stopping = False

    # -- background worker ------------------------------------------------------------

    def start_worker(self) -> None:
        """Apply writes to the index on a thread of its own from now on, so that an edit
        returns as soon as the database has it (the GUI's mode)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="index-worker", daemon=True)
            self._worker.start()

    @property
    def background(self) -> bool:
        return self._worker is not None

    def notify(self) -> None:
        """A write happened: apply it now (no worker) or wake the worker."""
        if self._worker is None:
            try:
                self.drain()
            except Exception:  # e.g. another process holds the index's write lock
                # The write itself is saved; the outbox keeps it for the next drain.
                log.exception("the search index could not be updated now")
                return
            self._merge_when_idle()
            return
        with self._state:
            self._requested += 1
            self._state.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the worker has applied every write notified so far."""
        with self._state:
            target = self._requested
            return self._state.wait_for(lambda: self._applied >= target, timeout)

    def stop_worker(self) -> None:
        if self._worker is not None:
            with self._state:
                self._stopping = True
                self._state.notify_all()
            self._worker.join(timeout=30)
            self._worker = None

    def add_listener(self, listener: Callable[[list[int]], None]) -> None:
        """Call `listener(paper_ids)` after those papers changed in the index (on the
        thread that applied them)."""
        self._listeners.append(listener)

    def _merge_when_idle(self) -> None:
        """Merge the small segments edits leave behind, while nothing waits for the index."""
        try:
            with self._lock:
                if self.index.is_open and not self.rebuilding:
                    self.index.merge_small()
        except Exception:
            log.exception("merging index segments failed")

    def remove_listener(self, listener: Callable[[list[int]], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _run(self) -> None:
        while True:
            with self._state:
                self._state.wait_for(lambda: self._requested > self._applied or self._stopping)
                if self._stopping:
                    break
                target = self._requested
            try:
                # After a big import a rebuild beats thousands of small updates.
                self.sync_after_bulk_write()
            except Exception:  # keep the worker alive; the outbox keeps the work
                log.exception("applying changes to the search index failed")
            with self._state:
                self._applied = target
                self._state.notify_all()
                idle = self._requested == self._applied
            if idle:
                self._merge_when_idle()
        try:
            self.drain()  # what was written before closing
        except Exception:
            log.exception("applying changes to the search index failed")

    def _stamp(self, seq: int) -> IndexStamp:
        return IndexStamp(self.library_id, INDEX_SCHEMA_VERSION, seq)

    def check(self) -> str | None:
        """Open the index if it can be trusted; else return why it must be rebuilt."""
        stamp = self.index.read_stamp()
        if stamp is None:
            return "no search index yet"
        if stamp.library_id != self.library_id:
            return "the search index belongs to another library"
        if stamp.schema_version != INDEX_SCHEMA_VERSION:
            return f"the search index has schema {stamp.schema_version}, not {INDEX_SCHEMA_VERSION}"
        if stamp.seq > self.store.last_seq():
            return "the search index is newer than the database (was the database restored?)"
        try:
            self.index.open()
        except Exception as exc:  # corrupt files raise many kinds of errors
            log.warning("search index unreadable: %s", exc)
            return f"the search index cannot be read ({type(exc).__name__})"
        # Rows the index already reflects (a crash after its commit) are done.
        self.store.drop_outbox_upto(stamp.seq)
        if self.store.outbox_size() > REBUILD_THRESHOLD:
            return "many changes are waiting for the search index"
        try:
            self.drain()
        except Exception:  # another process (the app, the CLI) is writing the index
            # The outbox keeps the changes for the next drain; the index is sound.
            log.warning("the search index is busy; its pending changes wait", exc_info=True)
            return None
        if self.index.doc_count() != self.store.paper_count():
            return "the search index does not hold every paper"
        return None

    def drain(self) -> int:
        """Apply every pending outbox row to the index. Returns how many papers changed."""
        changed = 0
        # During a rebuild writes wait in the outbox; the rebuild drains them when done,
        # so an edit never blocks behind a long build.
        if self.rebuilding:
            return 0
        with self._lock:
            if not self.index.is_open or self.rebuilding:
                return 0
            while True:
                rows = self.store.outbox(DRAIN_BATCH)
                if not rows:
                    return changed
                seq = rows[-1][0]
                ids = sorted({paper_id for _, paper_id in rows})
                # Papers in the Trash leave the index like deleted ones.
                papers = {i: p for i, p in self.store.get_papers(ids).items()
                          if p.trashed is None}
                texts = self.store.fulltexts(ids)
                self.index.apply(
                    [(papers[i], texts.get(i, "")) for i in ids if i in papers],
                    [i for i in ids if i not in papers],
                    self._stamp(seq),
                )
                self.store.drop_outbox_upto(seq)
                changed += len(ids)
                self._tell_listeners(ids)

    def _tell_listeners(self, ids: list[int]) -> None:
        for listener in list(self._listeners):
            try:
                listener(ids)
            except Exception:  # a listener's failure must not stop indexing
                log.exception("index listener failed")

    def sync_after_bulk_write(self, progress: Progress | None = None) -> None:
        """After a big import: rebuild when that is faster than incremental updates."""
        if self.store.outbox_size() > REBUILD_THRESHOLD:
            # Closing the library stops a rebuild the worker started (the outbox keeps it).
            self.rebuild(progress, cancelled=lambda: self._stopping)
        else:
            self.drain()

    def rebuild(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> bool:
        """Rebuild the index from the database. Writes made meanwhile are applied after."""
        with self._rebuild_lock:
            with self._lock:  # wait for a drain in flight, then hold further drains off
                self.rebuilding = True
            try:
                # Rows up to here are covered by the fresh read; later ones are drained after.
                seq = self.store.last_seq()
                total = self.store.paper_count()
                self.progress = (0, total)

                def report(done: int, all_: int) -> None:
                    self.progress = (done, all_)
                    if progress:
                        progress(done, all_)

                ok = self.index.rebuild(
                    self._with_fulltext(self.store.iter_papers()), total, self._stamp(seq),
                    report, cancelled,
                )
            finally:
                self.rebuilding = False
            if ok:
                self.store.drop_outbox_upto(seq)
                self.drain()
                self._tell_listeners([])  # everything may have changed
            return ok

    def _with_fulltext(self, batches: Iterable[list[Paper]]) -> Iterator[list[tuple[Paper, str]]]:
        for batch in batches:
            texts = self.store.fulltexts([p.id for p in batch])
            yield [(p, texts.get(p.id, "")) for p in batch]

    def state(self) -> IndexState:
        pending = self.store.outbox_size()
        papers = self.store.paper_count()
        if self.rebuilding:
            done, total = self.progress
            return IndexState(False, pending, done, papers,
                              f"building the search index: {done} of {total} papers")
        if not self.index.is_open:
            return IndexState(False, pending, 0, papers, "the search index is not built yet")
        docs = self.index.doc_count()
        message = "search index up to date" if not pending else f"{pending} changes to index"
        return IndexState(True, pending, docs, papers, message)
