"""The sidebar: the library's views (all papers, the inbox, the reading queue, the
other statuses and the last import), its saved searches, tags and years, with counts, and
the Trash. During a search the counts are those of the search's matches (facets); the
saved searches and the Trash keep the library's.

A tag with a colour shows a dot of it. Papers dragged from the table onto a tag are
offered to whoever listens (`papersDropped`): the sidebar itself changes nothing."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
)
from PySide6.QtWidgets import QHeaderView, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from ...domain import SavedSearch, Status
from ..table.paper_table_model import ids_from_mime
from ..table.tag_chips import swatch_icon

FilterRole = Qt.ItemDataRole.UserRole + 1
# ("all", None) | ("status", value) | ("tag", name) | ("year", "2024") | ("import", None)
# | ("saved", name) | ("trash", None)
Filter = tuple[str, str | None]
ALL: Filter = ("all", None)
QUEUE: Filter = ("status", Status.QUEUED.value)  # listed in queue order, not sorted
LAST_IMPORT: Filter = ("import", None)  # the papers the last import added or found
LAST_IMPORT_LABEL = "Last import"
TRASH: Filter = ("trash", None)  # papers thrown away, the most recent first
TRASH_LABEL = "Trash"

_VIEW_TIPS = {
    Status.INBOX: "New papers you have not looked at yet",
    Status.QUEUED: "Papers to read, next first. Drag rows or press Alt+Up / Alt+Down / "
                   "Alt+Home to reorder; Ctrl+Shift+N reads the next one",
    Status.READING: "Papers you have started",
    Status.READ: "Papers you have read",
    Status.SKIMMED: "Papers you have skimmed",
    Status.ABANDONED: "Papers you stopped reading",
}
_TRASH_TIP = ("Papers moved to the Trash (Delete). Restore them from here; right-click "
              "to empty the Trash for good")


def view_label(status: Status) -> str:
    """The sidebar's name for a status view: the queue is a place, the others a state."""
    return "Queue" if status is Status.QUEUED else status.label


def saved_filter(name: str) -> Filter:
    """The sidebar's entry of a saved search."""
    return ("saved", name)


