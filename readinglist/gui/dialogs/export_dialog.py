"""Export: a format, which papers (the selection, the current view or the whole library)
and a file. The library writes the text off the GUI thread; the file is written beside
the target and renamed over it, so a failed export never leaves half a file behind.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...library import service
from ...library.service import Library
from ...system.files import write_atomically
from ..plain_text import message_box
from ..tasks import TaskRunner

DEFAULT_NAME = "reading-list"
DEFAULT_FORMAT = "bibtex"

SCOPE_SELECTED, SCOPE_VIEW, SCOPE_LIBRARY = "selected", "view", "library"


def export_formats() -> list[tuple[str, str, str]]:
    """(name, extension with dot, description) of every export format, by name."""
    return service.export_formats()


def _mnemonic_safe(text: str) -> str:
    """A button shows "&x" as an underlined shortcut letter: a tag "R&D" must show as typed."""
    return text.replace("&", "&&")


class ExportDialog(QDialog):
    """Export papers to a file. Emits `exportFinished(ok, message)` when an export ended;
    on success the dialog closes (accepted) and a message box says what was written."""

    exportFinished = Signal(bool, str)

    def __init__(
        self,
        library: Library,
        selected_ids: list[int],
        view_ids: list[int],
        view_label: str,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner or TaskRunner(self)
        self.selected_ids = list(selected_ids)
        self.view_ids = list(view_ids)
        self.view_label = view_label
        self.library_count = library.count()
        self.formats = export_formats()
        self._exporting = False
        self.result_box: QMessageBox | None = None
        self.setWindowTitle("Export papers")
        self._build()
        self._choose_default_scope()
        self.set_target(Path.home() / f"{DEFAULT_NAME}{self.extension()}")
        self._update_buttons()

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()

        self.format_combo = QComboBox()
        for name, extension, description in self.formats:
            self.format_combo.addItem(f"{description} ({extension})", name)
        default = self.format_combo.findData(DEFAULT_FORMAT)
        self.format_combo.setCurrentIndex(max(default, 0))
        self._extension = self.extension()
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        form.addRow("Format", self.format_combo)

        scope_box = QVBoxLayout()
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        for scope, text in (
            (SCOPE_SELECTED, "Selected papers"),
            (SCOPE_VIEW, f"Current view: {self.view_label}"),
            (SCOPE_LIBRARY, "Whole library"),
        ):
            count = self._count(scope)
            button = QRadioButton(_mnemonic_safe(f"{text} ({count})"))
            button.setEnabled(count > 0)
            self.scope_group.addButton(button)
            self.scope_buttons[scope] = button
            scope_box.addWidget(button)
        self.scope_group.buttonToggled.connect(lambda *_args: self._update_buttons())
        form.addRow("Papers", scope_box)

        path_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("File to export to")
        self.path_edit.textChanged.connect(lambda _text: self._update_buttons())
        path_row.addWidget(self.path_edit, 1)
        self.browse_button = QPushButton("Choose…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.choose_target)
        path_row.addWidget(self.browse_button)
        form.addRow("File", path_row)
        layout.addLayout(form)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: the library reports no steps
        self.busy.setTextVisible(False)
        self.busy.hide()
        layout.addWidget(self.busy)
        self.status_label = QLabel()
        self.status_label.setObjectName("paperMeta")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _choose_default_scope(self) -> None:
        for scope in (SCOPE_SELECTED, SCOPE_VIEW, SCOPE_LIBRARY):
            if self.scope_buttons[scope].isEnabled():
                self.scope_buttons[scope].setChecked(True)
                return

    # -- choices -----------------------------------------------------------------------

    def format_name(self) -> str:
        return str(self.format_combo.currentData())

    def set_format(self, name: str) -> None:
        index = self.format_combo.findData(name)
        if index < 0:
            raise ValueError(f"unknown export format {name!r}")
        self.format_combo.setCurrentIndex(index)

    def extension(self) -> str:
        return next(ext for name, ext, _ in self.formats if name == self.format_name())

    def scope(self) -> str | None:
        return next((s for s, b in self.scope_buttons.items() if b.isChecked()), None)

    def set_scope(self, scope: str) -> None:
        button = self.scope_buttons[scope]
        if not button.isEnabled():
            raise ValueError(f"no papers to export in scope {scope!r}")
        button.setChecked(True)

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_target(self, path: str | Path) -> None:
        """Export to this file (what the file dialog sets; tests call it directly)."""
        self.path_edit.setText(str(path))

    def choose_target(self) -> None:
        current = self.target() or Path.home() / f"{DEFAULT_NAME}{self.extension()}"
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export papers", str(current),
            f"{self.format_combo.currentText()} (*{self.extension()});;All files (*)",
        )
        if path:
            self.set_target(path)

    def _format_changed(self) -> None:
        """A file name that ended in the old format's extension takes the new one."""
        old, new = self._extension, self.extension()
        self._extension = new
        target = self.target()
        if target is not None and target.suffix.lower() == old and old != new:
            self.set_target(target.with_suffix(new))

    def _count(self, scope: str) -> int:
        ids = self._ids(scope)
        return self.library_count if ids is None else len(ids)

    def _ids(self, scope: str) -> list[int] | None:
        """The papers of a scope; None means the whole library."""
        if scope == SCOPE_SELECTED:
            return self.selected_ids
        if scope == SCOPE_VIEW:
            return self.view_ids
        return None

    # -- exporting ---------------------------------------------------------------------

    def start_export(self) -> None:
        """Export in the background; the result comes back as `exportFinished`."""
        scope, target = self.scope(), self.target()
        if self._exporting or scope is None or target is None:
            return
        fmt, ids, library = self.format_name(), self._ids(scope), self.library
        self._set_exporting(True)
        self.status_label.setText(f"Exporting to {target}…")

        def work() -> tuple[int, Path]:
            chosen = ids if ids is not None else library.select_ids()
            write_atomically(target, library.export(fmt, chosen))
            return len(chosen), target

        self.runner.run(work, on_success=lambda r: self._exported(*r),
                        on_failure=self._export_failed)

    def _exported(self, count: int, target: Path) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_exporting(False)
        message = f"Exported {count} paper{'' if count == 1 else 's'} to {target}"
        self.status_label.setText(message)
        # The box belongs to the window behind: this dialog closes now.
        self.result_box = message_box(self.parentWidget(), QMessageBox.Icon.Information,
                                      "Export finished", message)
        self.result_box.open()
        self.accept()
        self.exportFinished.emit(True, message)

    def _export_failed(self, message: str) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_exporting(False)
        self.status_label.setText(f"Export failed: {message}")
        self.result_box = message_box(self, QMessageBox.Icon.Warning, "Export failed",
                                      f"The papers were not exported.\n{message}")
        self.result_box.open()
        self.exportFinished.emit(False, message)

    def _set_exporting(self, exporting: bool) -> None:
        self._exporting = exporting
        self.busy.setVisible(exporting)
        for widget in (self.format_combo, self.path_edit, self.browse_button):
            widget.setEnabled(not exporting)
        for scope, button in self.scope_buttons.items():
            button.setEnabled(not exporting and self._count(scope) > 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = not self._exporting and self.scope() is not None and self.target() is not None
        self.export_button.setEnabled(ready)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(
            not self._exporting)

    def reject(self) -> None:
        if self._exporting:
            return  # the file is being written: closing now would hide how it ended
        super().reject()
