"""The Annotations view: every highlight in the library with its paper, newest first,
filtered by colour, by the paper's tag and by words of the passage or comment.
Double-click (or Enter) opens the paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import HIGHLIGHT_COLOURS, Annotation
from ...domain.changes import Changes
from ...library.service import Library
from ..change_bridge import bridge_for
from ..detail.abstract_view import highlight_style, local_date, swatch_icon
from ..models.list_model import RowListModel
from ..plain_text import tooltip
from ..theme import LIGHT, current, theme_signals

COLUMNS = ("Colour", "Passage", "Comment", "Paper", "Date")
COL_COLOUR, COL_QUOTE, COL_COMMENT, COL_PAPER, COL_DATE = range(len(COLUMNS))
SortRole = Qt.ItemDataRole.UserRole + 1
PaperIdRole = Qt.ItemDataRole.UserRole + 2
AnnotationIdRole = Qt.ItemDataRole.UserRole + 3
UNANCHORED_COLOUR = QColor(LIGHT.faint_text)  # the light theme's; drawn: unanchored_colour()


def unanchored_colour() -> QColor:
    """The text of a passage the abstract no longer has, in the theme in force."""
    return QColor(current().faint_text)

_Index = QModelIndex | QPersistentModelIndex


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class AnnotationRow:
    annotation: Annotation
    title: str


class AnnotationTableModel(RowListModel):
    """Highlights with their papers' titles; shown as plain text."""

    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AnnotationRow] = []
        theme_signals().changed.connect(self._restyle)

    def _restyle(self) -> None:
        """Swatches and the colour of lost passages follow the theme."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1),
                                  [Qt.ItemDataRole.DecorationRole,
                                   Qt.ItemDataRole.ForegroundRole])

    def set_rows(self, rows: list[AnnotationRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        note, column = row.annotation, index.column()
        if role == PaperIdRole:
            return note.paper_id
        if role == AnnotationIdRole:
            return note.id
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                COL_COLOUR: highlight_style(note.colour).label,
                COL_QUOTE: f"“{_one_line(note.quote)}”",
                COL_COMMENT: _one_line(note.comment),
                COL_PAPER: row.title,
                COL_DATE: local_date(note),
            }[column]
        if role == SortRole:
            return {
                COL_COLOUR: (HIGHLIGHT_COLOURS.index(note.colour)
                             if note.colour in HIGHLIGHT_COLOURS else len(HIGHLIGHT_COLOURS)),
                COL_QUOTE: note.quote.casefold(),
                COL_COMMENT: note.comment.casefold(),
                COL_PAPER: row.title.casefold(),
                # Same-second highlights: the later one (higher id) counts as newer.
                COL_DATE: f"{note.created.isoformat() if note.created else ''}#{note.id:012d}",
            }[column]
        if role == Qt.ItemDataRole.DecorationRole and column == COL_COLOUR:
            return swatch_icon(note.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_QUOTE:
                gone = "" if note.anchored else "\n\nNo longer found in the paper's abstract."
                return tooltip(f"“{note.quote}”{gone}")
            if column == COL_COMMENT and note.comment:
                return tooltip(note.comment)
            if column == COL_PAPER:
                return tooltip(f"#{note.paper_id}  {row.title}\nDouble-click to open")
            return None
        if not note.anchored and column == COL_QUOTE:
            # A passage the abstract no longer has: shown, but marked as such.
            if role == Qt.ItemDataRole.ForegroundRole:
                return unanchored_colour()
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
        return None


class AnnotationFilter(QSortFilterProxyModel):
    """Keeps the rows whose passage or comment contains every word typed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SortRole)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        assert isinstance(model, AnnotationTableModel)
        note = model.rows[source_row].annotation
        text = f"{note.quote}\n{note.comment}".casefold()
        return all(word in text for word in self._words)


