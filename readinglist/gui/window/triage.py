"""Keyboard triage: single keys act on the paper table's current paper.

While triage mode is on, the table reads plain keys (no Ctrl/Alt) as commands: a status
key sets the status and moves on to the next paper, so a page is triaged without the
mouse. The keys reach the controller only when the table has the focus, so typing in
the search box or any text field is never taken for a command. Every change is an
undoable step of the paper actions; this module maps keys to them and to moves in the
table, and owns the mode's action (Ctrl+T) and banner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget

from ...domain import Status
from ...library.service import Library
from ..commands.paper_edits import ready_to_write
from ..detail.detail_pane import DetailPane
from ..table.paper_table import PaperTable
from ..table.paper_table_model import PaperTableModel
from .paper_actions import PaperActions


class TriageWindow(Protocol):
    """What triage asks of the window (MainWindow has it): no more."""

    def select_row(self, row: int) -> None: ...  # also shows the row's paper

    def refresh_list(self) -> None: ...  # the view's list, redone when triage ends

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
    """Triage mode over the window's paper table: `action` turns it on and off (Ctrl+T),
    `banner` shows while it is on, `toggled(on)` follows the mode.

    Given what it uses: the library, the table and its model, the detail pane (t and n
    go to its fields), the paper actions (status, rating, undo), `say(message, ms)` (the
    status bar) and the window's part (TriageWindow)."""

    toggled = Signal(bool)

    def __init__(self, library: Library, table: PaperTable, model: PaperTableModel,
                 detail: DetailPane, papers: PaperActions, window: TriageWindow,
                 say: Callable[[str, int], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.library = library
        self.table = table
        self.model = model
        self.detail = detail
        self.papers = papers
        self._window = window
        self._say = say
        self.active = False
        self.action = QAction("&Triage mode", parent, checkable=True)
        self.action.setShortcut(QKeySequence("Ctrl+T"))
        self.action.setToolTip(
            "Triage mode (Ctrl+T): single keys set the status and rating of the current "
            "paper and move on; ? lists them")
        self.action.toggled.connect(self._toggled)
        self.banner = QLabel(BANNER_TEXT)
        self.banner.setObjectName("triageBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setToolTip("Esc or Ctrl+T leaves triage mode")
        self.banner.hide()
        table.installEventFilter(self)
        # Esc in the tag field or the note (reached with t / n) comes back to the table.
        self._side_fields: list[QWidget] = []

    # -- on and off ---------------------------------------------------------------------

    def set_triage(self, on: bool) -> None:
        """Turn the mode on or off, as Ctrl+T does."""
        self.action.setChecked(on)

    def _toggled(self, on: bool) -> None:
        self.set_active(on)
        self.banner.setVisible(on)
        if not on:
            # The list stood still during triage; now show what the view holds.
            self._window.refresh_list()
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self._say("Triage mode off", 3000)

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.active = on
        if on:
            self._watch_side_fields()
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if not self.table.selectionModel().currentIndex().isValid() \
                    and self.model.rowCount():
                self._window.select_row(0)
        self.toggled.emit(on)

    def _watch_side_fields(self) -> None:
        for widget in (self.detail.tags_edit, self._note_widget()):
            if widget is not None and widget not in self._side_fields:
                widget.installEventFilter(self)
                self._side_fields.append(widget)

    def _note_widget(self) -> QWidget | None:
        """The note's text field: the NoteEditor's `.editor`, or the plain text edit."""
        note = getattr(self.detail, "note", None)
        editor = getattr(note, "editor", note)
        return editor if isinstance(editor, QWidget) else None

    # -- what the keys do ---------------------------------------------------------------

    def status_key(self, status: Status) -> None:
        """A triage status key: set the status, then go on to the next paper (not when
        an import holds the writer: the paper stays, unchanged, with a message)."""
        if self.table.current_paper_id() is None or not ready_to_write(
                self.library, lambda message: self._say(message, 5000)):
            return
        self.papers.set_status(status)
        self.move_current(+1)

    def move_current(self, step: int) -> None:
        """Select the paper `step` rows down (up if negative), staying inside the list."""
        count = self.model.rowCount()
        if not count:
            return
        index = self.table.selectionModel().currentIndex()
        row = index.row() + step if index.isValid() else 0
        if 0 <= row < count:
            self._window.select_row(row)
        else:
            self._say("End of the list" if row >= count else "Top of the list", 3000)

    def focus_tags(self) -> None:
        if self.detail.paper is None:
            return
        self.detail.tags_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.detail.tags_edit.end(False)

    def focus_note(self) -> None:
        if self.detail.paper is None:
            return
        focus = getattr(self.detail, "focus_note", None)
        if callable(focus):
            focus()
        else:
            self.detail.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- keys ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        if watched is self.table:
            return self._table_key(event)
        if watched in self._side_fields:
            return self._field_key(watched, event)
        return False

    def _field_key(self, field: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        tags = self.detail.tags_edit
        if field is tags and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = tags.completer().popup() if tags.completer() else None
            if popup is None or not popup.isVisible():
                tags.editingFinished.emit()  # saves the tags, as leaving the field would
                self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
        return False

    def _table_key(self, event: QKeyEvent) -> bool:
        """Act on a key typed in the table; True when it was a triage key (consumed)."""
        if event.modifiers() & _COMMAND_MODIFIERS:
            return False  # Ctrl+T, Alt+Up, Ctrl+Z …: the window's shortcuts
        key = event.key()
        if key in STATUS_KEYS:
            self.status_key(STATUS_KEYS[key])
        elif key in RATING_KEYS:
            self.papers.set_rating(RATING_KEYS[key])
        elif key == Qt.Key.Key_J:
            self.move_current(+1)
        elif key == Qt.Key.Key_K:
            self.move_current(-1)
        elif key == Qt.Key.Key_U:
            self.papers.undo_stack.undo()
        elif key == Qt.Key.Key_T:
            self.focus_tags()
        elif key == Qt.Key.Key_N:
            self.focus_note()
        elif key in (Qt.Key.Key_Question, Qt.Key.Key_F1):
            self._window.show_key_help()
        elif key == Qt.Key.Key_Escape:
            self.set_triage(False)
        elif event.text().isprintable() and event.text().strip():
            # Any other letter would jump to a title starting with it (the view's
            # keyboard search): in triage mode that is a surprise, not a help.
            self._say(
                f"“{event.text()}” does nothing in triage mode; press ? for the keys", 4000)
        else:
            return False  # arrows, Page Up/Down, Home/End: the table moves as usual
        return True
