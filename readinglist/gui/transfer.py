"""Bringing papers in (files, folders of PDFs, identifiers, drops, pastes) and sending
them out (export), for the main window. Every job runs on the task runner with progress
and Cancel; the report names each entry that failed or was merged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
)

from .. import importers
from ..domain import ImportReport, ReadinglistError
from ..lookup import parse_identifier
from ..service import Library
from .plain_text import message_box
from .tasks import TaskRunner

COPY_SETTING = "import/copy_pdfs"
# Most report lines shown in the details box (the summary always counts them all).
MAX_DETAIL_LINES = 500


def file_filter() -> str:
    patterns = " ".join(f"*{ext}" for ext in importers.EXTENSIONS)
    return f"Papers and references ({patterns});;All files (*)"


def identifiers_in(text: str) -> list[str]:
    """The lines of `text` that are arXiv ids, arXiv URLs or DOIs."""
    return [line.strip() for line in text.splitlines() if parse_identifier(line.strip())]


def report_details(report: ImportReport) -> list[str]:
    lines = [f"could not be read: {m}" for m in report.unreadable]
    lines += [f"failed: {p}" for p in report.failed]
    lines += [f"merged into #{i} ({', '.join(f)}): {t}" for i, t, f in report.merged]
    lines += [f"warning: {p}" for p in report.warnings]
    lines += [f"already present (#{i}): {t}" for i, t in report.duplicates]
    if len(lines) > MAX_DETAIL_LINES:
        hidden = len(lines) - MAX_DETAIL_LINES
        lines = [*lines[:MAX_DETAIL_LINES], f"… and {hidden} more"]
    return lines


class Transfer(QObject):
    """Import and add-by-identifier jobs of one window."""

    def __init__(self, window: QMainWindow, library: Library, runner: TaskRunner,
                 on_done: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.runner = runner
        self.on_done = on_done
        self.last_import: ImportReport | None = None
        self.busy_actions: list[Any] = []  # disabled while an import runs
        self.closed = False

    # -- settings ------------------------------------------------------------------------

    @property
    def copy_pdfs(self) -> bool:
        return QSettings().value(COPY_SETTING, True, type=bool)

    def set_copy_pdfs(self, value: bool) -> None:
        QSettings().setValue(COPY_SETTING, bool(value))

    # -- choosing what to import ----------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Import papers", str(Path.home()), file_filter())
        if paths:
            self.import_paths([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, "Import a folder of PDFs", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def ask_identifiers(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self.window, "Add by identifier",
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

    def import_paths(self, paths: list[Path], fmt: str | None = None) -> None:
        attach = "copy" if self.copy_pdfs else "link"

        def work(progress: Any, cancelled: Any) -> ImportReport:
            return self.library.import_files(paths, fmt, attach=attach, progress=progress,
                                             cancelled=cancelled)

        names = ", ".join(p.name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        self._run(f"Importing {names}", work, self._import_done)

    def import_sample(self) -> None:
        self._run("Loading the sample papers…",
                  lambda progress, cancelled: self.library.import_sample(progress, cancelled),
                  self._import_done)

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
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.window)
        dialog.setWindowTitle("Import")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        task = self.runner.run(
            work,
            on_success=lambda result: done(dialog, result),
            on_failure=lambda msg: self._failed(dialog, msg),
            on_progress=lambda n, total: (dialog.setMaximum(total), dialog.setValue(n)),
            with_progress=True,
        )
        dialog.canceled.connect(task.cancel)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        for action in self.busy_actions:
            action.setEnabled(not busy)

    def _import_done(self, dialog: QProgressDialog, report: ImportReport) -> None:
        dialog.reset()
        if self.closed:
            return
        self._set_busy(False)
        self.last_import = report
        self.on_done()
        summary = report.summary()
        if report.unreadable:
            summary += f"; {len(report.unreadable)} file(s) could not be imported"
        self.window.statusBar().showMessage(
            summary + (": " + "; ".join(report.unreadable) if report.unreadable else ""), 15000)
        details = report_details(report)
        if report.unreadable or report.failed or report.merged or report.warnings:
            message_box(self.window, QMessageBox.Icon.Information, "Import finished",
                        summary, "\n".join(details)).open()

    def _identifiers_done(self, dialog: QProgressDialog, lines: list[str]) -> None:
        dialog.reset()
        if self.closed:
            return
        self._set_busy(False)
        self.on_done()
        self.window.statusBar().showMessage(lines[-1] if lines else "", 15000)
        message_box(self.window, QMessageBox.Icon.Information, "Add by identifier",
                    f"{len(lines)} identifier(s) processed", "\n".join(lines)).open()

    def _failed(self, dialog: QProgressDialog, message: str) -> None:
        dialog.reset()
        if self.closed:
            return
        self._set_busy(False)
        message_box(self.window, QMessageBox.Icon.Warning, "Import failed", message).open()
