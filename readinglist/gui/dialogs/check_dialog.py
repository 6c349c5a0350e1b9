"""Tools > Check library…: `readinglist check` in the window, with a Repair button.

The check (and the repair, which takes a backup first) runs on the task runner; the
report is shown as plain text, exactly as the command line prints it. The dialog is
opened with open() (never exec()), so the window stays usable while a large library is
checked.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...library.service import CheckReport, Library
from ..tasks import TaskRunner


class CheckDialog(QDialog):
    checked = Signal(object)  # the CheckReport shown (after a check or a repair)

    def __init__(self, library: Library, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner
        self.report: CheckReport | None = None
        self.running = False
        self.setWindowTitle("Check library")
        self.resize(720, 460)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFont("monospace"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.repair_button = QPushButton("&Repair")
        self.repair_button.setToolTip("Take a backup, then repair what can be: rows of "
                                      "deleted papers, damaged text, the search index")
        self.repair_button.clicked.connect(self.repair)
        self.again_button = QPushButton("Check &again")
        self.again_button.clicked.connect(self.start)
        buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.again_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self._update_buttons()

    def start(self) -> None:
        """Check the library (in the background)."""
        self._run(self.library.check, "Checking the library…")

    def repair(self) -> None:
        """Back up, repair, check again (in the background)."""
        self._run(self.library.repair, "Backing up and repairing the library…")

    def _run(self, work: Callable[[], CheckReport], message: str) -> None:
        if self.running:
            return
        self.running = True
        self.status.setText(message)
        self._update_buttons()
        self.runner.run(work, on_success=_weak(self, "_done"),
                        on_failure=_weak(self, "_failed"))

    def _done(self, report: CheckReport) -> None:
        self.running = False
        self.report = report
        self.text.setPlainText(report.text())
        if report.clean:
            self.status.setText("No problems left after the repair." if report.repaired
                                else "No problems found.")
        else:
            self.status.setText(f"{len(report.findings)} kind(s) of problem found"
                                + (" after the repair" if report.repaired else "")
                                + ": see below.")
        self._update_buttons()
        self.checked.emit(report)

    def _failed(self, message: str) -> None:
        self.running = False
        self.status.setText(f"The check could not run: {message}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        report = self.report
        can_repair = (report is not None and not self.running and not self.library.read_only
                      and any(f.repairable for f in report.findings))
        self.repair_button.setEnabled(can_repair)
        self.repair_button.setToolTip(
            f"The library is read-only ({self.library.read_only_reason})"
            if self.library.read_only else self.repair_button.toolTip())
        self.again_button.setEnabled(not self.running)


def _weak(dialog: CheckDialog, method: str) -> Callable[..., None]:
    """A callback that does nothing once the dialog is gone (closed during a check)."""
    ref = weakref.ref(dialog)

    def call(*args: Any) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            getattr(target, method)(*args)

    return call


def open_check_dialog(library: Library, runner: TaskRunner, parent: QWidget) -> CheckDialog:
    """Tools > Check library…: the dialog, opened (not exec()), its check started."""
    dialog = CheckDialog(library, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.start()
    return dialog


__all__ = ["CheckDialog", "open_check_dialog"]
