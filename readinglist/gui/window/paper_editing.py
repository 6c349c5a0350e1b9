"""Opening the paper editor: Edit… (Ctrl+Shift+E, the detail pane's button, the row menu)
and File > Add paper by hand (Ctrl+N).

OK writes through one undoable command on the window's stack (edit_commands); the views
update from the library's Changes. A write that fails, or is refused while an import
writes, keeps the dialog open with the reason, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from ...domain import PaperNotFound
from ...library.service import Library
from ..commands.edit_commands import AddPaperCommand, EditPaperCommand
from ..commands.paper_edits import ready_to_write
from ..dialogs.paper_editor import PaperEditor

Say = Callable[[str, int], None]  # a message in the status bar, for so many ms


class PaperEditing(QObject):
    """The editor's dialogs for the window. `current_paper()` is the paper Edit… acts on
    (the table's current row); `open_paper(id)` selects the paper added."""

    def __init__(self, library: Library, undo_stack: QUndoStack, say: Say, parent: QWidget,
                 open_paper: Callable[[int], None],
                 current_paper: Callable[[], int | None]) -> None:
        super().__init__(parent)
        self.library = library
        self.undo_stack = undo_stack
        self._say = say
        self._parent = parent
        self._open_paper = open_paper
        self._current_paper = current_paper
        self.dialog: PaperEditor | None = None  # the one open (tests fill it in)

    def show_dialog(self, dialog: PaperEditor) -> None:
        """Show the editor, window-modal, without blocking (tests replace or drive it)."""
        dialog.open()

    def _show(self, dialog: PaperEditor) -> PaperEditor:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        self.show_dialog(dialog)
        return dialog

    def _closed(self, dialog: PaperEditor) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # -- opening ---------------------------------------------------------------------------

    def edit_current(self) -> PaperEditor | None:
        """Edit the current paper (Ctrl+Shift+E)."""
        paper_id = self._current_paper()
        if paper_id is None:
            self._say("Select a paper to edit", 5000)
            return None
        return self.edit(paper_id)

    def edit(self, paper_id: int) -> PaperEditor | None:
        try:
            paper = self.library.get(paper_id)
        except PaperNotFound:
            self._say(f"Paper #{paper_id} is no longer in the library", 5000)
            return None
        return self._show(PaperEditor(self.library, paper, self._parent, save=self._save_edit))

    def add(self) -> PaperEditor:
        """An empty editor; OK adds the paper and selects it (Ctrl+N)."""
        return self._show(PaperEditor(self.library, None, self._parent, save=self._save_add))

    # -- saving ----------------------------------------------------------------------------

    def _push(self, dialog: PaperEditor, command: QUndoCommand, errors: list[str]) -> bool:
        # push() runs redo(); a command that failed said so (on_error) and is dropped by
        # the stack, so it is not looked at again.
        self.undo_stack.push(command)
        if errors:
            dialog.show_error(errors[-1])
            return False
        return True

    def _ready(self, dialog: PaperEditor) -> bool:
        refused: list[str] = []
        if not ready_to_write(self.library, refused.append):
            dialog.show_error(refused[0])
            return False
        return True

    def _save_edit(self, dialog: PaperEditor) -> bool:
        paper = dialog.paper
        assert paper is not None
        after = dialog.changes()
        if not after:
            return True  # nothing changed: nothing to undo either
        if not self._ready(dialog):
            return False
        errors: list[str] = []
        command = EditPaperCommand(self.library, paper, after, on_error=errors.append)
        if not self._push(dialog, command, errors):
            return False
        self._say(f"{command.text()}   (Ctrl+Z: undo)", 6000)
        return True

    def _save_add(self, dialog: PaperEditor) -> bool:
        if not self._ready(dialog):
            return False
        title, fields = dialog.new_paper()
        errors: list[str] = []
        command = AddPaperCommand(self.library, title, fields, on_error=errors.append)
        if not self._push(dialog, command, errors):
            return False
        self._open_paper(command.paper_id)
        self._say(f"Added #{command.paper_id}   (Ctrl+Z: undo)", 6000)
        return True
