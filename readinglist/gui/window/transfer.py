"""Bringing papers in (files, folders of PDFs, identifiers, drops, pastes) and sending
them out (export), for the main window. Files are imported with the options the user
picks first (import_dialog); every job runs on the task runner with progress and Cancel;
a file import ends with its report (import_report), which lists every entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from ...domain import ImportReport, ReadinglistError
from ...library.service import Library, import_extensions
from ...lookup import parse_identifier
from ..dialogs.duplicates_dialog import DuplicatesDialog
from ..dialogs.import_dialog import ImportOptions, ImportOptionsDialog
from ..dialogs.import_report import ImportReportDialog
from ..plain_text import message_box
from ..tasks import TaskRunner
from .sidebar import LAST_IMPORT, Filter


class TransferWindow(Protocol):
    """What imports ask of the window (MainWindow has it): no more."""

    def open_paper(self, paper_id: int) -> None: ...  # leaving a search or filter hiding it

    def show_filter(self, flt: Filter) -> None: ...  # a sidebar view, outside any search


def file_filter() -> str:
    patterns = " ".join(f"*{ext}" for ext in import_extensions())
    return f"Papers and references ({patterns});;All files (*)"


def identifiers_in(text: str) -> list[str]:
    """The lines of `text` that are arXiv ids, arXiv URLs or DOIs."""
    return [line.strip() for line in text.splitlines() if parse_identifier(line.strip())]


class Transfer(QObject):
    """Import and add-by-identifier jobs of one window.

    Given what it uses: the library, the task runner, the undo stack (merges made in the
    duplicates review), `say(message, ms)` (the status bar) and the window's part
    (TransferWindow)."""

    def __init__(self, library: Library, runner: TaskRunner, undo_stack: QUndoStack,
                 say: Callable[[str, int], None], window: TransferWindow,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent  # dialogs open over it
        self.library = library
        self.runner = runner
        self.undo_stack = undo_stack
        self._say = say
        self._window = window
        self.last_import: ImportReport | None = None
        self.busy_actions: list[Any] = []  # disabled while an import runs
        self.closed = False
        self.options_dialog: ImportOptionsDialog | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.review_dialog: DuplicatesDialog | None = None
        self._review_ids: list[int] = []

    # -- choosing what to import ----------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.parent_widget, "Import papers", str(Path.home()), file_filter())
        if paths:
            self.import_paths([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.parent_widget, "Import a folder of PDFs", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def ask_identifiers(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self.parent_widget, "Add by identifier",
            "arXiv ids, arXiv URLs or DOIs, one per line:")
        if ok and text.strip():
            self.add_identifiers([line for line in text.splitlines() if line.strip()])

    def paste(self, text: str) -> bool:
        """Add the identifiers in pasted text; False when it holds none."""
        found = identifiers_in(text)
        if found:
            self.add_identifiers(found)
        return bool(found)

    # -- running ---------------------------------------------------------------------------

    def import_paths(self, paths: Sequence[Path], fmt: str | None = None, *,
                     options: ImportOptions | None = None) -> None:
        """Import files and folders: with `options`, at once; without, after asking for
        them (the options dialog; Cancel imports nothing)."""
        paths = list(paths)
        if options is None:
            self._ask_options(paths, fmt)
            return
        status = options.status.value
        tag = options.tag or None

        def work(progress: Any, cancelled: Any) -> ImportReport:
            return self.library.import_files(
                paths, fmt, attach=options.attach, merge=options.merge, status=status,
                tag=tag, progress=progress, cancelled=cancelled)

        names = ", ".join(p.name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        self._run(f"Importing {names}", work, self._import_done)

    def _ask_options(self, paths: list[Path], fmt: str | None) -> None:
        if self.options_dialog is not None:
            self.options_dialog.close()  # a drop while it was open: the newest wins
        dialog = ImportOptionsDialog(paths, self.library.tag_counts(), self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.optionsChosen.connect(
            lambda options: self.import_paths(paths, fmt, options=options))
        dialog.finished.connect(lambda _result: self._options_closed(dialog))
        self.options_dialog = dialog
        dialog.open()

    def _options_closed(self, dialog: ImportOptionsDialog) -> None:
        if self.options_dialog is dialog:
            self.options_dialog = None

    def import_sample(self) -> None:
        """The sample page, without asking (its papers land in the inbox); its report
        is shown only if something went wrong."""
        self._run("Loading the sample papers…",
                  lambda progress, cancelled: self.library.import_sample(progress, cancelled),
                  lambda dialog, report: self._import_done(dialog, report, show_report=False))

    def add_identifiers(self, texts: list[str]) -> None:
        def work(progress: Any, cancelled: Any) -> list[str]:
            lines = []
            for done, text in enumerate(texts, start=1):
                if cancelled():
                    lines.append("cancelled: the rest were not added")
                    break
                try:
                    paper, message = self.library.add_identifier(text)
                    lines.append(f"#{paper.id} {paper.title}" + (f" — {message}" if message
                                                                  else ""))
                except ReadinglistError as exc:
                    lines.append(f"{text}: {exc}")
                progress(done, len(texts))
            return lines

        self._run(f"Adding {len(texts)} paper(s)…", work, self._identifiers_done)

    def _run(self, label: str, work: Any, done: Callable[[QProgressDialog, Any], None]) -> None:
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.parent_widget)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        def progress(n: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(n)

        task = self.runner.run(
            work,
            on_success=lambda result: done(dialog, result),
            on_failure=lambda msg: self._failed(dialog, msg),
            on_progress=progress,
            with_progress=True,
        )
        dialog.canceled.connect(task.cancel)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        for action in self.busy_actions:
            action.setEnabled(not busy)

    def _import_done(self, dialog: QProgressDialog, report: ImportReport,
                     show_report: bool = True) -> None:
        dialog.reset()
        if self.closed:
            return
        self._set_busy(False)
        self.last_import = report  # the list shows the papers from the import's Changes
        summary = report.summary()
        if report.unreadable:
            summary += f"; {len(report.unreadable)} file(s) could not be imported"
        self._say(
            summary + (": " + "; ".join(report.unreadable) if report.unreadable else ""), 15000)
        problems = report.unreadable or report.failed or report.warnings or report.possible
        if not report.cancelled and (show_report or problems):
            self.show_report(report)

    def show_report(self, report: ImportReport) -> ImportReportDialog:
        """The report view of an import (replacing the one of an earlier import)."""
        if self.report_dialog is not None:
            self.report_dialog.close()
        view = ImportReportDialog(report, self.parent_widget)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.openPaper.connect(self._window.open_paper)
        view.showPapers.connect(self.show_last_import)
        view.reviewDuplicates.connect(self.review_duplicates)
        view.destroyed.connect(lambda _obj=None: self._report_gone(view))
        self.report_dialog = view
        view.show()
        return view

    def _report_gone(self, view: ImportReportDialog) -> None:
        if self.report_dialog is view:
            self.report_dialog = None

    def show_last_import(self) -> None:
        """List the last import's papers: the sidebar's Last import, outside any search."""
        self._window.show_filter(LAST_IMPORT)
        self.parent_widget.activateWindow()

    def review_duplicates(self, ids: list[int]) -> None:
        """Find duplicates, on the pairs of these papers only. The dialog is kept (not
        deleted on close), so Edit > Undo of a merge made in it still reaches it."""
        if self.review_dialog is None or ids != self._review_ids:
            self.review_dialog = DuplicatesDialog(
                self.library, self.undo_stack, self.parent_widget, only_ids=ids,
                runner=self.runner)
            self._review_ids = list(ids)
        self.review_dialog.open()

    def _identifiers_done(self, dialog: QProgressDialog, lines: list[str]) -> None:
        dialog.reset()
        if self.closed:
            return
        self._set_busy(False)
        self._say(lines[-1] if lines else "", 15000)
        message_box(self.parent_widget, QMessageBox.Icon.Information, "Add by identifier",
                    f"{len(lines)} identifier(s) processed", "\n".join(lines)).open()

    def _failed(self, dialog: QProgressDialog, message: str) -> None:
        dialog.reset()
        if self.closed:
            return
        self._set_busy(False)
        message_box(self.parent_widget, QMessageBox.Icon.Warning, "Import failed", message).open()
