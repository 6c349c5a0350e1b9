"""Cyclic garbage collection on the GUI thread only.

Python's collector runs on whichever thread happens to allocate when a threshold is
crossed: in the app that is often the index or a task thread. If a cycle it frees holds a
Qt object, the object is destroyed on that thread: its destructor takes Qt's signal lock
and then waits for the interpreter, while the GUI thread, holding the interpreter, waits
for that lock (a deadlock seen in the suite, stacks in the issue-11 note). So the app turns
the automatic collector off and collects here, on the GUI thread, when the same thresholds
are crossed, checked a few times a second (the approach of pyqtgraph's and Spyder's
collectors). Reference counting frees everything else at once, as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from ..library.importing import collection_is_paused

CHECK_MS = 200
_collector: GuiThreadCollector | None = None


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = [0, 0, 0]  # per generation, for tests and curiosity
        gc.disable()
        self._timer = QTimer(self, interval=CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        """Collect the youngest generation whose threshold is crossed and the younger
        ones, as the interpreter would; the oldest waits while an import runs (an import
        keeps the collector off for the same reason: see importing.collection_paused)."""
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        if counts[1] > self.thresholds[1]:
            generation = 1
            if counts[2] > self.thresholds[2] and not collection_is_paused():
                generation = 2
        gc.collect(generation)
        self.collections[generation] += 1


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install the collector once for the app (make_app calls this)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector
