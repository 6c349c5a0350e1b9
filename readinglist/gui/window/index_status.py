"""The search index as the main window shows it: a status-bar label with its state, and
rebuilding it in the background (the list keeps working, only the search box waits).

The index tells (as Changes with `index` set, carried to the GUI thread by the change
bridge) when it took in edits: the shown search may then run again.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QWidget

from ...domain.changes import Changes
from ...library.service import Library
from ..change_bridge import bridge_for
from ..plain_text import message_box
from ..tasks import Task, TaskRunner
from .search_controller import SEARCH_PLACEHOLDER, SearchController


class IndexStatusHost(Protocol):
    """What of the window the index status uses (MainWindow has it): no more."""

    closed: bool
    library: Library
    reindex_action: QAction
    runner: TaskRunner
    search: SearchController
    search_box: QLineEdit

POLL_MS = 700  # how often the label looks again while the index catches up


class IndexStatus(QObject):
    """The index state in `label`, the rebuild job, and the library's index listener."""

    def __init__(self, window: IndexStatusHost, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent  # messages open over it
        self._window = window
        self.library = window.library
        self.label = QLabel()
        self._task: Task | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.update_label)
        self._bridge = bridge_for(self.library)
        self._bridge.changed.connect(self._changed)
        self._listening = True

    def stop(self) -> None:
        """The window closes: no more listening, polling, or building."""
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
        window = self._window
        window.search_box.setEnabled(False)
        window.reindex_action.setEnabled(False)
        window.search_box.setPlaceholderText("Building the search index…")

        def progress(done: int, total: int) -> None:
            percent = int(100 * done / total) if total else 100
            window.search_box.setPlaceholderText(f"Building the search index… {percent}%")
            self.label.setText(f"Indexing {done}/{total}")

        self._task = window.runner.run(
            lambda p, c: self.library.reindex(p, c),
            on_success=lambda _ok: self._built(),
            on_failure=lambda msg: self._built(msg),
            on_progress=progress,
            with_progress=True,
        )

    def _built(self, error: str | None = None) -> None:
        self._task = None
        window = self._window
        if window.closed:
            return
        window.search_box.setEnabled(True)
        window.reindex_action.setEnabled(True)
        window.search_box.setPlaceholderText(SEARCH_PLACEHOLDER)
        if error:
            message_box(self._parent, QMessageBox.Icon.Warning, "Search index",
                        f"The search index could not be built: {error}").open()
        self.update_label()
        if window.search.query:
            window.search.run()

    def _changed(self, changes: Changes) -> None:
        """The index caught up with edits: a shown search may now find other papers."""
        if self._window.closed or not changes.index:
            return
        self.update_label()
        self._window.search.index_changed()

    def update_label(self) -> None:
        """Show the index state; while it is catching up, look again shortly."""
        if self._window.closed or self.library.closed:
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
