"""The report of an import: what became of every entry, filterable by outcome and text.

The counts at the top are the outcome filters. The table's model holds the report's
entries and formats a cell only when the view draws it, so a report of 20,000 lines opens
at once. Everything shown comes from the user's files and is shown as plain text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import ImportReport, Outcome, ReadinglistError, ReportEntry
from ...system.files import write_atomically
from ..plain_text import message_box, tooltip

COLUMNS = ("Outcome", "File:line", "Key", "Paper", "Title", "Detail")
COL_OUTCOME, COL_WHERE, COL_KEY, COL_PAPER, COL_TITLE, COL_DETAIL = range(len(COLUMNS))
# The count buttons, in the order of the report's counts.
OUTCOME_LABELS = {
    Outcome.ADDED: "Added",
    Outcome.POSSIBLE: "Possible duplicates",
    Outcome.MERGED: "Merged",
    Outcome.PRESENT: "Already present",
    Outcome.FAILED: "Failed",
    Outcome.WARNING: "Warnings",
}
MAX_UNREADABLE_SHOWN = 20

_Index = QModelIndex | QPersistentModelIndex


def count_text(label: str, count: int) -> str:
    return f"{label}: {count}"


def cell_text(entry: ReportEntry, column: int) -> str:
    """What a cell of the report shows for `entry` (one line, plain text)."""
    if column == COL_OUTCOME:
        return entry.outcome.value
    if column == COL_WHERE:
        return entry.where()
    if column == COL_KEY:
        return entry.key
    if column == COL_PAPER:
        return f"#{entry.paper_id}" if entry.paper_id is not None else ""
    if column == COL_TITLE:
        return " ".join(entry.title.split())
    return " ".join(entry.detail.split())


class ImportReportModel(QAbstractTableModel):
    """The report's lines, filtered by outcome and text; cells formatted when drawn."""

    def __init__(self, entries: Sequence[ReportEntry], parent: Any = None) -> None:
        super().__init__(parent)
        self._entries = entries
        self._rows: list[int] | None = None  # indices into _entries shown; None = all
        self._haystacks: list[str] | None = None  # made on the first text filter
        self.outcome: Outcome | None = None
        self.text = ""

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._entries) if self._rows is None else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def entry(self, row: int) -> ReportEntry:
        return self._entries[row if self._rows is None else self._rows[row]]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entry(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_TITLE, COL_DETAIL):
            text = entry.title if index.column() == COL_TITLE else entry.detail
            return tooltip(text) if text else None  # escaped: Qt renders tooltips as HTML
        return None

    def set_filter(self, outcome: Outcome | None = None, text: str = "") -> None:
        """Show the lines of one outcome (None: all) that contain `text` anywhere."""
        self.outcome, self.text = outcome, text.strip()
        needle = self.text.casefold()
        self.beginResetModel()
        if outcome is None and not needle:
            self._rows = None
        else:
            if needle and self._haystacks is None:
                self._haystacks = [
                    "\x1f".join(cell_text(e, c) for c in range(len(COLUMNS))).casefold()
                    for e in self._entries]
            self._rows = [
                n for n, e in enumerate(self._entries)
                if (outcome is None or e.outcome is outcome)
                and (not needle or needle in self._haystacks[n])  # type: ignore[index]
            ]
        self.endResetModel()


