"""The main window's paper table: the list of papers, one per row.

Besides showing the PaperTableModel it keeps the column widths, lets the header's context
menu hide and show columns (remembered between sessions by header name), and switches to
the reading queue's order, where the headers do not sort and rows are dragged instead.
Selected rows can be dragged from any view onto a tag in the sidebar (they get the tag).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from .paper_table_model import (
    COL_ADDED,
    COL_AUTHORS,
    COL_PRIORITY,
    COL_RATING,
    COL_STATUS,
    COL_TAGS,
    COL_TITLE,
    COL_YEAR,
    COLUMNS,
    PaperTableModel,
)
from .tag_chips import TagChipDelegate
from .title_delegate import TitleDelegate

# The title takes the room that is left; the other columns keep these widths (the year's
# is measured: four digits and the header's sort arrow, at any font size).
COLUMN_WIDTHS = {
    COL_AUTHORS: 120,
    COL_STATUS: 86,
    COL_PRIORITY: 64,
    COL_RATING: 70,
    COL_TAGS: 90,
    COL_ADDED: 88,
}
ROW_HEIGHT = 26
HIT_ROW_HEIGHT = 44  # search results show a second line: where the paper matched
HIDDEN_COLUMNS_SETTING = "main/hiddenColumns"
HEADER_STATE_SETTING = "main/tableHeader"  # widths, order and sort of the columns
HIDDEN_BY_DEFAULT = ("Priority", "Rating")
TITLE_MIN_CHARS = 30  # below this the table scrolls sideways rather than cut titles short


class PaperTable(QTableView):
    """The paper list. Rows are whole papers; one is current (the detail pane shows it),
    and any number are selected (Ctrl/Shift-click, Ctrl+A) for the row actions."""

    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setObjectName("paperTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Right-click on rows: the row actions' menu (row_actions.RowActions listens).
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().hide()
        # Fixed row height: measuring rows would read every row of a big library.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        self._fitting = False
        for column, width in COLUMN_WIDTHS.items():
            self.setColumnWidth(column, width)
        self.setColumnWidth(COL_YEAR, self.year_width())
        self._fit_title()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        header.sectionResized.connect(lambda *_args: self._fit_title())
        # Right-click on the header: choose the columns (the title always stays).
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.setItemDelegateForColumn(COL_TITLE, TitleDelegate(self))
        self.setItemDelegateForColumn(COL_TAGS, TagChipDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(COL_ADDED, Qt.SortOrder.AscendingOrder)
        # Rows are dragged onto a sidebar tag from any view (a copy: they stay listed);
        # in the queue view, dropping them between rows reorders the queue (a move).
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDropIndicatorShown(True)
        rows = self.verticalHeader()
        rows.setObjectName("queuePlaces")
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    # -- rows ------------------------------------------------------------------------------

    def select_row(self, row: int) -> bool:
        """Make `row` the current, selected row and scroll to it.

        True when it already was current: then no currentRowChanged signal says so, and
        the caller shows the row's paper itself (it may be a new one, after a reload)."""
        index = self._model.index(row, COL_TITLE)
        selection = self.selectionModel()
        unchanged = selection.currentIndex() == index
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)
        return unchanged

    def current_paper_id(self) -> int | None:
        index = self.selectionModel().currentIndex()
        return self._model.paper_id(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        ids = self._model.ids
        return [ids[r] for r in rows if r < len(ids)]

    def set_hit_rows(self, hits: bool) -> None:
        """Search results show a second line (where it matched); fixed heights either way."""
        self.verticalHeader().setDefaultSectionSize(HIT_ROW_HEIGHT if hits else ROW_HEIGHT)

    # -- order -----------------------------------------------------------------------------

    def sort_request(self) -> tuple[str, bool]:
        """The library sort key the header asks for ("added" when none) and descending."""
        header = self.horizontalHeader()
        column = header.sortIndicatorSection()
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        return key or "added", header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def show_relevance_order(self) -> None:
        """No sort indicator: the rows keep the order they are given (a search's ranking)
        until the user clicks a column header."""
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def resort(self) -> None:
        """Sort the rows again by the column the header shows, if any."""
        header = self.horizontalHeader()
        if header.sortIndicatorSection() >= 0:
            self._model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def set_queue_order(self, on: bool) -> None:
        """The queue view lists the queue in its own order: the headers do not sort it,
        rows can be dropped between rows, and the row header shows each paper's place."""
        if on == (not self.isSortingEnabled()):
            return
        header = self.horizontalHeader()
        if on:
            self.setSortingEnabled(False)
            header.setSortIndicatorShown(False)
            header.setSectionsClickable(False)
            self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.setDefaultDropAction(Qt.DropAction.MoveAction)
            self.verticalHeader().show()
        else:
            self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
            self.setDefaultDropAction(Qt.DropAction.CopyAction)
            self.verticalHeader().hide()
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(True)
            self.setSortingEnabled(True)  # sorts the list shown; a new one follows

    # -- columns ---------------------------------------------------------------------------

    def year_width(self) -> int:
        """Room for "2026" or the header "Year" with its sort arrow, whichever is wider."""
        digits = self.fontMetrics().horizontalAdvance("8888") + 16
        title = self.horizontalHeader().fontMetrics().horizontalAdvance("Year") + 30
        return max(digits, title)

    def title_minimum(self) -> int:
        return self.fontMetrics().averageCharWidth() * TITLE_MIN_CHARS

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_title()

    def _fit_title(self) -> None:
        """The title takes the spare width, but never less than a readable minimum: a
        narrow window scrolls sideways instead (Zotero's and JabRef's tables do too).
        Sized here rather than by a stretching header, so the minimum always holds."""
        if self._fitting:
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(len(COLUMNS))
                     if c != COL_TITLE and not self.isColumnHidden(c))
        width = max(self.title_minimum(), self.viewport().width() - others)
        if header.sectionSize(COL_TITLE) != width:
            self._fitting = True
            try:
                header.resizeSection(COL_TITLE, width)
            finally:
                self._fitting = False

    def _column_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        for column, (name, _key) in enumerate(COLUMNS):
            if column == COL_TITLE:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def show_column(self, column: int, shown: bool) -> None:
        if column != COL_TITLE:
            self.setColumnHidden(column, not shown)
            self._fit_title()

    def hidden_columns(self) -> list[str]:
        return [name for column, (name, _key) in enumerate(COLUMNS)
                if self.isColumnHidden(column)]

    def restore_columns(self, settings: QSettings) -> None:
        state = settings.value(HEADER_STATE_SETTING)
        count = settings.value(HEADER_STATE_SETTING + "Columns")
        header = self.horizontalHeader()
        if isinstance(state, QByteArray) and str(count) == str(len(COLUMNS)):
            # Widths, order and sort as the user left them (a state of another set of
            # columns is ignored: a newer version added one).
            header.restoreState(state)
            self.setColumnWidth(COL_YEAR, max(self.columnWidth(COL_YEAR), self.year_width()))
        # By header name, so that a column added later is shown and a gone one ignored.
        saved = settings.value(HIDDEN_COLUMNS_SETTING)
        # Until the user chooses, the columns most papers leave empty or at their default
        # (priority, rating) give their room to the title.
        hidden = (str(saved or "").split("\x1f") if saved is not None
                  else list(HIDDEN_BY_DEFAULT))
        for column, (name, _key) in enumerate(COLUMNS):
            self.show_column(column, name not in hidden)

    def save_columns(self, settings: QSettings) -> None:
        settings.setValue(HIDDEN_COLUMNS_SETTING, "\x1f".join(self.hidden_columns()))
        settings.setValue(HEADER_STATE_SETTING, self.horizontalHeader().saveState())
        settings.setValue(HEADER_STATE_SETTING + "Columns", len(COLUMNS))
