"""Find duplicates: likely duplicate pairs in a table, strongest first, merged one at a
time or as a checked selection, each merge one step of the main window's undo stack.
"Check all" checks the strong pairs only (duplicates.STRONG); weak ones, shown in
italics, are merged only when the user checks or picks them.

Finding and merging run on the task runner; the table shows papers the library returned,
as plain text (a title like "<b>Scaling</b>" is shown as typed).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import Paper, ReadinglistError
from ...library.service import Library, MergeUndo
from ...matching.duplicates import STRONG, DuplicatePair, plan_merges
from ...text.names import paper_details as paper_details  # re-exported: they lived here
from ...text.names import paper_text as paper_text
from ...text.names import short_authors as short_authors
from ..commands.undo_commands import MergeCommand
from ..models.duplicate_pairs_model import COL_CHECK as COL_CHECK  # re-exported, as they lived here
from ..models.duplicate_pairs_model import COL_KEEP, COL_OTHER, DuplicatePairsModel
from ..models.duplicate_pairs_model import COL_REASON as COL_REASON
from ..models.duplicate_pairs_model import COLUMNS as COLUMNS
from ..models.duplicate_pairs_model import PairRow as PairRow
from ..plain_text import message_box
from ..tasks import TaskRunner

log = logging.getLogger(__name__)

NO_DUPLICATES = "No likely duplicates"
IMPORT_TITLE = "Possible duplicates from the last import"


def _weak(obj: QWidget, method: str) -> Callable[..., None]:
    """A callback to `obj.method` that does nothing once `obj` is gone: commands outlive
    the dialog on the main window's undo stack (Edit > Undo after it was closed)."""
    ref = weakref.ref(obj)

    def call(*args: Any) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            getattr(target, method)(*args)

    return call


