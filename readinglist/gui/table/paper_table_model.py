"""The paper table's model: a list of ids plus a small cache of rows fetched on demand.

Only ids are held for the whole list; rows are read from the library a page at a time
when the view first draws them, and sorting is done by the library (SQL), so the table
stays fast at 100,000 papers.

Rows can be dragged in every view: the model carries the dragged papers' ids in its own
MIME type (onto a tag in the sidebar, they get the tag). In the reading queue's view they
can also be dropped between rows: the model emits `queueDrop(ids, row)` and the window
turns that into an undoable queue move.

The Tags column gives its tags with their colours (TagChipsRole) for the chips'
delegate; the colours are read once and again when a Changes says they changed.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from ...domain import Priority, ReadinglistError, SearchHit, Segment, Status
from ...domain.changes import TABLE_FIELDS, Changes
from ...library.service import Library, TableRow
from ...text.names import format_authors as format_authors  # re-exported: its old home
from .. import theme
from ..plain_text import tooltip
from .tag_chips import TagChips, TagChipsRole
from .title_delegate import SnippetRole

# Shown before a snippet that does not come from the abstract.
SNIPPET_LABELS = {
    "annotation": "In your highlights: ",
    "note": "In your note: ",
    "fulltext": "In the PDF: ",
}

PAGE = 256
SNIPPET_PAGE = 40  # snippets cost more than rows: fetch fewer at a time
CACHE_PAGES = 16

COLUMNS: list[tuple[str, str | None]] = [
    # (header, the library's sort key; None = not sortable)
    ("Title", "title"),
    ("Authors", "authors"),
    ("Year", "year"),
    ("Status", "status"),
    ("Priority", "priority"),
    ("Rating", "rating"),
    ("Tags", "tags"),
    ("Added", "added"),
]
(COL_TITLE, COL_AUTHORS, COL_YEAR, COL_STATUS, COL_PRIORITY, COL_RATING, COL_TAGS,
 COL_ADDED) = range(len(COLUMNS))

# Dragged rows (onto a tag, or within the queue view): a JSON list of paper ids.
PAPER_IDS_MIME = "application/x-readinglist-paper-ids"

# The theme's colour (a field of theme.Theme) of each status, priority and the rating,
# read when drawn: the table follows a switch between the light and dark themes.
_STATUS_COLOURS = {
    Status.INBOX: "status_inbox",
    Status.QUEUED: "status_queued",
    Status.READING: "status_reading",
    Status.READ: "status_read",
    Status.SKIMMED: "status_skimmed",
    Status.ABANDONED: "status_abandoned",
}
# High stands out; normal (the default) recedes, so that the column reads at a glance.
_PRIORITY_COLOURS = {
    Priority.HIGH: "priority_high",
    Priority.NORMAL: "priority_normal",
    Priority.LOW: "priority_low",
}


def status_colour(status: Status) -> QColor | None:
    """The Status column's colour of a status, in the theme in force."""
    name = _STATUS_COLOURS.get(status)
    return theme.colour(name) if name else None


def priority_colour(priority: Priority) -> QColor | None:
    name = _PRIORITY_COLOURS.get(priority)
    return theme.colour(name) if name else None


def rating_colour() -> QColor:
    return theme.colour("rating")

_Index = QModelIndex | QPersistentModelIndex


def format_rating(rating: int | None) -> str:
    """★★★☆☆ for 3 of 5 stars; nothing when there is no rating."""
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def ids_from_mime(data: QMimeData) -> list[int]:
    """The paper ids a drag carries ([] if it carries none, or something else)."""
    if not data.hasFormat(PAPER_IDS_MIME):
        return []
    try:
        ids = json.loads(bytes(data.data(PAPER_IDS_MIME).data()).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]


