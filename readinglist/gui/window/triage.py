"""Keyboard triage: single keys act on the paper table's current paper.

While triage mode is on, the table reads plain keys (no Ctrl/Alt) as commands: a status
key sets the status and moves on to the next paper, so a page is triaged without the
mouse. The keys reach the controller only when the table has the focus, so typing in
the search box or any text field is never taken for a command. Every change goes through
the window (an undoable command); this module only maps keys to the window's actions.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QStatusBar, QWidget

from ...domain import Status
from ..detail.detail_pane import DetailPane
from ..table.paper_table import PaperTable
from ..table.paper_table_model import PaperTableModel


class TriageHost(Protocol):
    """What of the window triage uses (MainWindow has it): no more."""

    table: PaperTable
    model: PaperTableModel
    detail: DetailPane
    undo_stack: QUndoStack

    def statusBar(self) -> QStatusBar: ...

    def select_row(self, row: int) -> None: ...

    def move_current(self, step: int) -> None: ...

    def set_triage(self, on: bool) -> None: ...

    def triage_status(self, status: Status) -> None: ...

    def triage_rating(self, rating: int | None) -> None: ...

    def focus_tags(self) -> None: ...

    def focus_note(self) -> None: ...

    def show_key_help(self) -> None: ...

BANNER_TEXT = (
    "TRIAGE — j/k move · q queue · r reading · d read · s skim · x abandon · "
    "1-5 rate · u undo · ? help"
)

STATUS_KEYS: dict[int, Status] = {
    Qt.Key.Key_Q: Status.QUEUED,
    Qt.Key.Key_R: Status.READING,
    Qt.Key.Key_D: Status.READ,
    Qt.Key.Key_S: Status.SKIMMED,
    Qt.Key.Key_X: Status.ABANDONED,
}
RATING_KEYS: dict[int, int | None] = {
    Qt.Key.Key_0: None,
    Qt.Key.Key_1: 1,
    Qt.Key.Key_2: 2,
    Qt.Key.Key_3: 3,
    Qt.Key.Key_4: 4,
    Qt.Key.Key_5: 5,
}
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class TriageController(QObject):
    """Triage mode over the window's paper table. `toggled(on)` follows the mode."""

    toggled = Signal(bool)

    def __init__(self, window: TriageHost, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = window
        self.active = False
        window.table.installEventFilter(self)
        # Esc in the tag field or the note (reached with t / n) comes back to the table.
        self._side_fields: list[QWidget] = []

    # -- on and off ---------------------------------------------------------------------

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.active = on
        if on:
            self._watch_side_fields()
            self.window.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.window.table.selectionModel().currentIndex().isValid() \
                    and self.window.model.rowCount():
                self.window.select_row(0)
        self.toggled.emit(on)

    def _watch_side_fields(self) -> None:
        for widget in (self.window.detail.tags_edit, self._note_widget()):
            if widget is not None and widget not in self._side_fields:
                widget.installEventFilter(self)
                self._side_fields.append(widget)

    def _note_widget(self) -> QWidget | None:
        """The note's text field: the NoteEditor's `.editor`, or the plain text edit."""
        note = getattr(self.window.detail, "note", None)
        editor = getattr(note, "editor", note)
        return editor if isinstance(editor, QWidget) else None

    # -- keys ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if watched is self.window.table:
            return self._table_key(event)
        if watched in self._side_fields:
            return self._field_key(watched, event)
        return False

    def _field_key(self, field: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.window.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        tags = self.window.detail.tags_edit
        if field is tags and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = tags.completer().popup() if tags.completer() else None
            if popup is None or not popup.isVisible():
                tags.editingFinished.emit()  # saves the tags, as leaving the field would
                self.window.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
        return False

    def _table_key(self, event: QKeyEvent) -> bool:
        """Act on a key typed in the table; True when it was a triage key (consumed)."""
        if event.modifiers() & _COMMAND_MODIFIERS:
            return False  # Ctrl+T, Alt+Up, Ctrl+Z …: the window's shortcuts
        key = event.key()
        window = self.window
        if key in STATUS_KEYS:
            window.triage_status(STATUS_KEYS[key])
        elif key in RATING_KEYS:
            window.triage_rating(RATING_KEYS[key])
        elif key == Qt.Key.Key_J:
            window.move_current(+1)
        elif key == Qt.Key.Key_K:
            window.move_current(-1)
        elif key == Qt.Key.Key_U:
            window.undo_stack.undo()
        elif key == Qt.Key.Key_T:
            window.focus_tags()
        elif key == Qt.Key.Key_N:
            window.focus_note()
        elif key in (Qt.Key.Key_Question, Qt.Key.Key_F1):
            window.show_key_help()
        elif key == Qt.Key.Key_Escape:
            window.set_triage(False)
        elif event.text().isprintable() and event.text().strip():
            # Any other letter would jump to a title starting with it (the view's
            # keyboard search): in triage mode that is a surprise, not a help.
            window.statusBar().showMessage(
                f"“{event.text()}” does nothing in triage mode; press ? for the keys", 4000)
        else:
            return False  # arrows, Page Up/Down, Home/End: the table moves as usual
        return True