class AnnotationsView(QWidget):
    """Every highlight across the library. Emits `openPaper(paper_id)` on double-click or
    Enter. Call `refresh()` after the library changed."""

    openPaper = Signal(int)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._total = 0

        self.colour_box = QComboBox()
        self.colour_box.addItem("All colours", None)
        for colour in HIGHLIGHT_COLOURS:
            self.colour_box.addItem(swatch_icon(colour), highlight_style(colour).label, colour)
        self.colour_box.setAccessibleName("Colour")
        theme_signals().changed.connect(self._swatches)
        self.tag_box = QComboBox()
        self.tag_box.setMinimumContentsLength(12)
        self.tag_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_box.setAccessibleName("Tag")
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter passages and comments")
        self.text_filter.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("searchMessage")

        self.model = AnnotationTableModel(self)
        self.proxy = AnnotationFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("annotationTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_COLOUR, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_QUOTE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_COMMENT, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_PAPER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(COL_COMMENT, 200)
        header.resizeSection(COL_PAPER, 240)
        self.table.doubleClicked.connect(self._open_index)
        self.table.installEventFilter(self)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Colour"))
        filters.addWidget(self.colour_box)
        filters.addSpacing(8)
        filters.addWidget(QLabel("Tag"))
        filters.addWidget(self.tag_box)
        filters.addSpacing(8)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.colour_box.currentIndexChanged.connect(self._load)
        self.tag_box.currentIndexChanged.connect(self._load)
        self.text_filter.textChanged.connect(self._text_changed)
        self.refresh()

    def _swatches(self) -> None:
        """The colour filter's swatches in the theme's colours."""
        for index in range(self.colour_box.count()):
            colour = self.colour_box.itemData(index)
            if colour is not None:
                self.colour_box.setItemIcon(index, swatch_icon(colour))

    # -- filters ---------------------------------------------------------------------------

    @property
    def colour(self) -> str | None:
        return self.colour_box.currentData()

    @property
    def tag(self) -> str | None:
        return self.tag_box.currentData()

    def set_colour(self, colour: str | None) -> None:
        self.colour_box.setCurrentIndex(max(0, self.colour_box.findData(colour)))

    def set_tag(self, tag: str | None) -> None:
        self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(tag)))

    def refresh(self) -> None:
        """Read the highlights (and the tags to filter by) again, keeping the filters."""
        tag = self.tag
        self.tag_box.blockSignals(True)
        try:
            self.tag_box.clear()
            self.tag_box.addItem("All tags", None)
            for name in sorted(self.library.tag_counts(), key=str.casefold):
                self.tag_box.addItem(name, name)
            self.tag_box.setCurrentIndex(max(0, self.tag_box.findData(tag)))
        finally:
            self.tag_box.blockSignals(False)
        self._load()

    def _load(self) -> None:
        selected = self.current_annotation_id()
        notes = self.library.annotations(colour=self.colour, tag=self.tag)
        titles = {p.id: p.title for p in
                  self.library.get_many(list(dict.fromkeys(n.paper_id for n in notes)))}
        self.model.set_rows([AnnotationRow(n, titles.get(n.paper_id, f"#{n.paper_id}"))
                             for n in notes])
        self._total = len(notes)
        self._show_count()
        if selected is not None:
            self.select_annotation(selected)

    def _text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()

    def _show_count(self) -> None:
        shown = self.proxy.rowCount()
        noun = "highlight" if self._total == 1 else "highlights"
        if self._total == 0:
            filtered = self.colour is not None or self.tag is not None
            self.count_label.setText("No highlights match" if filtered else
                                     "No highlights yet: select a passage of an abstract")
        elif shown == self._total:
            self.count_label.setText(f"{self._total} {noun}")
        else:
            self.count_label.setText(f"{shown} of {self._total} {noun}")

    # -- rows ----------------------------------------------------------------------------

    def shown_annotations(self) -> list[Annotation]:
        """The highlights listed, top to bottom."""
        return [self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()].annotation
                for r in range(self.proxy.rowCount())]

    def current_annotation_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(AnnotationIdRole) if index.isValid() else None

    def select_annotation(self, annotation_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, COL_QUOTE)
            if index.data(AnnotationIdRole) == annotation_id:
                self.table.setCurrentIndex(index)
                self.table.selectRow(row)
                return True
        return False

    def open_current(self) -> None:
        self._open_index(self.table.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openPaper.emit(int(index.data(PaperIdRole)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.open_current()
            return True
        return super().eventFilter(watched, event)


class AnnotationsDialog(QDialog):
    """The Annotations view in a window of its own (not modal)."""

    openPaper = Signal(int)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotations")
        self.resize(980, 560)
        self.view = AnnotationsView(library, self)
        self.view.openPaper.connect(self.openPaper)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        # Open beside the list, it shows highlights as they are made and undone.
        bridge_for(library).changed.connect(self._library_changed)

    def _library_changed(self, changes: Changes) -> None:
        if self.isVisible() and (changes.annotations or changes.any_field(("title",))):
            self.refresh()

    def refresh(self) -> None:
        self.view.refresh()