class ImportReportDialog(QDialog):
    """An import's report. Asks the window, through its signals, to open a paper, show
    the import's papers, or review the possible duplicates among them."""

    openPaper = Signal(int)
    showPapers = Signal()
    reviewDuplicates = Signal(list)  # ids of the papers added as possible duplicates

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Import report")
        self.resize(980, 560)
        self.model = ImportReportModel(report.all_entries(), self)
        layout = QVBoxLayout(self)

        self.summary_label = QLabel(report.summary())
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.unreadable_label = QLabel(self._unreadable_text())
        self.unreadable_label.setTextFormat(Qt.TextFormat.PlainText)  # file names, errors
        self.unreadable_label.setWordWrap(True)
        self.unreadable_label.setVisible(bool(report.unreadable))
        layout.addWidget(self.unreadable_label)

        layout.addLayout(self._build_filters())
        self.table = QTableView()
        self.table.setObjectName("importReportTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # Fixed widths: sizing columns to their contents would read every line.
        header = self.table.horizontalHeader()
        for column, width in ((COL_OUTCOME, 130), (COL_WHERE, 160), (COL_KEY, 110),
                              (COL_PAPER, 60), (COL_TITLE, 300)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setToolTip("Double-click a line with a paper to open the paper")
        layout.addWidget(self.table, 1)
        layout.addWidget(self._build_buttons())

    # -- construction ------------------------------------------------------------------

    def _unreadable_text(self) -> str:
        lines = self.report.unreadable[:MAX_UNREADABLE_SHOWN]
        more = len(self.report.unreadable) - len(lines)
        text = "Files not imported:\n" + "\n".join(lines)
        return text + (f"\n… and {more} more (Save report… lists them all)" if more else "")

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        counts = self.report.counts()
        self.all_button = self._filter_button(count_text("All", self.model.rowCount()), None)
        row.addWidget(self.all_button)
        self.count_buttons: dict[Outcome, QPushButton] = {}
        for outcome, label in OUTCOME_LABELS.items():
            button = self._filter_button(count_text(label, counts[outcome]), outcome)
            button.setEnabled(counts[outcome] > 0)
            self.count_buttons[outcome] = button
            row.addWidget(button)
        self.all_button.setChecked(True)
        row.addStretch(1)
        self.text_filter = QLineEdit()
        self.text_filter.setMinimumWidth(220)
        self.text_filter.setObjectName("importReportFilter")
        self.text_filter.setPlaceholderText("Filter by file, key, title or detail")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(lambda _text: self._apply_filter())
        row.addWidget(self.text_filter, 1)
        return row

    def _filter_button(self, text: str, outcome: Outcome | None) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setFlat(True)
        button.setProperty("outcome", outcome.value if outcome else "")
        button.setToolTip("Show all lines" if outcome is None
                          else f"Show only the lines '{outcome.value}'")
        self.filter_group.addButton(button)
        button.clicked.connect(lambda _checked=False: self._apply_filter())
        return button

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        role = QDialogButtonBox.ButtonRole.ActionRole
        self.show_button = buttons.addButton("&Show these papers", role)
        self.show_button.setToolTip("List the papers of this import in the main window "
                                    "(Last import in the sidebar)")
        self.show_button.setEnabled(bool(self.report.paper_ids()))
        self.show_button.clicked.connect(self.showPapers)
        self.review_button = buttons.addButton("&Review possible duplicates…", role)
        self.review_button.setEnabled(bool(self.report.possible))
        self.review_button.clicked.connect(
            lambda: self.reviewDuplicates.emit(self.possible_ids()))
        self.save_button = buttons.addButton("S&ave report…", role)
        self.save_button.clicked.connect(self.choose_save_path)
        buttons.rejected.connect(self.reject)
        return buttons

    # -- filtering and acting on lines ---------------------------------------------------

    def filter_by(self, outcome: Outcome | None) -> None:
        """Show the lines of one outcome (None: all), as its count button does."""
        button = self.all_button if outcome is None else self.count_buttons[outcome]
        button.setChecked(True)
        self._apply_filter()

    def _apply_filter(self) -> None:
        checked = self.filter_group.checkedButton()
        assert checked is not None  # exclusive group, and "All" starts checked
        value = checked.property("outcome") or None
        self.model.set_filter(Outcome(value) if value else None, self.text_filter.text())

    def possible_ids(self) -> list[int]:
        """The papers this import added that may duplicate another, once each."""
        return list(dict.fromkeys(new for new, _other, _why in self.report.possible))

    def _double_clicked(self, index: QModelIndex) -> None:
        paper_id = self.model.entry(index.row()).paper_id
        if paper_id is not None:
            self.openPaper.emit(paper_id)

    # -- saving ----------------------------------------------------------------------------

    def choose_save_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save import report", str(Path.home() / "import-report.json"),
            "JSON (*.json);;All files (*)")
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> bool:
        """Write the report as JSON (through a temporary file renamed over `path`)."""
        text = json.dumps(self.report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        try:
            write_atomically(path, text)
        except ReadinglistError as exc:
            message_box(self, QMessageBox.Icon.Warning, "Report not saved", str(exc)).open()
            return False
        return True