class PaperTableModel(QAbstractTableModel):
    # Rows of the queue view were dropped before `row` (rowCount(): at the end).
    queueDrop = Signal(list, int)

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._hits: dict[int, SearchHit] = {}
        self._query = ""
        self._snippet_pages: set[int] = set()
        self._pages: OrderedDict[int, dict[int, TableRow]] = OrderedDict()
        # The queue view: rows can be dragged, the row header shows queue places.
        self._queue_mode = False
        self._queue_place: dict[int, int] = {}
        self._bold: QFont | None = None
        self._colours: dict[str, str] | None = None  # tag (casefolded) -> "#rrggbb"
        theme.theme_signals().changed.connect(self._theme_changed)

    # -- content ----------------------------------------------------------------------

    def set_ids(self, ids: Sequence[int], hits: Sequence[SearchHit] = (), query: str = "",
                queue: bool = False) -> None:
        """Show these papers in this order. For a search, `hits` are its matches and
        `query` lets the snippets that hits lack be fetched when their rows are drawn.
        `queue`: this is the reading queue's view (rows can be dragged to reorder it)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._row_of = {paper_id: row for row, paper_id in enumerate(self._ids)}
        self._hits = {h.paper_id: h for h in hits}
        self._query = query
        self._snippet_pages = set()
        self._pages.clear()
        self._queue_mode = queue
        self._read_queue_places()
        self.endResetModel()

    def _read_queue_places(self) -> None:
        self._queue_place = (
            {paper_id: n for n, paper_id in enumerate(self.library.queue_ids(), start=1)}
            if self._queue_mode else {}
        )

    def queue_place(self, paper_id: int) -> int | None:
        """1 for the next paper to read, in the queue view; None elsewhere."""
        return self._queue_place.get(paper_id)

    @property
    def ids(self) -> list[int]:
        return list(self._ids)


    def paper_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, paper_id: int) -> int | None:
        return self._row_of.get(paper_id)

    def hit(self, paper_id: int) -> SearchHit | None:
        return self._hits.get(paper_id)

    def refresh_papers(self, paper_ids: Sequence[int]) -> None:
        """Re-read these papers (one query) and repaint their rows."""
        shown = [(self._row_of[i], i) for i in paper_ids if i in self._row_of]
        cached = [(row, i) for row, i in shown if row // PAGE in self._pages]
        fresh = self.library.table_rows([i for _row, i in cached]) if cached else {}
        for row, paper_id in shown:
            page = self._pages.get(row // PAGE)
            if page is not None:
                if paper_id in fresh:
                    page[paper_id] = fresh[paper_id]
                else:
                    page.pop(paper_id, None)  # gone meanwhile: drawn empty until relisted
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if self._queue_mode and self._ids:
            # A status change moves papers into or out of the queue: renumber the places.
            self._read_queue_places()
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._ids) - 1)

    def tag_colours(self) -> dict[str, str]:
        """The tags' colours, by casefolded tag (read once, kept until they change)."""
        if self._colours is None:
            self._colours = {tag.casefold(): colour
                             for tag, colour in self.library.tag_colours().items()}
        return self._colours

    def apply_changes(self, changes: Changes) -> None:
        """Repaint the rows whose shown fields changed. (Which papers the table lists is
        the window's business: it relists when papers come or go.)"""
        if changes.tag_colours or changes.everything:
            self._colours = None
            if self._ids and not changes.everything:
                self.dataChanged.emit(self.index(0, COL_TAGS),
                                      self.index(len(self._ids) - 1, COL_TAGS),
                                      [TagChipsRole])
        if changes.everything:
            self._pages.clear()
            self._read_queue_places()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._ids) - 1, len(COLUMNS) - 1))
            return
        ids = [paper_id for paper_id, fields in changes.changed.items()
               if paper_id in self._row_of and fields & TABLE_FIELDS]
        if ids:
            self.refresh_papers(ids)
        elif self._queue_mode and self._ids and changes.queue:
            self._read_queue_places()
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._ids) - 1)

    def _theme_changed(self) -> None:
        """Another theme: the colours of every row are others. (A window closed but not
        yet deleted hears it too: its library is closed, nothing to redraw.)"""
        if self._ids and not self.library.closed:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def _snippet_hit(self, row: int, paper_id: int) -> SearchHit | None:
        """The hit with its snippet, fetching snippets a page at a time as rows are drawn."""
        hit = self._hits.get(paper_id)
        if hit is None or hit.snippet or not self._query:
            return hit
        page_no = row // SNIPPET_PAGE
        if page_no not in self._snippet_pages:
            self._snippet_pages.add(page_no)
            page = self._ids[page_no * SNIPPET_PAGE:(page_no + 1) * SNIPPET_PAGE]
            try:
                found = self.library.snippets(self._query, page)
            except ReadinglistError:  # the index is being rebuilt: no snippet for now
                found = {}
            for pid, snip in found.items():
                if pid in self._hits:
                    old = self._hits[pid]
                    self._hits[pid] = SearchHit(pid, old.score, snip.snippet_field, snip.snippet)
            hit = self._hits.get(paper_id)
        return hit

    def _row(self, row: int) -> TableRow | None:
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self.library.table_rows(self._ids[page_no * PAGE : (page_no + 1) * PAGE])
            self._pages[page_no] = page
            if len(self._pages) > CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    # -- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if not horizontal and 0 <= section < len(self._ids):
            # The queue view numbers its rows by place in the queue (1 = read next).
            place = self._queue_place.get(self._ids[section])
            if role == Qt.ItemDataRole.DisplayRole:
                return str(place) if place else ""
            if role == Qt.ItemDataRole.ToolTipRole and place:
                return f"Number {place} in the reading queue"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        paper_id = self._ids[index.row()]
        if role == SnippetRole:
            hit = self._snippet_hit(index.row(), paper_id)
            if not hit or index.column() != COL_TITLE or not hit.snippet:
                return None
            # Say where a match outside the abstract comes from: a highlight, the note...
            label = SNIPPET_LABELS.get(hit.snippet_field)
            return (Segment(label), *hit.snippet) if label else hit.snippet
        if role == TagChipsRole:
            return self._chips(index.row()) if index.column() == COL_TAGS else None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.FontRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:  # deleted since the list was made
            return None
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_STATUS:
                return status_colour(row.status)
            if column == COL_PRIORITY:
                return priority_colour(row.priority)
            return rating_colour() if column == COL_RATING else None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_PRIORITY and row.priority is Priority.HIGH:
                if self._bold is None:  # made on first use: a QFont needs the app
                    self._bold = QFont()
                    self._bold.setBold(True)
                return self._bold
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_YEAR:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            # Escaped: Qt would render a title like "Scaling <b>laws</b>" as rich text.
            if column == COL_TITLE:
                hit = self._snippet_hit(index.row(), paper_id)
                if hit is None or not hit.snippet:
                    return tooltip(row.title)
                return tooltip(
                    f"{row.title}\n\nMatched in the {hit.snippet_field}: "
                    + hit.snippet_text(("«", "»"))
                )
            if column == COL_AUTHORS:
                return tooltip("\n".join(row.authors)) if row.authors else None
            if column == COL_RATING:
                return f"{row.rating} of 5 stars" if row.rating else "Not rated"
            if column == COL_PRIORITY:
                return f"{row.priority.label} priority"
            if column == COL_TAGS:  # every tag, also those the column's width cuts off
                return tooltip(", ".join(row.tags)) if row.tags else None
            return None
        return self._display(row, column)

    def _chips(self, row_no: int) -> TagChips:
        row = self._row(row_no)
        if row is None:
            return ()
        colours = self.tag_colours()
        return tuple((tag, colours.get(tag.casefold())) for tag in row.tags)

    def _display(self, row: TableRow, column: int) -> str:
        if column == COL_TITLE:
            return row.title
        if column == COL_AUTHORS:
            return format_authors(row.authors)
        if column == COL_YEAR:
            return str(row.year) if row.year else ""
        if column == COL_STATUS:
            return row.status.label
        if column == COL_PRIORITY:
            return row.priority.label
        if column == COL_RATING:
            return format_rating(row.rating)
        if column == COL_TAGS:
            return ", ".join(row.tags)
        if column == COL_ADDED:
            return row.added
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column in the library (SQL); unsortable columns keep the order."""
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None or not self._ids:
            return
        key = COLUMNS[column][1]
        assert key is not None
        descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_ids = [self._ids[i.row()] for i in old_persistent]
        self._ids = self.library.sort_ids(self._ids, key, descending)
        self._row_of = {paper_id: row for row, paper_id in enumerate(self._ids)}
        self._pages.clear()
        self.changePersistentIndexList(
            old_persistent,
            [
                self.index(self._row_of[pid], i.column()) if pid in self._row_of else QModelIndex()
                for pid, i in zip(old_ids, old_persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    # -- dragging rows (onto a tag; in the queue view, to a new place) ---------------------

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Drops land between rows (on the root), never onto a row: rows are not
            # containers, and a drop onto one would be ambiguous.
            return Qt.ItemFlag.ItemIsDropEnabled if self._queue_mode else Qt.ItemFlag.NoItemFlags
        # Enabled, selectable, never has children; dragged onto a tag from any view.
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        # Copy: onto a tag (the rows stay); move: to another place in the queue.
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The ids of the papers in these rows (each once, in row order)."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        ids = [self._ids[r] for r in rows if 0 <= r < len(self._ids)]
        data = QMimeData()
        data.setData(PAPER_IDS_MIME, QByteArray(json.dumps(ids).encode("utf-8")))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: _Index) -> bool:
        return (self._queue_mode and action == Qt.DropAction.MoveAction
                and not parent.isValid() and bool(ids_from_mime(data)))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: _Index) -> bool:
        """A drop between rows (`row` = -1: after the last one) asks for a queue move."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        ids = [i for i in ids_from_mime(data) if i in self._row_of]
        if not ids:
            return False
        self.queueDrop.emit(ids, row if 0 <= row <= len(self._ids) else len(self._ids))
        # True, but the rows themselves are not touched here: the window moves the papers
        # in the library and lists the queue again (removeRows stays unimplemented, so
        # the view does not delete the dragged rows either).
        return True
