"""The detail pane's "Similar papers": the papers of the library with the most key terms
in common with the one shown, looked up off the GUI thread once the selection stops
moving. Clicking or activating one emits `openPaper(id)`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...library.service import Library
from ..plain_text import tooltip
from ..tasks import TaskRunner

SIMILAR_DELAY_MS = 250  # similar papers are looked up once selection stops moving


class SimilarPapers(QWidget):
    """The "Similar papers" box. `shown()` is the id of the paper the pane shows now
    (None: none); a lookup for a paper no longer shown is skipped, its result dropped."""

    openPaper = Signal(int)

    def __init__(self, library: Library, runner: TaskRunner | None,
                 shown: Callable[[], int | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner
        self._shown = shown
        self._listed_for: int | None = None  # the paper whose similar papers are listed
        self._timer = QTimer(self, singleShot=True, interval=SIMILAR_DELAY_MS)
        self._timer.timeout.connect(self._load)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        title = QLabel("Similar papers")
        title.setObjectName("sectionLabel")
        layout.addWidget(title)
        self.list = QListWidget()
        self.list.setObjectName("similarList")
        self.list.setToolTip("Papers of this library with the most key terms in common")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        layout.addWidget(self.list)

    def show_for(self, paper_id: int) -> None:
        """A paper is shown: its similar papers are looked up after a pause (j j j j asks
        once, not four times), unless the list already shows them."""
        if self._listed_for != paper_id:  # the list shows another paper's
            self.list.clear()
            self.list.addItem("Looking for similar papers…")
            self._timer.start()

    def ids(self) -> list[int]:
        """The papers listed, in order."""
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) is not None
        ]

    def stop(self) -> None:
        """No lookup after this (the window closes; the library may be closed next)."""
        self._timer.stop()

    def _load(self) -> None:
        """Fill the list for the shown paper (off the GUI thread with a runner)."""
        paper_id = self._shown()
        if paper_id is None:
            return

        def work() -> list[tuple[int, str]]:
            if self._shown() != paper_id:
                return []  # moved on while this waited in the pool: skip the search
            hits = self.library.more_like_this(paper_id, limit=6)
            papers = self.library.get_many([h.paper_id for h in hits])
            return [(p.id, p.title) for p in papers]

        def show(found: list[tuple[int, str]]) -> None:
            if self._shown() != paper_id:
                return  # another paper is shown by now
            self._listed_for = paper_id
            self.list.clear()
            for other_id, title in found:
                item = QListWidgetItem(title)
                item.setData(Qt.ItemDataRole.UserRole, other_id)
                item.setToolTip(tooltip(title))
                self.list.addItem(item)
            if not found:
                self.list.addItem("No similar papers found.")

        if self.runner is None:
            show(work())
        else:
            self.runner.run(work, on_success=show, on_failure=lambda _msg: show([]))

    def _chosen(self, item: QListWidgetItem) -> None:
        paper_id = item.data(Qt.ItemDataRole.UserRole)
        if paper_id is not None:
            self.openPaper.emit(int(paper_id))
