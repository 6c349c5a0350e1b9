"""The Find duplicates table's model: likely duplicate pairs, strongest first, each with a
check box, and which paper of a pair is kept (the user may swap them).

Papers are shown as plain text (a title like "<b>Scaling</b>" is shown as typed); weak
pairs (below duplicates.STRONG) in italics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from ...domain import Paper
from ...matching.duplicates import DuplicatePair
from ...text.names import paper_details, paper_text
from ..plain_text import tooltip
from .list_model import RowListModel

COLUMNS = ("", "Reason", "Keep", "Merge into it")
COL_CHECK, COL_REASON, COL_KEEP, COL_OTHER = range(len(COLUMNS))

_Index = QModelIndex | QPersistentModelIndex


@dataclass
class PairRow:
    """One pair as shown: `swapped` when the user chose to keep the other paper."""

    pair: DuplicatePair
    papers: dict[int, Paper] = field(default_factory=dict)
    checked: bool = False
    swapped: bool = False

    @property
    def keep(self) -> int:
        return self.pair.other if self.swapped else self.pair.keep

    @property
    def other(self) -> int:
        return self.pair.keep if self.swapped else self.pair.other


class DuplicatePairsModel(RowListModel):
    """Duplicate pairs, strongest first, with a check box each."""

    columns = COLUMNS

    checkedChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[PairRow] = []

    def set_pairs(self, pairs: Sequence[DuplicatePair], papers: dict[int, Paper]) -> None:
        """Show these pairs (those naming a paper not in `papers` are left out)."""
        self.beginResetModel()
        ordered = sorted(pairs, key=lambda p: -p.score)  # stable: keeps the library's ties
        self.rows = [
            PairRow(p, {p.keep: papers[p.keep], p.other: papers[p.other]})
            for p in ordered
            if p.keep in papers and p.other in papers
        ]
        self.endResetModel()
        self.checkedChanged.emit()

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_CHECK:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_CHECK:
            return Qt.CheckState.Checked if row.checked else Qt.CheckState.Unchecked
        if column in (COL_KEEP, COL_OTHER):
            paper = row.papers[row.keep if column == COL_KEEP else row.other]
            if role == Qt.ItemDataRole.DisplayRole:
                return paper_text(paper)
            if role == Qt.ItemDataRole.ToolTipRole:
                return tooltip(paper_details(paper))
        if column == COL_REASON and role == Qt.ItemDataRole.DisplayRole:
            return row.pair.reason
        if column == COL_REASON and role == Qt.ItemDataRole.ToolTipRole:
            strength = ("strong: Check all checks it" if row.pair.strong
                        else "weak: check it yourself if it is one work")
            return tooltip(f"{row.pair.reason}\nScore {row.pair.score:.0%}, {strength}")
        if role == Qt.ItemDataRole.FontRole and not row.pair.strong:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or index.column() != COL_CHECK
                or role != Qt.ItemDataRole.CheckStateRole):
            return False
        self.set_checked(index.row(), Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def set_checked(self, row: int, checked: bool) -> None:
        self.rows[row].checked = checked
        index = self.index(row, COL_CHECK)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checkedChanged.emit()

    def set_all_checked(self, checked: bool, strong_only: bool = False) -> None:
        """Check or uncheck every pair (`strong_only`: check the strong pairs and leave
        the weak ones as they are)."""
        for row in self.rows:
            if not strong_only or row.pair.strong:
                row.checked = checked
        if self.rows:
            self.dataChanged.emit(self.index(0, COL_CHECK),
                                  self.index(len(self.rows) - 1, COL_CHECK),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.checkedChanged.emit()

    def swap(self, row: int) -> None:
        """Keep the other paper of this pair instead."""
        self.rows[row].swapped = not self.rows[row].swapped
        self.dataChanged.emit(self.index(row, COL_KEEP), self.index(row, COL_OTHER))

    def checked_pairs(self) -> list[tuple[int, int]]:
        return [(r.keep, r.other) for r in self.rows if r.checked]
