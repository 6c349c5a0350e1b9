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
    """Starts background jobs and keeps their handles alive until they finish."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._running: set[Task] = set()

    def run(
        self,
        fn: Callable[..., Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        with_progress: bool = False,
    ) -> Task:
        """Run `fn` in the pool. With `with_progress`, it is called as
        ``fn(progress, cancelled)`` (the library's long operations take those)."""
        task = Task(self)
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
        task.deleteLater()


    def wait(self, msecs: int = 30000) -> bool:
        """Block until running jobs end (used at shutdown and in tests)."""
        return self.pool.waitForDone(msecs)
