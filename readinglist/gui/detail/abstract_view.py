"""A paper's abstract with the reader's highlights drawn in place.

Select a passage and a small toolbar offers the highlight colours and "Comment…" (the
same in the context menu, and Ctrl+1..5 / Ctrl+Shift+M from the keyboard). Hovering a
highlight shows its comment; clicking one selects it and offers colour, comment and
delete. Every change is a QUndoCommand (annotation_commands.py) on the window's stack.

This module is the changing of highlights; what is drawn, hovering and positions are in
abstract_display.py, the floating toolbar in abstract_overlays.py, the colours in
highlight_styles.py.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from ...domain import HIGHLIGHT_COLOURS, Annotation, Paper, ReadinglistError
from ...domain.changes import ANNOTATIONS, Changes
from ...library.service import Library
from ..change_bridge import bridge_for
from ..commands.annotation_commands import (
    AddAnnotationCommand,
    DeleteAnnotationCommand,
    EditAnnotationCommand,
    short_quote,
)
from ..commands.paper_edits import ready_to_write
from ..theme import theme_signals
from .abstract_display import AbstractDisplay
from .abstract_display import TextOffsets as TextOffsets  # re-exported: tests, callers
from .abstract_overlays import HighlightToolbar as HighlightToolbar  # re-exported
from .abstract_overlays import MissingStrip

# Re-exported: the Annotations view and the tests import the look of highlights from here.
from .highlight_styles import HIGHLIGHT_STYLES as HIGHLIGHT_STYLES
from .highlight_styles import SEARCH_MATCH as SEARCH_MATCH
from .highlight_styles import SEARCH_OUTLINE as SEARCH_OUTLINE
from .highlight_styles import HighlightStyle as HighlightStyle
from .highlight_styles import highlight_style, swatch_icon
from .highlight_styles import local_date as local_date
from .highlight_styles import search_match as search_match
from .highlight_styles import search_outline as search_outline

_MissingStrip = MissingStrip  # its name when it lived here


class AbstractView(AbstractDisplay):
    """The abstract, read-only, with highlights. Emits `annotationsChanged(paper_id)` after
    each change to a highlight (including undo and redo of one)."""

    annotationsChanged = Signal(int)
    errorOccurred = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.last_error: str | None = None
        # Its highlights as they are now, whoever changed them (a command, an undo, the
        # CLI): from the library's Changes.
        bridge_for(library).changed.connect(self._library_changed)
        self._undo_stack = QUndoStack(self)  # used until the window gives its own
        # How a comment is asked for: (title, label, current text) -> the new text, or
        # None if cancelled. A dialog; tests put a function here.
        self.ask_comment: Callable[[str, str, str], str | None] = self._ask_comment_dialog
        self.setObjectName("abstract")

        self.toolbar = HighlightToolbar(self.viewport())
        self.toolbar.colourChosen.connect(self.apply_colour)
        self.toolbar.commentRequested.connect(self.comment)
        self.toolbar.deleteRequested.connect(self.delete_current)
        self._toolbar_for: str | None = None  # "selection" | "highlight" | None (hidden)

        self.missing.clicked.connect(self._missing_menu)

        self._build_actions()
        self.selectionChanged.connect(self._selection_changed)

    # -- actions -----------------------------------------------------------------------

    def _build_actions(self) -> None:
        """Actions for the context menu. Their keys are handled in keyPressEvent, not as
        shortcuts: the window may bind the same keys (triage, deleting papers), and here,
        with a passage or a highlight selected, the highlight's meaning must win."""

        def action(text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str,
                   slot: Callable[[], object]) -> QAction:
            made = QAction(text, self)
            made.setShortcut(QKeySequence(shortcut))  # shown in the menu
            made.triggered.connect(slot)
            return made

        def colour_slot(colour: str) -> Callable[[], object]:
            def apply(_checked: bool = False) -> None:
                self.apply_colour(colour)

            return apply

        self.colour_actions: dict[str, QAction] = {}
        for number, colour in enumerate(HIGHLIGHT_COLOURS, 1):
            made = action(highlight_style(colour).label, f"Ctrl+{number}",
                          colour_slot(colour))
            self.colour_actions[colour] = made
        self._swatches()
        theme_signals().changed.connect(self._swatches)
        self.comment_action = action("Comment…", "Ctrl+Shift+M", self.comment)
        self.delete_action = action("Delete highlight", QKeySequence.StandardKey.Delete,
                                    self.delete_current)

    def _swatches(self) -> None:
        """The menu's swatches in the theme's colours."""
        for colour, act in self.colour_actions.items():
            act.setIcon(swatch_icon(colour))

    def _key_action(self, event: QKeyEvent) -> Callable[[], object] | None:
        """What a key does here now, if anything."""
        combination = event.keyCombination()
        if self.selected_range() is not None or self.current_id is not None:
            for act in (*self.colour_actions.values(), self.comment_action):
                # PySide6 supports QKeySequence[i] (operator[]), its stubs lack __getitem__
                if act.shortcut()[0] == combination:  # type: ignore[index]
                    return act.trigger
        if self.current_id is not None and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier
        ):
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                return self.delete_current
            if event.key() == Qt.Key.Key_Escape:
                return lambda: self.select_annotation(None)
        if event.key() == Qt.Key.Key_Escape and self._toolbar_for == "selection":
            return self._hide_toolbar
        return None

    # -- the paper shown and its undo stack ----------------------------------------------

    def set_undo_stack(self, stack: QUndoStack) -> None:
        """Put highlight changes on `stack` (the window's Edit > Undo)."""
        self._undo_stack = stack

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def set_paper(self, paper: Paper | None) -> None:
        """Show a paper's abstract and highlights (search spans are cleared)."""
        self._hide_toolbar()
        super().set_paper(paper)

    def reload(self) -> None:
        """Read the shown paper again (after its highlights changed), keeping the view."""
        if self.paper is None:
            return
        try:
            paper = self.library.get(self.paper.id)
        except ReadinglistError:
            self.set_paper(None)
            return
        if paper.abstract != self.paper.abstract:
            self.set_paper(paper)
            return
        self.paper = paper
        if self.current_id is not None and self.annotation(self.current_id) is None:
            self.current_id = None
        self._render()
        self._place_toolbar()

    def _missing_menu(self, where: QPoint) -> None:
        menu = QMenu(self)
        for note in self.unanchored():
            act = menu.addAction(swatch_icon(note.colour),
                                 f"Delete “{short_quote(note.quote)}”")
            act.triggered.connect(lambda _c=False, i=note.id: self.delete_annotation(i))
        menu.exec(where)

    # -- changing highlights -----------------------------------------------------------

    def highlight_selection(self, colour: str = "yellow", comment: str = "") -> Annotation | None:
        """Highlight the selected passage (undoable); the new highlight, or None."""
        span = self.selected_range()
        if span is None or self.paper is None or not ready_to_write(self.library, self._failed):
            return None
        command = AddAnnotationCommand(self.library, self.paper.id, span[0], span[1], colour,
                                       comment, self._changed, self._failed)
        self._undo_stack.push(command)
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        self._hide_toolbar()
        made = command.annotation_id
        return self.annotation(made) if made is not None else None

    def comment_selection(self) -> Annotation | None:
        """Ask for a comment, then highlight the selection with it (yellow)."""
        span = self.selected_range()
        if span is None:
            return None
        quote = short_quote(self.offsets.text[span[0]:span[1]])
        text = self.ask_comment("Comment on the passage", f"“{quote}”\n\n", "")
        if text is None:
            return None
        return self.highlight_selection("yellow", text)

    def select_annotation(self, annotation_id: int | None, show_toolbar: bool = True) -> None:
        """Make a highlight the selected one (outlined, with the toolbar over it)."""
        if annotation_id not in {a.id for a in self.drawn_annotations()}:
            annotation_id = None  # unknown, or not in the text (no longer anchored)
        if annotation_id is not None and self.textCursor().hasSelection():
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        self.current_id = annotation_id
        self._render()
        if annotation_id is None or not show_toolbar:
            self._hide_toolbar()
        else:
            self._toolbar_for = "highlight"
            self._place_toolbar()

    def set_colour(self, annotation_id: int, colour: str) -> None:
        note = self.annotation(annotation_id)
        if note is not None and note.colour != colour and ready_to_write(self.library,
                                                                          self._failed):
            self._undo_stack.push(EditAnnotationCommand(
                self.library, note, colour=colour, on_change=self._changed,
                on_error=self._failed))

    def set_comment(self, annotation_id: int, comment: str) -> None:
        note = self.annotation(annotation_id)
        if note is not None and note.comment != comment and ready_to_write(self.library,
                                                                            self._failed):
            self._undo_stack.push(EditAnnotationCommand(
                self.library, note, comment=comment, on_change=self._changed,
                on_error=self._failed))

    def edit_comment(self, annotation_id: int) -> None:
        """Ask for a highlight's comment, and save it if it changed."""
        note = self.annotation(annotation_id)
        if note is None:
            return
        text = self.ask_comment("Comment on the highlight", f"“{short_quote(note.quote)}”\n\n",
                                note.comment)
        if text is not None:
            self.set_comment(annotation_id, text)

    def delete_annotation(self, annotation_id: int) -> None:
        note = self.annotation(annotation_id)
        if note is None or not ready_to_write(self.library, self._failed):
            return
        if annotation_id == self.current_id:
            self.current_id = None
            self._hide_toolbar()
        self._undo_stack.push(DeleteAnnotationCommand(
            self.library, note, on_change=self._changed, on_error=self._failed))

    # What the colour buttons, Ctrl+1..5, Ctrl+Shift+M and Del do: act on the selected
    # passage if there is one, else on the selected highlight.

    def apply_colour(self, colour: str) -> None:
        if self.selected_range() is not None:
            self.highlight_selection(colour)
        elif self.current_id is not None:
            self.set_colour(self.current_id, colour)

    def comment(self) -> None:
        if self.selected_range() is not None:
            self.comment_selection()
        elif self.current_id is not None:
            self.edit_comment(self.current_id)

    def delete_current(self) -> None:
        if self.current_id is not None:
            self.delete_annotation(self.current_id)

    def _ask_comment_dialog(self, title: str, label: str, text: str) -> str | None:
        comment, ok = QInputDialog.getMultiLineText(self, title, label + "Comment:", text)
        return comment.strip() if ok else None

    def _changed(self, paper_id: int) -> None:
        # A command on the window's stack may outlive this view (undo after it closed).
        if shiboken6.isValid(self):
            self.annotationsChanged.emit(paper_id)

    def _library_changed(self, changes: Changes) -> None:
        if self.paper is not None and ANNOTATIONS in changes.fields(self.paper.id):
            self.reload()

    def _failed(self, message: str) -> None:
        if shiboken6.isValid(self):
            self.last_error = message
            self.errorOccurred.emit(message)

    # -- the floating toolbar ----------------------------------------------------------

    def _hide_toolbar(self) -> None:
        self._toolbar_for = None
        self.toolbar.hide()

    def _toolbar_span(self) -> tuple[int, int] | None:
        """Qt positions the toolbar is about."""
        if self._toolbar_for == "selection":
            cursor = self.textCursor()
            return (cursor.selectionStart(), cursor.selectionEnd()) if (
                cursor.hasSelection()) else None
        if self._toolbar_for == "highlight" and self.current_id is not None:
            note = self.annotation(self.current_id)
            if note is not None and note.anchored:
                return self.offsets.to_qt(note.start), self.offsets.to_qt(note.end)
        return None

    def _place_toolbar(self) -> None:
        """Float the toolbar just above the passage (below it if there is no room)."""
        span = self._toolbar_span()
        if span is None:
            self._hide_toolbar()
            return
        self.toolbar.set_mode(self.annotation(self.current_id)
                              if self._toolbar_for == "highlight" and self.current_id
                              is not None else None)
        first, last = QTextCursor(self.document()), QTextCursor(self.document())
        first.setPosition(span[0])
        last.setPosition(span[1])
        area: QRect = self.viewport().rect()
        self.toolbar.float_over(self.cursorRect(first), self.cursorRect(last), area)

    def _selection_changed(self) -> None:
        if QGuiApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self.toolbar.hide()  # still dragging: it appears when the button is released
            return
        if self.selected_range() is not None:
            if self.current_id is not None:
                self.current_id = None
                self._render()
            self._toolbar_for = "selection"
            # After the event that changed the selection, when cursorRect is up to date.
            QTimer.singleShot(0, self._place_toolbar)
        elif self._toolbar_for == "selection":
            self._hide_toolbar()

    # -- events ------------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.selected_range() is not None:
            self._selection_changed()
            return
        note = self.annotation_at(event.position().toPoint())
        self.select_annotation(note.id if note is not None else None)

    def event(self, event: QEvent) -> bool:
        # Claim our keys before the window's shortcuts see them (see _build_actions).
        if event.type() == QEvent.Type.ShortcutOverride and self._key_action(
            event  # type: ignore[arg-type]
        ) is not None:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        act = self._key_action(event)
        if act is None:
            super().keyPressEvent(event)
            return
        act()
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.create_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def create_context_menu(self, pos: QPoint) -> QMenu:
        """Copy / Select All, then what can be done with the selection or the highlight
        at `pos` (viewport coordinates)."""
        menu = self.createStandardContextMenu()
        menu.setParent(self, menu.windowFlags())
        if self.selected_range() is not None:
            menu.addSeparator()
            for colour, act in self.colour_actions.items():
                act.setText(f"Highlight {highlight_style(colour).label}")
                act.setCheckable(False)
                menu.addAction(act)
            self.comment_action.setText("Highlight with Comment…")
            menu.addAction(self.comment_action)
            return menu
        note = self.annotation_at(pos)
        if note is None:
            return menu
        self.select_annotation(note.id, show_toolbar=False)
        menu.addSeparator()
        colours = menu.addMenu(swatch_icon(note.colour), "Highlight Colour")
        for colour, act in self.colour_actions.items():
            act.setText(highlight_style(colour).label)
            act.setCheckable(True)
            act.setChecked(colour == note.colour)
            colours.addAction(act)
        self.comment_action.setText("Edit Comment…" if note.comment else "Add Comment…")
        menu.addAction(self.comment_action)
        menu.addAction(self.delete_action)
        return menu

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self._toolbar_for is not None:
            self._place_toolbar()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)  # places the strip of missing highlights
        if self._toolbar_for is not None:
            self._place_toolbar()
