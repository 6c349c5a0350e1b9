"""The views the main window opens when asked: Export, Find duplicates, Annotations,
Reading statistics and the key help. Each is created when first opened; the duplicates
dialog, the Annotations view and the key help are then kept for the next time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from ...library.service import Library
from ..dialogs.annotations_view import AnnotationsDialog
from ..dialogs.dashboard import DashboardDialog
from ..dialogs.duplicates_dialog import DuplicatesDialog
from ..dialogs.export_dialog import ExportDialog
from ..table.paper_table import PaperTable
from ..table.paper_table_model import PaperTableModel
from ..tasks import TaskRunner
from .key_help import KeyHelpOverlay


class OnDemandViewsMixin(QMainWindow):
    """MainWindow's views opened on demand (a mixin: MainWindow is the class to use)."""

    # MainWindow's parts, and what only it knows (the view shown, how to open a paper).
    library: Library
    runner: TaskRunner
    undo_stack: QUndoStack
    table: PaperTable
    model: PaperTableModel
    view_label: Callable[[], str]
    open_paper: Callable[[int], None]

    _duplicates: DuplicatesDialog | None = None
    _annotations: AnnotationsDialog | None = None
    _key_help: KeyHelpOverlay | None = None

    def open_export(self) -> None:
        dialog = ExportDialog(self.library, self.table.selected_ids(), list(self.model.ids),
                              self.view_label(), self, runner=self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(ok: bool, msg: str) -> None:
            if ok:
                self.statusBar().showMessage(msg, 8000)

        dialog.exportFinished.connect(finished)
        dialog.open()

    def open_duplicates(self) -> None:
        if self._duplicates is None:
            self._duplicates = DuplicatesDialog(self.library, self.undo_stack, self,
                                                runner=self.runner)
        self._duplicates.open()

    def show_key_help(self) -> None:
        if self._key_help is None:
            self._key_help = KeyHelpOverlay(self)
        self._key_help.open()

    @property
    def key_help(self) -> KeyHelpOverlay | None:
        return self._key_help

    def open_annotations(self) -> None:
        """The Annotations view: one window, kept up to date while it is open."""
        if self._annotations is None:
            self._annotations = AnnotationsDialog(self.library, self)
            self._annotations.openPaper.connect(self.open_paper)
        self._annotations.refresh()
        self._annotations.show()
        self._annotations.raise_()

    def open_dashboard(self) -> None:
        dialog = DashboardDialog(self.library, self, runner=self.runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
