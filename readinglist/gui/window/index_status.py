"""The search index as the main window shows it: a status-bar label with its state, and
rebuilding it in the background (the list keeps working, only the search box waits).

The index tells (as Changes with `index` set, carried to the GUI thread by the change
bridge) when it took in edits: the shown search may then run again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ...domain.changes import Changes
from ...library.service import Library
from ..change_bridge import bridge_for
from ..plain_text import message_box
from ..tasks import Task, TaskRunner
from .search_controller import SEARCH_PLACEHOLDER, SearchController

POLL_MS = 700  # how often the label looks again while the index catches up


class IndexStatus(QObject):
    """The index state in `label`, the rebuild job, and the library's index listener.

    Given what it uses: the library, the task runner, and the search (its box waits while
    the index builds; its query runs again once the index changed)."""

    def __init__(self, library: Library, runner: TaskRunner, search: SearchController,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent  # messages open over it
        self.library = library
        self.runner = runner
        self.search = search
        self.busy_actions: list[QAction] = []  # disabled while the index builds
        self._stopped = False  # the window closed: nothing more is shown or started
        self.label = QLabel()
        self._task: Task | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.update_label)
        self._bridge = bridge_for(self.library)
        self._bridge.changed.connect(self._changed)
        self._listening = True

    def stop(self) -> None:
        """The window closes: no more listening, polling, or building."""
        self._stopped = True
        if self._listening:
            self._listening = False
            self._bridge.changed.disconnect(self._changed)
        self._poll.stop()
        if self._task is not None:
            self._task.cancel()

    def build(self) -> None:
        """(Re)build the search index in the background; the list keeps working."""
        if self._task is not None:
            return
        box = self.search.box
        box.setEnabled(False)
        self._set_busy(True)
        box.setPlaceholderText("Building the search index…")

        def progress(done: int, total: int) -> None:
            percent = int(100 * done / total) if total else 100
            box.setPlaceholderText(f"Building the search index… {percent}%")
            self.label.setText(f"Indexing {done}/{total}")

        self._task = self.runner.run(
            lambda p, c: self.library.reindex(p, c),
            on_success=lambda _ok: self._built(),
            on_failure=lambda msg: self._built(msg),
            on_progress=progress,
            with_progress=True,
        )

    def _built(self, error: str | None = None) -> None:
        self._task = None
        if self._stopped:
            return
        self.search.box.setEnabled(True)
        self._set_busy(False)
        self.search.box.setPlaceholderText(SEARCH_PLACEHOLDER)
        if error:
            message_box(self._parent, QMessageBox.Icon.Warning, "Search index",
                        f"The search index could not be built: {error}").open()
        self.update_label()
        if self.search.query:
            self.search.run()

    def _set_busy(self, busy: bool) -> None:
        for action in self.busy_actions:
            action.setEnabled(not busy)

    def _changed(self, changes: Changes) -> None:
        """The index caught up with edits: a shown search may now find other papers."""
        if self._stopped or not changes.index:
            return
        self.update_label()
        self.search.index_changed()

    def update_label(self) -> None:
        """Show the index state; while it is catching up, look again shortly."""
        if self._stopped or self.library.closed:
            # A task or index signal queued before closing must not restart the timer.
            self._poll.stop()
            return
        state = self.library.index_state()
        self.label.setText(state.message)
        busy = not state.ready or state.pending > 0
        if busy and not self._poll.isActive():
            self._poll.start()
        elif not busy:
            self._poll.stop()
