"""Keeps the Whoosh index in step with the database (service level: uses store and search).

Every write puts the paper id into the database's ``index_outbox`` in the same
transaction. Applying pending rows (a drain) re-reads those papers, applies them to the
index in one commit, records the last outbox sequence applied (the stamp), and only then
drops those rows. A crash anywhere in between leaves rows in the outbox, which the next
drain applies again (``update_document`` makes that idempotent).

One process at a time writes the index: a drain or rebuild holds the index lock
(search/index_lock.py). A process that finds it held leaves its rows to the holder, which
drains until the outbox is empty, lets go, and then looks again: a row committed before
another process found the lock held is visible by then, so the last holder always applies
it (or, if the holder was killed, the next process that opens the library). Searches use
the last committed index meanwhile.

A rebuild records the write sequence it started from (read once it holds the lock, so no
other process changes the index until it is done) and drains what came after once the new
index is in place. A backlog of more than REBUILD_THRESHOLD rows is rebuilt, with
progress, rather than drained batch by batch.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from ..domain import IndexState, Paper
from ..search.index import IndexBusy, IndexDamaged, IndexStamp, SearchIndex
from ..search.schema import INDEX_SCHEMA_VERSION
from ..store.connections import LibraryBusy, tell_waiting
from ..store.paper_store import PaperStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Above this many pending changes, catching up is a backlog: told, shown with progress,
# and rebuilt when at least REBUILD_FROM_SHARE as many changes are pending as the library
# has papers (applying a change costs about as much as indexing a paper afresh:
# benchmarks/bench_index_build.py --backlog), else applied.
REBUILD_THRESHOLD = 2000
REBUILD_FROM_SHARE = 0.5
DRAIN_BATCH = 500
# Seconds a drain without the background worker (the CLI, scripts) waits for another
# process's short hold of the index lock, so that its own edit is searchable when it
# returns. Never waited for a rebuild: its holder applies our rows when done.
SYNC_LOCK_WAIT = 2.0
# Seconds after the worker starts before it reads what searches need from the index
# (SearchIndex.warm), between writes: by then the window has painted.
WARM_AFTER = 1.0
NO_INDEX = "no search index yet"


class IndexSync:
    def __init__(self, store: PaperStore, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        self.lock = index.lock
        self.library_id = store.meta("library_id") or ""
        self.rebuilding = False
        self.problem: str | None = None  # why check() found the index unusable
        self.progress: tuple[int, int] = (0, 0)
        # Told of a backlog being rebuilt when the caller gave no progress of its own
        # (the CLI sets it, to show the catch-up after an interrupted big import).
        self.catch_up_progress: Progress | None = None
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
            self._apply_quietly(SYNC_LOCK_WAIT)
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
        thread that applied them; an empty list: it was rebuilt)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[list[int]], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _merge_when_idle(self) -> None:
        """Merge the small segments edits leave behind, while nothing waits for the index."""
        try:
            if self.index.is_open and not self.rebuilding:
                self.index.merge_small()
        except IndexBusy:
            pass  # another process writes the index; a later edit merges
        except Exception as exc:
            log.warning("merging the search index's segments failed: %s", exc)

    def _run(self) -> None:
        warm_at: float | None = time.monotonic() + WARM_AFTER
        while True:
            with self._state:
                timeout = None if warm_at is None else max(0.0, warm_at - time.monotonic())
                self._state.wait_for(lambda: self._requested > self._applied or self._stopping,
                                     timeout)
                if self._stopping:
                    break
                target = self._requested
                idle = target == self._applied
            if idle and warm_at is not None:  # nothing to apply since opening: warm up
                warm_at = None
                self._warm_quietly()
                continue
            self._apply_quietly(0.0)
            with self._state:
                self._applied = target
                self._state.notify_all()
                idle = self._requested == self._applied
            if idle:
                self._merge_when_idle()
        self._apply_quietly(SYNC_LOCK_WAIT)  # what was written before closing

    def _warm_quietly(self) -> None:
        try:
            if self.index.is_open and not self.rebuilding:
                self.index.warm()
        except Exception as exc:  # a reader closed by a refresh meanwhile...: no matter
            log.debug("warming the search index up failed: %s", exc)

    def _apply_quietly(self, wait: float) -> None:
        """Drain, never failing the write that asked for it: the outbox keeps the work."""
        try:
            self.drain(wait)
        except Exception as exc:  # a full disk, a damaged index...
            log.warning("the search index could not be updated now (%s); the change is "
                        "saved and will be indexed later", exc)

    # -- opening ----------------------------------------------------------------------

    def _stamp(self, seq: int) -> IndexStamp:
        return IndexStamp(self.library_id, INDEX_SCHEMA_VERSION, seq)

    def check(self) -> str | None:
        """At open: make the index usable, or return why it must be rebuilt.

        Leftovers of a killed rebuild are finished or cleared; an index that is missing,
        of another library or schema, ahead of the database, or damaged (a file missing,
        an id column unreadable) is a problem; pending changes are applied, except a
        backlog over REBUILD_THRESHOLD, left to a rebuild (which shows progress)."""
        self.problem = self._check()
        return self.problem

    def _check(self) -> str | None:
        self._recover()
        problem = self._problem()
        if problem is not None:
            # Perhaps a glimpse of another process's write (a rebuild swapping folders, a
            # merge deleting files): look again holding the lock, if it is free soon.
            if not self.lock.acquire("open", timeout=SYNC_LOCK_WAIT):
                return problem
            try:
                problem = self._problem()
            finally:
                self.lock.release()
            if problem is not None:
                return problem
        stamp = self.index.read_stamp()
        if stamp is not None:
            # Rows the index already reflects (killed after its commit) are done. Only
            # tidying: if another process's long write keeps the database, they are
            # simply applied again later.
            with contextlib.suppress(LibraryBusy):
                self.store.drop_outbox_upto(stamp.seq)
        if self.store.outbox_size() > REBUILD_THRESHOLD:
            return "many changes are waiting for the search index"
        if self.store.outbox_size():
            self._apply_quietly(SYNC_LOCK_WAIT)
        return self._count_problem()

    def _recover(self) -> None:
        """Finish or clear what a rebuild killed midway left, unless someone builds now."""
        index = self.index
        leftovers = [index.folder.with_name(index.folder.name + s) for s in (".building", ".old")]
        if not any(p.exists() or p.is_symlink() for p in leftovers):
            return
        if self.lock.acquire("open", timeout=0.0):
            try:
                index.recover()
            except OSError as exc:
                log.warning("cannot clear what an interrupted rebuild left: %s", exc)
            finally:
                self.lock.release()

    def _problem(self) -> str | None:
        """Why the index on disk cannot be trusted (None: it is open and sound)."""
        stamp = self.index.read_stamp()
        if stamp is None:
            return NO_INDEX
        if stamp.library_id != self.library_id:
            return "the search index belongs to another library"
        if stamp.schema_version != INDEX_SCHEMA_VERSION:
            return f"the search index has schema {stamp.schema_version}, not {INDEX_SCHEMA_VERSION}"
        if stamp.seq > self.store.last_seq():
            return "the search index is newer than the database (was the database restored?)"
        try:
            self.index.open()
        except IndexDamaged as exc:
            return f"the search index is damaged ({exc})"
        except Exception as exc:  # corrupt files raise many kinds of errors
            log.info("search index unreadable: %s: %s", type(exc).__name__, exc)
            return f"the search index cannot be read ({type(exc).__name__})"
        return None

    def _count_problem(self) -> str | None:
        """The index against the database's paper count, when nothing is pending (read in
        one snapshot, holding the lock so that the index does not move meanwhile)."""
        if not self.lock.acquire("open", timeout=0.0):
            return None  # another process is writing it: its count is in flux
        try:
            self.index.refresh()
            papers, pending = self.store.index_counts()
            if not pending and self.index.doc_count() != papers:
                return "the search index does not hold every paper"
        except Exception as exc:  # a segment file damaged since it was opened
            log.info("search index unreadable: %s: %s", type(exc).__name__, exc)
            return f"the search index cannot be read ({type(exc).__name__})"
        finally:
            self.lock.release()
        return None

    # -- applying -------------------------------------------------------------------------

    def drain(self, wait: float = 0.0, progress: Progress | None = None,
              backlog: bool = True) -> int:
        """Apply every pending outbox row to the index; returns how many papers changed.

        Waits up to `wait` seconds for another process's hold of the index lock (not for
        a rebuild); when it stays held, returns and the holder applies the rows. `backlog`
        False: many rows are expected (an import just wrote them), not worth a notice."""
        changed = 0
        # During a rebuild here, writes wait in the outbox; the rebuild drains them when
        # done, so an edit never blocks behind a long build.
        while self.index.is_open and not self.rebuilding:
            if not self._take_lock(wait):
                return changed
            try:
                done, finished = self._catch_up(progress, backlog)
                changed += done
            except IndexBusy as exc:  # Whoosh's own lock, held by a program not ours
                log.info("%s", exc)
                return changed
            finally:
                self.lock.release()
            # Rows committed by a process that found the lock held: ours to apply now.
            if not finished or not self.store.outbox_size():
                return changed
            wait = 0.0
        return changed

    def _take_lock(self, wait: float) -> bool:
        if self.lock.acquire("update", timeout=0.0):
            return True
        holder = self.lock.holder()
        if wait <= 0 or (holder is not None and holder.purpose == "rebuild"):
            return False
        return self.lock.acquire("update", timeout=wait, notice=tell_waiting)

    def _catch_up(self, progress: Progress | None = None,
                  backlog: bool = True) -> tuple[int, bool]:
        """(Lock held.) Apply the outbox. A backlog (an import interrupted during its
        index build) is told and shown: rebuilt when that is quicker, else applied.
        Returns (papers changed, whether it finished: a rebuild can be cancelled)."""
        pending = self.store.outbox_size()
        if pending <= REBUILD_THRESHOLD:
            return self._apply_pending(), True
        progress = progress or self.catch_up_progress
        papers = self.store.paper_count()
        tell = tell_waiting if backlog else log.info
        if pending >= papers * REBUILD_FROM_SHARE:
            tell(f"{pending} changes are waiting for the search index (an import was "
                 f"interrupted?): rebuilding it, {papers} papers")
            finished = self._rebuild_locked(progress, cancelled=lambda: self._stopping)
            return (papers if finished else 0), finished
        tell(f"{pending} changes are waiting for the search index (an import was "
             "interrupted?): applying them")
        return self._apply_pending(progress, pending), True

    def _apply_pending(self, progress: Progress | None = None, total: int = 0) -> int:
        """(Lock held.) Apply the outbox in batches."""
        changed = done = 0
        while True:
            rows = self.store.outbox(DRAIN_BATCH)
            if not rows:
                if progress and total:
                    progress(total, total)
                return changed
            seq = rows[-1][0]
            ids = sorted({paper_id for _, paper_id in rows})
            # Papers in the Trash leave the index like deleted ones.
            papers = {i: p for i, p in self.store.get_papers(ids).items() if p.trashed is None}
            texts = self.store.fulltexts(ids)
            self.index.apply(
                [(papers[i], texts.get(i, "")) for i in ids if i in papers],
                [i for i in ids if i not in papers],
                self._stamp(seq),
            )
            self.store.drop_outbox_upto(seq)
            changed += len(ids)
            done += len(rows)
            if progress and total:
                progress(min(done, total - 1), total)  # the end is told once, above
            self._tell_listeners(ids)

    def _tell_listeners(self, ids: list[int]) -> None:
        for listener in list(self._listeners):
            try:
                listener(ids)
            except Exception:  # a listener's failure must not stop indexing
                log.exception("index listener failed")

    def sync_after_bulk_write(self, progress: Progress | None = None) -> None:
        """After a big import: bring the index up to date (by a rebuild when that is
        faster). Never fails the import: when another process writes the index, it
        applies these papers; a failure leaves them in the outbox."""
        try:
            self.drain(0.0 if self.background else SYNC_LOCK_WAIT, progress, backlog=False)
        except Exception as exc:
            log.warning("the search index could not be updated now (%s); the papers are "
                        "saved and will be indexed later", exc)

    # -- rebuilding -------------------------------------------------------------------------

    def rebuild(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> bool:
        """Rebuild the index from the database. Writes made meanwhile are applied after.

        When another process holds the index lock this waits (cancellably, telling
        why); if that process was rebuilding and left a sound index, it is kept."""
        if self.lock.acquire("rebuild", timeout=0.0):
            other_rebuilt = False
        else:
            holder = self.lock.holder()
            other_rebuilt = holder is not None and holder.purpose == "rebuild"
            if not self.lock.acquire("rebuild", timeout=None, cancelled=cancelled,
                                     notice=tell_waiting):
                return False
        try:
            if other_rebuilt and self._problem() is None \
                    and self.store.outbox_size() <= REBUILD_THRESHOLD:
                finished = self._catch_up(progress)[1]
            else:
                finished = self._rebuild_locked(progress, cancelled)
        finally:
            self.lock.release()
        if finished and self.store.outbox_size():
            self._apply_quietly(0.0)  # rows of processes that found the lock held
        return finished

    def _rebuild_locked(self, progress: Progress | None, cancelled: Cancelled | None) -> bool:
        """(Lock held.) Build a fresh index, swap it in, then apply what came after."""
        self.lock.set_purpose("rebuild")
        self.rebuilding = True
        try:
            # The write position the build starts from: every row up to it is in what
            # the build reads; later ones stay in the outbox and are applied after.
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
            self.problem = None
            self.store.drop_outbox_upto(seq)
            self._apply_pending()
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
            why = ("the search index is not built yet" if self.problem in (None, NO_INDEX)
                   else f"{self.problem}; it will be rebuilt")
            return IndexState(False, pending, 0, papers, why)
        docs = self.index.doc_count()
        if not pending:
            return IndexState(True, pending, docs, papers, "search index up to date")
        message = f"{pending} changes to index"
        holder = self.lock.holder()
        if holder is not None and not holder.is_us() and holder.alive() is not False:
            message += f" ({holder.describe()})"
        return IndexState(True, pending, docs, papers, message)
