"""The paper table's model: a list of ids plus a small cache of rows fetched on demand.

Only ids are held for the whole list; rows are read from the library a page at a time
when the view first draws them, and sorting is done by the library (SQL), so the table
stays fast at 100,000 papers.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..domain import ReadinglistError, SearchHit, Status
from ..service import Library, TableRow
from .plain_text import tooltip
from .title_delegate import SnippetRole

PAGE = 256
SNIPPET_PAGE = 40  # snippets cost more than rows: fetch fewer at a time
CACHE_PAGES = 16

COLUMNS: list[tuple[str, str | None]] = [
    # (header, the library's sort key; None = not sortable)
    ("Title", "title"),
    ("Authors", "authors"),
    ("Year", "year"),
    ("Status", "status"),
    ("Tags", "tags"),
    ("Added", "added"),
]
COL_TITLE, COL_AUTHORS, COL_YEAR, COL_STATUS, COL_TAGS, COL_ADDED = range(len(COLUMNS))

_STATUS_COLOURS = {
    Status.UNREAD: QColor("#1f6feb"),
    Status.READING: QColor("#b35900"),
    Status.READ: QColor("#2da44e"),
}

_Index = QModelIndex | QPersistentModelIndex


def format_authors(authors: Sequence[str], limit: int = 3) -> str:
    if len(authors) > limit:
        return ", ".join(authors[:limit]) + " et al."
    return ", ".join(authors)


class PaperTableModel(QAbstractTableModel):
    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._hits: dict[int, SearchHit] = {}
        self._query = ""
        self._snippet_pages: set[int] = set()
        self._pages: OrderedDict[int, dict[int, TableRow]] = OrderedDict()

    # -- content ----------------------------------------------------------------------

    def set_ids(self, ids: Sequence[int], hits: Sequence[SearchHit] = (), query: str = "") -> None:
        """Show these papers in this order. For a search, `hits` are its matches and
        `query` lets the snippets that hits lack be fetched when their rows are drawn."""
        self.beginResetModel()
        self._ids = list(ids)
        self._row_of = {paper_id: row for row, paper_id in enumerate(self._ids)}
        self._hits = {h.paper_id: h for h in hits}
        self._query = query
        self._snippet_pages = set()
        self._pages.clear()
        self.endResetModel()

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
        """Re-read these papers (after an edit) and repaint their rows."""
        for paper_id in paper_ids:
            row = self._row_of.get(paper_id)
            if row is None:
                continue
            page = self._pages.get(row // PAGE)
            if page is not None:
                page.update(self.library.table_rows([paper_id]))
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

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
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        paper_id = self._ids[index.row()]
        if role == SnippetRole:
            hit = self._snippet_hit(index.row(), paper_id)
            return hit.snippet if hit and index.column() == COL_TITLE else None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        row = self._row(index.row())
        if row is None:  # deleted since the list was made
            return None
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole:
            return _STATUS_COLOURS.get(row.status) if column == COL_STATUS else None
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
            return None
        return self._display(row, column)

    def _display(self, row: TableRow, column: int) -> str:
        if column == COL_TITLE:
            return row.title
        if column == COL_AUTHORS:
            return format_authors(row.authors)
        if column == COL_YEAR:
            return str(row.year) if row.year else ""
        if column == COL_STATUS:
            return row.status.label
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
