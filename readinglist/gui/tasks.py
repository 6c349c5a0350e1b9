"""Running library work off the GUI thread, with progress, cancel and callbacks.

A function runs on Qt's thread pool; its result, error and progress come back as
signals, which Qt delivers on the GUI thread, so callbacks may touch widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..domain import ReadinglistError

log = logging.getLogger(__name__)


class Task(QObject):
    """Handle of one background job. Connect to its signals or pass callbacks to run()."""

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], task: Task, with_progress: bool) -> None:
        super().__init__()
        self.fn = fn
        self.task = task
        self.with_progress = with_progress

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(self.task.progress.emit, self.task.is_cancelled)
            else:
                result = self.fn()
        except ReadinglistError as exc:
            self.task.failed.emit(str(exc))
        except Exception as exc:  # a bug: keep the app alive, log it, tell the user
            log.exception("background task failed")
            self.task.failed.emit(f"unexpected error: {exc!r}")
        else:
            self.task.succeeded.emit(result)
        self.task.finished.emit()


class TaskRunner(QObject):
    """Starts background jobs and keeps their handles alive until they finish.

    A window shuts its runner down when it closes (`shut_down`): the running jobs are
    waited for and no new one starts, so whoever closes the library next (the app
    switching libraries or quitting, a test's fixture) never closes it under a job.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Task] = set()
        self._shut_down = False

    def run(
        self,
        fn: Callable[..., Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        with_progress: bool = False,
    ) -> Task:
        """Run `fn` in the pool. With `with_progress`, it is called as
        ``fn(progress, cancelled)`` (the library's long operations take those). Once the
        runner is shut down, the task returned is cancelled and never runs."""
        task = Task(self)
        if self._shut_down:
            # Asked late, by a timer or a queued signal of the closed window: the job
            # would read a library that is closed, or being closed on the GUI thread
            # while it runs (SQLite connections closed under a query crash the process).
            log.debug("task refused: the runner is shut down")
            task.cancel()
            return task  # never started: no callback runs
        if on_success:
            task.succeeded.connect(on_success)
        if on_failure:
            task.failed.connect(on_failure)
        if on_progress:
            task.progress.connect(on_progress)
        self._running.add(task)
        task.finished.connect(lambda: self._finish(task))
        self.pool.start(_Job(fn, task, with_progress))
        return task

    def _finish(self, task: Task) -> None:
        self._running.discard(task)
        # Off the runner first: a runner deleted before the event loop ran the deferred
        # delete (a parentless one dropped by Python) would take the task down with it
        # while the delete is pending, which crashes PySide.
        task.setParent(None)
        task.deleteLater()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until running jobs end (used at shutdown and in tests)."""
        return self.pool.waitForDone(msecs)

    def shut_down(self, msecs: int = 30000) -> bool:
        """Start no job from now on and wait for the running ones (a window closing):
        afterwards no job of this runner touches the library. True if they all ended."""
        self._shut_down = True
        return self.wait(msecs)

    @property
    def is_shut_down(self) -> bool:
        return self._shut_down
