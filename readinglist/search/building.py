"""Writers for a fresh index: one process, or Whoosh's parallel writer with workers that
end with the process that started them.

Whoosh's ``MpWriter`` forks worker processes that wait on a queue for documents. When
the parent is killed (SIGKILL during ``reindex`` or a big import) nobody ever writes to
that queue again, and the workers sleep for ever, about 100 MB each. And its
``cancel()`` only sets a flag in the parent's copy of each worker, so a cancelled build
left them waiting too. Here each worker asks the kernel to kill it when its parent dies
(Linux ``PR_SET_PDEATHSIG``; elsewhere a watchdog thread notices the parent is gone),
and cancel ends them.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import IndexWriter, SegmentWriter

from . import segments

# Papers from which two processes build faster than one (below, forking costs more). See
# benchmarks/bench_index_build.py for the figures behind these two numbers.
PARALLEL_BUILD_FROM = 5000
BUILD_PROCS = 2
BUILD_MEMORY_MB = 512  # per writer, before it spills postings to disk
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_EVERY = 0.5  # seconds


def die_with_parent(parent: int) -> None:
    """In a worker: end as soon as process `parent` (which started it) ends."""
    if not _kill_me_with_parent():
        # No such call here (not Linux): a thread that looks every half second.
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(WATCHDOG_EVERY)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the call above: too late for it
        os._exit(1)


def _kill_me_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent thread ends: the rebuild's
    thread, which waits for its workers before it ends. False where there is no call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


class _Worker(SubWriterTask):
    def __init__(self, *args: Any, parent: int) -> None:
        super().__init__(*args)
        self.parent = parent

    def run(self) -> None:
        die_with_parent(self.parent)
        super().run()


class ParallelWriter(MpWriter):
    """Whoosh's MpWriter, whose workers end with this process, and with a cancel."""

    def _new_task(self) -> _Worker:
        # As MpWriter._new_task, with the worker class above.
        task = _Worker(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                       self.subargs, self.multisegment, parent=os.getpid())
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                task.terminate()
            for task in self.tasks:
                task.join(10)
        finally:
            SegmentWriter.cancel(self)


def build_writer(ix: Index, total: int) -> IndexWriter:
    """A writer for `total` papers into the empty index `ix`: plain files (compound=False,
    because opening a compound segment reads it all into memory), bigger posting blocks,
    and two processes each writing its own segment when there is enough to share."""
    options: dict[str, Any] = {"limitmb": BUILD_MEMORY_MB, "compound": False,
                               "codec": segments.codec(blocklimit=512)}
    if BUILD_PROCS > 1 and total >= PARALLEL_BUILD_FROM:
        return ParallelWriter(ix, procs=BUILD_PROCS, multisegment=True, **options)
    return SegmentWriter(ix, **options)


def remove_path(path: Path) -> None:
    """Remove a file, a symlink or a folder tree at `path`, if there is one."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    elif os.path.lexists(path):  # a FIFO, a socket...
        path.unlink()
