"""The one Qt bridge of the library's changes: `changed(Changes)`, always on the GUI
thread.

The library tells its subscribers on the thread that wrote: the GUI thread for an edit,
a task's thread for an import, the indexing thread when the index caught up. The bridge
passes each Changes on to the GUI thread (at once when it already is there, so a view
shows an edit as soon as the edit returns), and polls for what other programs (the CLI
beside the open app) commit. Every view connects to `changed`; none refreshes by hand.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal

from ..domain.changes import Changes
from ..library.service import Library

ELSEWHERE_POLL_MS = 1000  # how often to look for other programs' commits

_bridges: weakref.WeakKeyDictionary[Library, ChangeBridge] = weakref.WeakKeyDictionary()


def bridge_for(library: Library) -> ChangeBridge:
    """The library's bridge (made on first use, on the GUI thread)."""
    bridge = _bridges.get(library)
    if bridge is None:
        bridge = ChangeBridge(library)
        _bridges[library] = bridge
    return bridge


class ChangeBridge(QObject):
    changed = Signal(object)  # a Changes, on the GUI thread
    _relay = Signal(object)  # from other threads

    def __init__(self, library: Library) -> None:
        app = QCoreApplication.instance()
        super().__init__()
        if app is not None:
            self.moveToThread(app.thread())
        # Weakly: the bridge lives as long as the library, never keeps it alive.
        self._library = weakref.ref(library)
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = library.subscribe(self._heard)
        self._poll = QTimer(self, interval=ELSEWHERE_POLL_MS)
        self._poll.timeout.connect(self.poll)

    def _heard(self, changes: Changes) -> None:
        if QThread.currentThread() is self.thread():
            self._deliver(changes)
        else:
            self._relay.emit(changes)

    @property
    def library(self) -> Library:
        library = self._library()
        if library is None:
            raise RuntimeError("the library of this bridge is gone")
        return library

    def _deliver(self, changes: Any) -> None:
        library = self._library()
        if library is not None and not library.closed:
            self.changed.emit(changes)

    # -- other programs ------------------------------------------------------------------

    def watch_elsewhere(self, on: bool = True) -> None:
        """Poll for commits by other programs every second (the main window does)."""
        if on:
            self.library.poll_elsewhere()  # what was there before is not news
            self._poll.start()
        else:
            self._poll.stop()

    def poll(self) -> Changes:
        """Look now (the timer does it every second); what is found is published, and so
        reaches `changed` too."""
        library = self._library()
        if library is None or library.closed:
            self._poll.stop()
            return Changes()
        return library.poll_elsewhere()

    def close(self) -> None:
        self._poll.stop()
        self._unsubscribe()
