"""The sidebar: the library's views (all papers, the inbox, the reading queue, the
other statuses and the last import), its tags and years, with counts. During a search the
counts are those of the search's matches (facets)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ...domain import Status

FilterRole = Qt.ItemDataRole.UserRole + 1
# ("all", None) | ("status", value) | ("tag", name) | ("year", "2024") | ("import", None)
Filter = tuple[str, str | None]
QUEUE: Filter = ("status", Status.QUEUED.value)  # listed in queue order, not sorted
LAST_IMPORT: Filter = ("import", None)  # the papers the last import added or found
LAST_IMPORT_LABEL = "Last import"

_VIEW_TIPS = {
    Status.UNREAD: "New papers you have not looked at yet",
    Status.QUEUED: "Papers to read, next first. Drag rows or press Alt+Up / Alt+Down / "
                   "Alt+Home to reorder; Ctrl+Shift+N reads the next one",
    Status.READING: "Papers you have started",
    Status.READ: "Papers you have read",
    Status.SKIMMED: "Papers you have skimmed",
    Status.ABANDONED: "Papers you stopped reading",
}


def view_label(status: Status) -> str:
    """The sidebar's name for a status view: the queue is a place, the others a state."""
    return "Queue" if status is Status.QUEUED else status.label


class Sidebar(QTreeWidget):
    filterChanged = Signal(object)  # Filter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(False)
        self.setIndentation(10)
        self.setObjectName("sidebar")
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._library = QTreeWidgetItem(self, ["LIBRARY"])
        self._tags = QTreeWidgetItem(self, ["TAGS"])
        self._years = QTreeWidgetItem(self, ["YEARS"])
        self._sections = (self._library, self._tags, self._years)
        for section in self._sections:
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = section.font(0)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            section.setFont(0, font)
            section.setExpanded(True)
        self._current: Filter = ("all", None)
        self.currentItemChanged.connect(self._changed)

    @property
    def current_filter(self) -> Filter:
        return self._current

    def refresh(
        self,
        total: int,
        status_counts: dict[str, int],
        tag_counts: dict[str, int],
        year_counts: dict[str, int] | None = None,
        last_import: int = 0,
    ) -> None:
        """Rebuild the entries with fresh counts, keeping the selection. Last import is
        listed when it has papers (`last_import`), or while it is the selected view."""
        year_counts = year_counts or {}
        self.blockSignals(True)
        try:
            for section in self._sections:
                section.takeChildren()
            entries: list[tuple[QTreeWidgetItem, str, int, Filter]] = [
                (self._library, "All papers", total, ("all", None))
            ]
            entries += [
                (self._library, view_label(s), status_counts.get(s.value, 0),
                 ("status", s.value))
                for s in Status
            ]
            if last_import or self._current == LAST_IMPORT:
                entries.append((self._library, LAST_IMPORT_LABEL, last_import, LAST_IMPORT))
            entries += [(self._tags, tag, n, ("tag", tag)) for tag, n in tag_counts.items()]
            entries += [(self._years, y, n, ("year", y)) for y, n in year_counts.items()]
            selected = None
            for section, label, count, flt in entries:
                item = QTreeWidgetItem(section, [label, str(count)])
                item.setData(0, FilterRole, flt)
                if flt[0] == "status" and flt[1]:
                    item.setToolTip(0, _VIEW_TIPS[Status(flt[1])])
                elif flt == LAST_IMPORT:
                    item.setToolTip(0, "The papers the last import added or found in the "
                                       "library")
                item.setTextAlignment(
                    1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                item.setForeground(1, self.palette().placeholderText())
                if flt == self._current:
                    selected = item
            self._tags.setHidden(not tag_counts)
            self._years.setHidden(not year_counts)
            kind, value = self._current
            if selected is None and kind in ("tag", "year") and value:
                # Keep the user's choice visible (with 0) rather than silently dropping it.
                section = self._tags if kind == "tag" else self._years
                selected = QTreeWidgetItem(section, [value, "0"])
                selected.setData(0, FilterRole, self._current)
                section.setHidden(False)
            if selected is None:  # the selected entry is gone: fall back to all papers
                selected = self._library.child(0)  # "All papers": always listed first
                assert selected is not None
                self._current = ("all", None)
            self.setCurrentItem(selected)
        finally:
            self.blockSignals(False)

    def select(self, flt: Filter, notify: bool = True) -> None:
        """Select an entry; with notify=False the list is not refreshed for it (the caller
        refreshes it itself)."""
        for section in self._sections:
            for i in range(section.childCount()):
                child = section.child(i)
                if child is not None and child.data(0, FilterRole) == flt:
                    self.blockSignals(not notify)
                    try:
                        self.setCurrentItem(child)
                    finally:
                        self.blockSignals(False)
                    self._current = flt
                    return

    def _changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        flt = item.data(0, FilterRole) if item else None
        if flt and flt != self._current:
            self._current = tuple(flt)
            self.filterChanged.emit(self._current)