class DuplicatesDialog(QDialog):
    """Likely duplicates in the library, to merge (undoably) or leave alone.

    Finds again each time it is shown and after every merge or undo. Emits
    `libraryChanged` after the library changed (a merge, or an undo or redo of one), so
    the main window reloads; keep one dialog per window so that Edit > Undo of a merge
    reaches it even while it is hidden.
    """

    libraryChanged = Signal()
    listRefreshed = Signal(int)  # number of pairs now shown
    mergeFinished = Signal(int)  # number of papers merged away

    def __init__(self, library: Library, undo_stack: QUndoStack,
                 parent: QWidget | None = None, *, runner: TaskRunner | None = None,
                 only_ids: Sequence[int] | None = None) -> None:
        """`only_ids`: list only the pairs involving these papers (an import's new
        papers, to review its possible duplicates)."""
        super().__init__(parent)
        self.library = library
        self.undo_stack = undo_stack
        self.runner = runner or TaskRunner(self)
        self.only_ids = None if only_ids is None else list(only_ids)
        self.setWindowTitle("Find duplicates" if only_ids is None else IMPORT_TITLE)
        self.resize(960, 520)
        self._generation = 0
        self._finding = False
        self._merging = False
        self.error_box: QMessageBox | None = None
        self._on_change = _weak(self, "_library_changed")
        self._on_error = _weak(self, "_command_failed")
        # Several commands change the library in one undo step: one reload for all.
        self._change_timer = QTimer(self, singleShot=True, interval=0)
        self._change_timer.timeout.connect(self._after_change)

        self.model = DuplicatePairsModel(self)
        self.model.checkedChanged.connect(self._update_buttons)
        self._build()
        undo_stack.canUndoChanged.connect(_weak(self, "_can_undo_changed"))
        self._update_buttons()

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Pairs of papers that are probably the same work. Merging fills the kept "
            "paper's empty fields and moves tags, notes, highlights and files into it. "
            "Check all checks the strong pairs; weak ones (in italics) are for you to judge."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        busy_row = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("paperMeta")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        busy_row.addWidget(self.summary_label, 1)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no steps to count: an indeterminate "working" bar
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        busy_row.addWidget(self.busy)
        layout.addLayout(busy_row)

        self.table = QTableView()
        self.table.setObjectName("duplicatesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_CHECK, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_KEEP, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_OTHER, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(COL_CHECK, 28)
        # Reasons name the evidence for and against ("similar titles (96%), same first
        # author; years differ (2010/2011)"): room for most of it, the rest in the tooltip.
        self.table.setColumnWidth(COL_REASON, 300)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_args: self._update_buttons())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.empty = QLabel(NO_DUPLICATES)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)
        layout.addWidget(self.pages, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("paperMeta")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        buttons = QHBoxLayout()
        self.check_all_button = QPushButton("Check all")
        self.check_all_button.setToolTip(
            f"Check every strong pair (score {STRONG:.0%} or more); weak pairs stay unchecked")
        self.check_all_button.clicked.connect(self._toggle_all)
        self.swap_button = QPushButton("Swap")
        self.swap_button.setToolTip("Keep the other paper of the current pair")
        self.swap_button.clicked.connect(self.swap_current)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setToolTip("Merge the current pair")
        self.merge_button.clicked.connect(self.merge_current)
        self.merge_checked_button = QPushButton("Merge selected")
        self.merge_checked_button.setToolTip("Merge every checked pair, as one undo step")
        self.merge_checked_button.clicked.connect(self.merge_checked)
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        for button in (self.check_all_button, self.swap_button, self.merge_button,
                       self.merge_checked_button, self.undo_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        for text, slot in (("Swap", self.swap_current), ("Merge", self.merge_current)):
            action = QAction(text, self.table)  # the table's context menu
            action.triggered.connect(slot)
            self.table.addAction(action)
        undo_action = QAction("Undo", self)
        undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        undo_action.triggered.connect(self.undo)
        self.addAction(undo_action)

    # -- finding -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # not on un-minimising: the window system's show
            self.refresh()

    def refresh(self) -> None:
        """Find duplicates again (in the background); a newer search wins."""
        self._generation += 1
        generation = self._generation
        self._finding = True
        self.summary_label.setText("Looking for duplicates…")
        self._update_buttons()
        library, only_ids = self.library, self.only_ids

        def work() -> tuple[list[DuplicatePair], dict[int, Paper]]:
            pairs = library.find_duplicates(ids=only_ids)
            ids = sorted({i for p in pairs for i in (p.keep, p.other)})
            return pairs, {p.id: p for p in library.get_many(ids)}

        self.runner.run(
            work,
            on_success=lambda result: self._found(generation, *result),
            on_failure=lambda message: self._find_failed(generation, message),
        )

    def _found(self, generation: int, pairs: list[DuplicatePair],
               papers: dict[int, Paper]) -> None:
        if generation != self._generation or not shiboken6.isValid(self):
            return
        self._finding = False
        current = self._current_pair()
        self.model.set_pairs(pairs, papers)
        count = len(self.model.rows)
        if count:
            strong = sum(r.pair.strong for r in self.model.rows)
            self.summary_label.setText(
                f"{count} likely duplicate pair{'' if count == 1 else 's'} ({strong} strong), "
                "strongest first")
            self.pages.setCurrentWidget(self.table)
            rows = [r.pair for r in self.model.rows]
            self.table.selectionModel().setCurrentIndex(
                self.model.index(rows.index(current) if current in rows else 0, COL_KEEP),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self.summary_label.setText(NO_DUPLICATES)
            self.pages.setCurrentWidget(self.empty)
        self._update_buttons()
        self.listRefreshed.emit(count)

    def _find_failed(self, generation: int, message: str) -> None:
        if generation != self._generation or not shiboken6.isValid(self):
            return
        self._finding = False
        self.summary_label.setText(f"Could not look for duplicates: {message}")
        self._update_buttons()
        self.listRefreshed.emit(len(self.model.rows))

    # -- choosing ----------------------------------------------------------------------

    def current_row(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() and index.row() < len(self.model.rows) else None

    def _current_pair(self) -> DuplicatePair | None:
        row = self.current_row()
        return self.model.rows[row].pair if row is not None else None

    def swap_current(self) -> None:
        row = self.current_row()
        if row is not None and not self._busy():
            self.model.swap(row)

    def _toggle_all(self) -> None:
        """Check the strong pairs; once they all are, uncheck everything."""
        strong = [r for r in self.model.rows if r.pair.strong]
        if strong and not all(r.checked for r in strong):
            self.model.set_all_checked(True, strong_only=True)
        else:
            self.model.set_all_checked(False)

    # -- merging -----------------------------------------------------------------------

    def merge_current(self) -> None:
        row = self.current_row()
        if row is not None:
            pair = self.model.rows[row]
            self._merge([(pair.keep, pair.other)])

    def merge_checked(self) -> None:
        self._merge(self.model.checked_pairs())

    def _merge(self, pairs: list[tuple[int, int]]) -> None:
        """Merge in the background; the merges become one step of the undo stack."""
        if not pairs or self._busy():
            return
        self._merging = True
        self.status_label.setText("Merging…")
        self._update_buttons()
        library = self.library

        def work() -> tuple[list[tuple[int, list[int], MergeUndo]], list[str]]:
            existing = {p.id for p in library.get_many(sorted({i for p in pairs for i in p}))}
            done: list[tuple[int, list[int], MergeUndo]] = []
            problems: list[str] = []
            for keep, others in plan_merges(pairs, existing):
                try:
                    done.append((keep, others, library.merge_papers(keep, others)))
                except ReadinglistError as exc:
                    problems.append(f"#{keep}: {exc}")
                except Exception as exc:  # a bug: keep the merges done so far undoable
                    log.exception("merging into #%s failed", keep)
                    problems.append(f"#{keep}: unexpected error: {exc!r}")
                    break
            return done, problems

        self.runner.run(work, on_success=self._merged, on_failure=self._merge_failed)

    def _merged(self, result: tuple[list[tuple[int, list[int], MergeUndo]], list[str]]) -> None:
        # Pushed even if the dialog was closed meanwhile: the merges did happen.
        done, problems = result
        merged = sum(len(others) for _keep, others, _undo in done)
        if len(done) > 1:
            self.undo_stack.beginMacro(f"Merge {merged} duplicate papers")
        for keep, others, undo in done:
            self.undo_stack.push(MergeCommand(self.library, keep, others, self._on_change,
                                              self._on_error, done=undo))
        if len(done) > 1:
            self.undo_stack.endMacro()
        if not shiboken6.isValid(self):
            return
        self._merging = False
        if problems and not merged:
            self.status_label.setText("Nothing merged")
        elif merged:
            undo_key = QKeySequence(QKeySequence.StandardKey.Undo).toString(
                QKeySequence.SequenceFormat.NativeText)
            self.status_label.setText(
                f"Merged {merged} paper{'' if merged == 1 else 's'}; Undo with {undo_key}")
        else:
            self.status_label.setText("Nothing merged: those papers are no longer there")
            self._library_changed()  # the list is out of date: find again
        if problems:
            self._show_error("Some papers were not merged", "\n".join(problems))
        self._update_buttons()
        self.mergeFinished.emit(merged)

    def _merge_failed(self, message: str) -> None:
        if not shiboken6.isValid(self):
            return
        self._merging = False
        self.status_label.setText("")
        self._show_error("Could not merge", message)
        self._update_buttons()
        self._library_changed()
        self.mergeFinished.emit(0)

    def undo(self) -> None:
        """Undo the last step of the undo stack (normally the last merge)."""
        if not self.undo_stack.canUndo() or self._merging:
            return
        text = self.undo_stack.undoText()
        self.undo_stack.undo()
        self.status_label.setText(f"Undone: {text}")

    # -- after changes ------------------------------------------------------------------

    def _library_changed(self) -> None:
        self._change_timer.start()

    def _after_change(self) -> None:
        self.libraryChanged.emit()
        # Hidden: showEvent finds again. Merging: the merge's own change finds again.
        if self.isVisible() and not self._merging:
            self.refresh()

    def _command_failed(self, message: str) -> None:
        self._show_error("Merge", message)
        self._library_changed()

    def _show_error(self, title: str, message: str) -> None:
        self.error_box = message_box(self, QMessageBox.Icon.Warning, title, message)
        self.error_box.open()

    def _can_undo_changed(self, _can_undo: bool) -> None:
        self._update_buttons()

    def _busy(self) -> bool:
        return self._finding or self._merging

    def _update_buttons(self) -> None:
        idle = not self._busy()
        has_current = self.current_row() is not None
        self.busy.setVisible(not idle)
        self.swap_button.setEnabled(idle and has_current)
        self.merge_button.setEnabled(idle and has_current)
        self.merge_checked_button.setEnabled(idle and bool(self.model.checked_pairs()))
        self.check_all_button.setEnabled(idle and any(
            r.pair.strong or r.checked for r in self.model.rows))
        self.undo_button.setEnabled(not self._merging and self.undo_stack.canUndo())
        self.undo_button.setToolTip(
            f"Undo: {self.undo_stack.undoText()}" if self.undo_stack.canUndo() else "")