class Sidebar(QTreeWidget):
    filterChanged = Signal(object)  # Filter
    # A context menu is asked for on an entry: its filter and where (global position).
    menuRequested = Signal(object, QPoint)
    # Papers (their ids) were dropped onto a tag (its name).
    papersDropped = Signal(list, str)

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
        self._saved = QTreeWidgetItem(self, ["SAVED SEARCHES"])
        self._tags = QTreeWidgetItem(self, ["TAGS"])
        self._years = QTreeWidgetItem(self, ["YEARS"])
        self._sections = (self._library, self._saved, self._tags, self._years)
        for section in self._sections:
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = section.font(0)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            section.setFont(0, font)
            section.setExpanded(True)
        self._saved.setHidden(True)
        # The Trash: an entry of its own below the sections, always there.
        self._trash = QTreeWidgetItem(self, [TRASH_LABEL, "0"])
        self._trash.setData(0, FilterRole, TRASH)
        self._trash.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_TrashIcon))
        self._trash.setToolTip(0, _TRASH_TIP)
        self._trash_count = 0
        self._searches: dict[str, SavedSearch] = {}
        self._saved_counts: dict[str, int | None] = {}
        self._counts: tuple[int, dict[str, int], dict[str, int], dict[str, int], int] = (
            0, {}, {}, {}, 0)
        self._current: Filter = ALL
        self.currentItemChanged.connect(self._changed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu_requested)
        self._tag_colours: dict[str, str] = {}  # casefolded tag -> "#rrggbb"
        # Papers dragged from the table land on tags (handled here, not by the model).
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self._drop_target: QTreeWidgetItem | None = None

    @property
    def current_filter(self) -> Filter:
        return self._current

    @property
    def trash_count(self) -> int:
        return self._trash_count

    def saved_search(self, name: str | None) -> SavedSearch | None:
        """The saved search listed under this name (None if there is none)."""
        return self._searches.get(name) if name is not None else None

    def current_saved_search(self) -> SavedSearch | None:
        kind, value = self._current
        return self.saved_search(value) if kind == "saved" else None

    def saved_names(self) -> list[str]:
        return list(self._searches)

    def tag_names(self) -> list[str]:
        """The tags listed (the library's, or those among a search's matches)."""
        return list(self._counts[2])

    def refresh(
        self,
        total: int,
        status_counts: dict[str, int],
        tag_counts: dict[str, int],
        year_counts: dict[str, int] | None = None,
        last_import: int = 0,
        trash: int | None = None,
    ) -> bool:
        """Rebuild the entries with fresh counts, keeping the selection. Last import is
        listed when it has papers (`last_import`), or while it is the selected view;
        `trash` None keeps the Trash's count (a search's facets do not count it).
        True if the selected entry is gone and "All papers" is selected instead."""
        self._counts = (total, status_counts, tag_counts, year_counts or {}, last_import)
        if trash is not None:
            self._trash_count = trash
        return self._rebuild()

    def set_saved(self, searches: list[SavedSearch], counts: dict[str, int | None]) -> bool:
        """List these saved searches with their counts (None: could not be counted). True
        if the selected saved search is gone and "All papers" is selected instead."""
        self._searches = {s.name: s for s in searches}
        self._saved_counts = dict(counts)
        return self._rebuild()

    def set_tag_colours(self, colours: Mapping[str, str]) -> None:
        """Show these tags' colours (tag -> "#rrggbb"; tags compare without case)."""
        self._tag_colours = {tag.casefold(): colour for tag, colour in colours.items()}
        self._paint_tags()

    def tag_colour(self, tag: str) -> str | None:
        return self._tag_colours.get(tag.casefold())

    def _tag_items(self) -> list[QTreeWidgetItem]:
        return [item for item in (self._tags.child(i) for i in range(self._tags.childCount()))
                if item is not None]

    def _paint_tags(self) -> None:
        """A dot of each tag's colour; a blank of the same size for an uncoloured tag
        while others have one (the names stay in line), else no icon."""
        items = [(item, item.data(0, FilterRole)) for item in self._tag_items()]
        colours = [self.tag_colour(flt[1]) if flt and flt[1] else None for _i, flt in items]
        any_colour = any(colours)
        blank = swatch_icon(None) if any_colour else QIcon()
        for (item, _flt), colour in zip(items, colours, strict=True):
            item.setIcon(0, swatch_icon(colour) if colour else blank)

    def _rebuild(self) -> bool:
        total, status_counts, tag_counts, year_counts, last_import = self._counts
        self.blockSignals(True)
        try:
            for section in self._sections:
                section.takeChildren()
            entries: list[tuple[QTreeWidgetItem, str, int | None, Filter]] = [
                (self._library, "All papers", total, ALL)
            ]
            entries += [
                (self._library, view_label(s), status_counts.get(s.value, 0),
                 ("status", s.value))
                for s in Status
            ]
            if last_import or self._current == LAST_IMPORT:
                entries.append((self._library, LAST_IMPORT_LABEL, last_import, LAST_IMPORT))
            entries += [(self._saved, name, self._saved_counts.get(name), saved_filter(name))
                        for name in self._searches]
            entries += [(self._tags, tag, n, ("tag", tag)) for tag, n in tag_counts.items()]
            entries += [(self._years, y, n, ("year", y)) for y, n in year_counts.items()]
            selected = None
            for section, label, count, flt in entries:
                item = QTreeWidgetItem(section, [label, "?" if count is None else str(count)])
                item.setData(0, FilterRole, flt)
                item.setToolTip(0, self._tip(flt))
                self._style_count(item)
                if flt == self._current:
                    selected = item
            self._saved.setHidden(not self._searches)
            self._tags.setHidden(not tag_counts)
            self._years.setHidden(not year_counts)
            self._trash.setText(1, str(self._trash_count))
            self._style_count(self._trash)
            # Greyed while empty: nothing to look at there.
            self._trash.setForeground(0, self.palette().placeholderText() if not
                                      self._trash_count else self.palette().text())
            if self._current == TRASH:
                selected = self._trash
            kind, value = self._current
            if selected is None and kind in ("tag", "year") and value:
                # Keep the user's choice visible (with 0) rather than silently dropping it.
                section = self._tags if kind == "tag" else self._years
                selected = QTreeWidgetItem(section, [value, "0"])
                selected.setData(0, FilterRole, self._current)
                section.setHidden(False)
            self._drop_target = None  # the entries were made anew
            self._paint_tags()
            fell_back = selected is None
            if selected is None:  # the selected entry is gone: fall back to all papers
                selected = self._library.child(0)  # "All papers": always listed first
                assert selected is not None
                self._current = ALL
            self.setCurrentItem(selected)
        finally:
            self.blockSignals(False)
        return fell_back

    def _tip(self, flt: Filter) -> str:
        kind, value = flt
        if kind == "status" and value:
            return _VIEW_TIPS[Status(value)]
        if flt == LAST_IMPORT:
            return "The papers the last import added or found in the library"
        saved = self.saved_search(value) if kind == "saved" else None
        if saved is not None:
            return f"Saved search: {saved.query}   (right-click to rename, edit or delete)"
        if kind == "tag":
            return ("Drop papers here to tag them. Right-click to rename, merge, colour or "
                    "delete this tag")
        return ""

    def _style_count(self, item: QTreeWidgetItem) -> None:
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(1, self.palette().placeholderText())

    def entries(self) -> list[QTreeWidgetItem]:
        """Every entry that can be chosen, in order (the Trash last)."""
        found = [child for section in self._sections
                 for child in (section.child(i) for i in range(section.childCount()))
                 if child is not None]
        return [*found, self._trash]

    def select(self, flt: Filter, notify: bool = True) -> None:
        """Select an entry; with notify=False the list is not refreshed for it (the caller
        refreshes it itself)."""
        for child in self.entries():
            if child.data(0, FilterRole) == flt:
                self.blockSignals(not notify)
                try:
                    self.setCurrentItem(child)
                finally:
                    self.blockSignals(False)
                self._current = flt
                return

    def retarget(self, flt: Filter) -> None:
        """Take `flt` as the selected view without listing anything: the entry it names
        comes with the next rebuild (a saved search or a tag being renamed to it)."""
        self._current = flt

    def _changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        flt = item.data(0, FilterRole) if item else None
        if flt and flt != self._current:
            self._current = tuple(flt)
            self.filterChanged.emit(self._current)

    def _menu_requested(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        flt = item.data(0, FilterRole) if item is not None else None
        if flt:
            self.menuRequested.emit(tuple(flt), self.viewport().mapToGlobal(pos))

    # -- papers dropped onto a tag ---------------------------------------------------------

    def tag_at(self, pos: QPoint) -> str | None:
        """The tag of the entry at `pos` (viewport coordinates), None if not a tag."""
        item = self.itemAt(pos)
        flt = item.data(0, FilterRole) if item is not None else None
        return flt[1] if flt and flt[0] == "tag" and flt[1] else None

    def drop_papers(self, data: QMimeData, pos: QPoint) -> bool:
        """Offer the papers `data` carries to the tag at `pos` (papersDropped). False if
        it carries no papers or `pos` is not on a tag: nothing happens then."""
        tag = self.tag_at(pos)
        ids = ids_from_mime(data)
        if tag is None or not ids:
            return False
        self.papersDropped.emit(ids, tag)
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if ids_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        pos = event.position().toPoint()
        on_tag = self.tag_at(pos) is not None and bool(ids_from_mime(event.mimeData()))
        self._mark_drop_target(self.itemAt(pos) if on_tag else None)
        if on_tag:
            self._accept_as_copy(event)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._mark_drop_target(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._mark_drop_target(None)
        if self.drop_papers(event.mimeData(), event.position().toPoint()):
            self._accept_as_copy(event)
        else:
            event.ignore()

    @staticmethod
    def _accept_as_copy(event: QDragMoveEvent | QDropEvent) -> None:
        """Accept as a copy when the drag allows it: the rows stay where they were."""
        if event.possibleActions() & Qt.DropAction.CopyAction:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.acceptProposedAction()

    def _mark_drop_target(self, item: QTreeWidgetItem | None) -> None:
        """Show the tag a drop would land on (the selection stays the view's)."""
        if item is self._drop_target:
            return
        if self._drop_target is not None:
            self._drop_target.setBackground(0, QBrush())
        self._drop_target = item
        if item is not None:
            colour = self.palette().highlight().color()
            colour.setAlpha(90)
            item.setBackground(0, colour)
