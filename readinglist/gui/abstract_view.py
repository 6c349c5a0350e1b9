"""A paper's abstract with the reader's highlights drawn in place.

Select a passage and a small toolbar offers the highlight colours and "Comment…" (the
same in the context menu, and Ctrl+1..5 / Ctrl+Shift+M from the keyboard). Hovering a
highlight shows its comment; clicking one selects it and offers colour, comment and
delete. Every change is a QUndoCommand (annotation_commands.py) on the window's stack.

Offsets: the library counts Python characters (code points), Qt counts UTF-16 units and
turns "\\r\\n" into one paragraph break, so every position goes through `TextOffsets`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QTextEdit,
    QToolButton,
    QToolTip,
    QWidget,
)

from ..domain import HIGHLIGHT_COLOURS, Annotation, Paper, ReadinglistError
from ..service import Library
from .annotation_commands import (
    AddAnnotationCommand,
    DeleteAnnotationCommand,
    EditAnnotationCommand,
    short_quote,
)
from .plain_text import tooltip


@dataclass(frozen=True)
class HighlightStyle:
    label: str
    fill: QColor  # translucent, so the text (and a search match beneath) shows through
    swatch: QColor  # solid: buttons, the Annotations view
    ink: QColor  # darker: the comment underline and the outline of a selected highlight


HIGHLIGHT_STYLES: dict[str, HighlightStyle] = {
    "yellow": HighlightStyle("Yellow", QColor(255, 204, 0, 95), QColor("#f7ca18"),
                             QColor("#a67c00")),
    "green": HighlightStyle("Green", QColor(52, 190, 100, 75), QColor("#4cc47a"),
                            QColor("#1d7a43")),
    "blue": HighlightStyle("Blue", QColor(56, 140, 255, 62), QColor("#5b9cf0"),
                           QColor("#1f5fb0")),
    "pink": HighlightStyle("Pink", QColor(255, 80, 160, 58), QColor("#f27bb5"),
                           QColor("#b0306d")),
    "purple": HighlightStyle("Purple", QColor(150, 95, 230, 62), QColor("#a57de6"),
                             QColor("#6a3fb0")),
}
assert set(HIGHLIGHT_STYLES) == set(HIGHLIGHT_COLOURS)

SEARCH_MATCH = QColor(255, 166, 0, 80)  # search hits: amber, drawn over highlights
SEARCH_OUTLINE = QColor(230, 140, 0, 150)


def highlight_style(colour: str) -> HighlightStyle:
    """The look of a colour name (an unknown one, from a newer version, looks yellow)."""
    return HIGHLIGHT_STYLES.get(colour, HIGHLIGHT_STYLES["yellow"])


def swatch_icon(colour: str, size: int = 14) -> QIcon:
    """A round swatch of a highlight colour, for buttons, menus and tables."""
    style = highlight_style(colour)
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if (
        QGuiApplication.primaryScreen()) else 1.0
    pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(style.ink, 1))
    painter.setBrush(style.swatch)
    painter.drawEllipse(QPointF(size / 2, size / 2), size / 2 - 1, size / 2 - 1)
    painter.end()
    return QIcon(pixmap)


def local_date(annotation: Annotation) -> str:
    when = annotation.created
    if when is None:
        return ""
    return (when.astimezone() if when.tzinfo else when).strftime("%Y-%m-%d")


class TextOffsets:
    """Python offsets into a text <-> positions in a QTextDocument holding that text."""

    def __init__(self, text: str) -> None:
        self.text = text
        positions = [0] * (len(text) + 1)
        pos = i = 0
        while i < len(text):
            positions[i] = pos
            if text[i] == "\r" and text[i + 1:i + 2] == "\n":
                positions[i + 1] = pos  # Qt keeps "\r\n" as one paragraph break
                i += 2
                pos += 1
                continue
            pos += 2 if ord(text[i]) > 0xFFFF else 1  # astral: a UTF-16 surrogate pair
            i += 1
        positions[len(text)] = pos
        self._positions = positions

    def to_qt(self, index: int) -> int:
        return self._positions[max(0, min(index, len(self.text)))]

    def to_python(self, position: int, round_up: bool = False) -> int:
        """The Python offset of a Qt position; one inside a surrogate pair (or a "\\r\\n")
        goes to the character's start, or its end with `round_up`."""
        i = bisect_left(self._positions, position)
        if i < len(self._positions) and self._positions[i] == position:
            return i
        return i if round_up else max(0, i - 1)


class HighlightToolbar(QFrame):
    """The little bar that floats over a selection (or a clicked highlight)."""

    colourChosen = Signal(str)
    commentRequested = Signal()
    deleteRequested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("highlightToolbar")
        self.setAutoFillBackground(True)
        # The style sheet is the bar's own: it floats over the text, unlike anything else.
        self.setStyleSheet(
            "QFrame#highlightToolbar { background: #ffffff; border: 1px solid #d0d7de;"
            " border-radius: 7px; }"
            "QToolButton { border: 1px solid transparent; border-radius: 5px; padding: 3px;"
            " background: transparent; color: #24292f; }"
            "QToolButton:hover { background: #eef1f4; }"
            "QToolButton:checked { border: 1px solid #8c959f; background: #f3f4f6; }"
            "QToolButton#deleteHighlight { color: #cf222e; }"
            "QFrame#toolbarSeparator { color: #d8dce2; }"
        )
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(14)
        shadow.setOffset(0, 2)
        shadow.setColor(QColor(0, 0, 0, 55))
        self.setGraphicsEffect(shadow)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(5, 3, 5, 3)
        layout.setSpacing(1)
        self.colour_buttons: dict[str, QToolButton] = {}
        for number, colour in enumerate(HIGHLIGHT_COLOURS, 1):
            button = self._button()
            button.setIcon(swatch_icon(colour, 16))
            button.setIconSize(QSize(16, 16))
            button.setCheckable(True)
            button.setToolTip(f"{highlight_style(colour).label} (Ctrl+{number})")
            button.setAccessibleName(f"Highlight {highlight_style(colour).label}")
            button.clicked.connect(lambda _checked=False, c=colour: self.colourChosen.emit(c))
            self.colour_buttons[colour] = button
            layout.addWidget(button)
        separator = QFrame()
        separator.setObjectName("toolbarSeparator")
        separator.setFrameShape(QFrame.Shape.VLine)
        layout.addSpacing(3)
        layout.addWidget(separator)
        layout.addSpacing(3)
        self.comment_button = self._button("Comment…")
        self.comment_button.setToolTip("Highlight with a comment (Ctrl+Shift+M)")
        self.comment_button.clicked.connect(self.commentRequested)
        layout.addWidget(self.comment_button)
        self.delete_button = self._button("Delete")
        self.delete_button.setObjectName("deleteHighlight")
        self.delete_button.setToolTip("Delete this highlight (Del)")
        self.delete_button.clicked.connect(self.deleteRequested)
        layout.addWidget(self.delete_button)
        self.editing = False
        self.hide()

    def _button(self, text: str = "") -> QToolButton:
        button = QToolButton(self)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the selection keeps the focus
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        if text:
            button.setText(text)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def set_mode(self, annotation: Annotation | None) -> None:
        """For a new selection (None) or for an existing highlight."""
        self.editing = annotation is not None
        for colour, button in self.colour_buttons.items():
            button.setChecked(annotation is not None and annotation.colour == colour)
        if annotation is None:
            self.comment_button.setText("Comment…")
            self.comment_button.setToolTip("Highlight with a comment (Ctrl+Shift+M)")
        else:
            self.comment_button.setText("Edit comment…" if annotation.comment else
                                        "Add comment…")
            self.comment_button.setToolTip("Ctrl+Shift+M")
        self.delete_button.setVisible(annotation is not None)
        self.adjustSize()


class _MissingStrip(QLabel):
    """The line under the text naming highlights whose passage is gone; click for a menu."""

    clicked = Signal(QPoint)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(event.globalPosition().toPoint())
        event.accept()


class AbstractView(QTextEdit):
    """The abstract, read-only, with highlights. Emits `annotationsChanged(paper_id)` after
    each change to a highlight (including undo and redo of one)."""

    annotationsChanged = Signal(int)
    errorOccurred = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.paper: Paper | None = None
        self.offsets = TextOffsets("")
        self.current_id: int | None = None  # the highlight clicked last (selected)
        self.last_error: str | None = None
        self._search_spans: list[tuple[int, int]] = []
        self._undo_stack = QUndoStack(self)  # used until the window gives its own
        # How a comment is asked for: (title, label, current text) -> the new text, or
        # None if cancelled. A dialog; tests put a function here.
        self.ask_comment: Callable[[str, str, str], str | None] = self._ask_comment_dialog
        self.setObjectName("abstract")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setPlaceholderText("No abstract.")

        self.toolbar = HighlightToolbar(self.viewport())
        self.toolbar.colourChosen.connect(self.apply_colour)
        self.toolbar.commentRequested.connect(self.comment)
        self.toolbar.deleteRequested.connect(self.delete_current)
        self._toolbar_for: str | None = None  # "selection" | "highlight" | None (hidden)

        self.missing = _MissingStrip(self)
        self.missing.setObjectName("unanchoredHighlights")
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setWordWrap(True)
        self.missing.setCursor(Qt.CursorShape.PointingHandCursor)
        self.missing.setStyleSheet(
            "QLabel#unanchoredHighlights { background: #fff8e5; color: #6b5200;"
            " border-top: 1px solid #eddfb3; padding: 5px 10px; }"
        )
        self.missing.clicked.connect(self._missing_menu)
        self.missing.hide()

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
            made.setIcon(swatch_icon(colour))
            self.colour_actions[colour] = made
        self.comment_action = action("Comment…", "Ctrl+Shift+M", self.comment)
        self.delete_action = action("Delete highlight", QKeySequence.StandardKey.Delete,
                                    self.delete_current)

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

    # -- what is shown -----------------------------------------------------------------

    def set_undo_stack(self, stack: QUndoStack) -> None:
        """Put highlight changes on `stack` (the window's Edit > Undo)."""
        self._undo_stack = stack

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def set_paper(self, paper: Paper | None) -> None:
        """Show a paper's abstract and highlights (search spans are cleared)."""
        self.paper = paper
        self.current_id = None
        self._search_spans = []
        self._hide_toolbar()
        text = paper.abstract if paper is not None else ""
        self.offsets = TextOffsets(text)
        self.setPlainText(text)
        self._render()

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

    def set_search_spans(self, spans: Sequence[tuple[int, int]]) -> None:
        """Mark search matches: (start, end) Python offsets into the abstract."""
        self._search_spans = [(s, e) for s, e in spans if 0 <= s < e]
        self._render()

    def search_highlighted_text(self) -> list[str]:
        """The passages marked as search matches, as drawn (they come last)."""
        selections = self.extraSelections()
        count = len(self._search_spans)
        return [s.cursor.selectedText() for s in selections[len(selections) - count:]] if (
            count) else []

    @property
    def annotations(self) -> tuple[Annotation, ...]:
        return self.paper.annotations if self.paper is not None else ()

    def annotation(self, annotation_id: int) -> Annotation | None:
        return next((a for a in self.annotations if a.id == annotation_id), None)

    def unanchored(self) -> list[Annotation]:
        """Highlights whose passage is no longer in the abstract (listed, not drawn)."""
        return [a for a in self.annotations if not a.anchored]

    def drawn_annotations(self) -> list[Annotation]:
        """The highlights drawn in the text, in drawing order (longest first, so a short
        highlight inside a long one stays visible on top of it)."""
        length = len(self.offsets.text)
        placed = [a for a in self.annotations if a.anchored and 0 <= a.start < a.end <= length]
        return sorted(placed, key=lambda a: (-(a.end - a.start), a.start, a.id))

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _render(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = []
        for note in self.drawn_annotations():
            style = highlight_style(note.colour)
            fmt = QTextCharFormat()
            fill = QColor(style.fill)
            if note.id == self.current_id:
                fill.setAlpha(min(255, fill.alpha() * 2))
                fmt.setProperty(QTextFormat.Property.OutlinePen, QPen(style.ink, 1.2))
            fmt.setBackground(fill)
            if note.comment:  # a highlight with something to read: a dotted underline
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(style.ink)
            selections.append(self._selection(note.start, note.end, fmt))
        for start, end in self._search_spans:
            fmt = QTextCharFormat()
            fmt.setBackground(SEARCH_MATCH)
            fmt.setProperty(QTextFormat.Property.OutlinePen, QPen(SEARCH_OUTLINE, 1))
            selections.append(self._selection(start, end, fmt))
        self.setExtraSelections(selections)
        self._show_missing()

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor(start, end)
        selection.format = fmt
        return selection

    def _show_missing(self) -> None:
        missing = self.unanchored()
        if not missing:
            self.missing.hide()
            self.setViewportMargins(0, 0, 0, 0)
            return
        count = len(missing)
        quotes = ", ".join(f"“{short_quote(a.quote, 60 if count == 1 else 32)}”"
                           for a in missing[:3])
        more = f" and {count - 3} more" if count > 3 else ""
        noun = "highlight" if count == 1 else "highlights"
        self.missing.setText(f"{count} {noun} no longer found in the abstract: {quotes}{more}")
        self.missing.setToolTip(tooltip("\n\n".join(
            f"“{a.quote}”" + (f"\n{a.comment}" if a.comment else "") for a in missing
        ) + "\n\nClick to delete one."))
        self.missing.show()
        self._place_missing()

    def _place_missing(self) -> None:
        if self.missing.isHidden():
            return
        area = self.contentsRect()
        height = self.missing.heightForWidth(area.width())
        self.setViewportMargins(0, 0, 0, height)
        self.missing.setGeometry(area.left(), area.bottom() + 1 - height, area.width(), height)

    def _missing_menu(self, where: QPoint) -> None:
        menu = QMenu(self)
        for note in self.unanchored():
            act = menu.addAction(swatch_icon(note.colour),
                                 f"Delete “{short_quote(note.quote)}”")
            act.triggered.connect(lambda _c=False, i=note.id: self.delete_annotation(i))
        menu.exec(where)

    # -- positions ---------------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selected passage as Python offsets into the abstract, without the white
        space around it; None when nothing (or only white space) is selected."""
        cursor = self.textCursor()
        if self.paper is None or not cursor.hasSelection():
            return None
        start = self.offsets.to_python(cursor.selectionStart())
        end = self.offsets.to_python(cursor.selectionEnd(), round_up=True)
        text = self.offsets.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        """Select abstract[start:end] (Python offsets), as a mouse drag would."""
        self.setTextCursor(self._cursor(start, end))

    def char_at(self, pos: QPoint) -> int | None:
        """The Python offset of the character under a viewport point (None: no text)."""
        offset = QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        hit = self.document().documentLayout().hitTest(
            QPointF(pos) + offset, Qt.HitTestAccuracy.ExactHit)
        if hit < 0:
            return None
        # The hit is the character boundary nearest the point: the character is the one
        # after it if the point is right of the boundary, else the one before.
        cursor = QTextCursor(self.document())
        cursor.setPosition(hit)
        if pos.x() < self.cursorRect(cursor).left() and hit > 0:
            hit -= 1
        index = self.offsets.to_python(hit)
        return index if index < len(self.offsets.text) else None

    def point_at(self, index: int) -> QPoint:
        """A viewport point in the middle of character `index` (for hovering in tests)."""
        first = QTextCursor(self.document())
        first.setPosition(self.offsets.to_qt(index))
        after = QTextCursor(self.document())
        after.setPosition(self.offsets.to_qt(index + 1))
        left, right = self.cursorRect(first), self.cursorRect(after)
        x = (left.left() + right.left()) // 2 if right.top() == left.top() else left.left() + 2
        return QPoint(x, left.center().y())

    def annotations_at(self, index: int) -> list[Annotation]:
        """Highlights covering character `index`, innermost (shortest) first."""
        found = [a for a in self.drawn_annotations() if a.start <= index < a.end]
        return sorted(found, key=lambda a: (a.end - a.start, a.id))

    def annotation_at(self, pos: QPoint) -> Annotation | None:
        index = self.char_at(pos)
        found = self.annotations_at(index) if index is not None else []
        return found[0] if found else None

    def tooltip_text_at(self, pos: QPoint) -> str:
        """What hovering at a viewport point shows (plain text; "" for no highlight)."""
        index = self.char_at(pos)
        if index is None:
            return ""
        parts = []
        for note in self.annotations_at(index):
            about = f"{highlight_style(note.colour).label} highlight, {local_date(note)}"
            parts.append(f"{note.comment}\n— {about}" if note.comment else
                         f"{about} (no comment)")
        return "\n\n".join(parts)

    # -- changing highlights -----------------------------------------------------------

    def highlight_selection(self, colour: str = "yellow", comment: str = "") -> Annotation | None:
        """Highlight the selected passage (undoable); the new highlight, or None."""
        span = self.selected_range()
        if span is None or self.paper is None:
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
        if note is not None and note.colour != colour:
            self._undo_stack.push(EditAnnotationCommand(
                self.library, note, colour=colour, on_change=self._changed,
                on_error=self._failed))

    def set_comment(self, annotation_id: int, comment: str) -> None:
        note = self.annotation(annotation_id)
        if note is not None and note.comment != comment:
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
        if note is None:
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
        if not shiboken6.isValid(self):
            return
        if self.paper is not None and self.paper.id == paper_id:
            self.reload()
        self.annotationsChanged.emit(paper_id)

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
        top, bottom = self.cursorRect(first), self.cursorRect(last)
        area: QRect = self.viewport().rect()
        if bottom.bottom() < 0 or top.top() > area.bottom():
            self.toolbar.hide()  # scrolled out of sight; it comes back when scrolled in
            return
        size = self.toolbar.sizeHint()
        centre = (top.left() + bottom.left()) // 2 if top.top() == bottom.top() else top.left()
        x = max(4, min(centre - size.width() // 2, area.width() - size.width() - 4))
        y = top.top() - size.height() - 6
        if y < 2:
            y = bottom.bottom() + 6
        y = max(2, min(y, area.height() - size.height() - 2))
        self.toolbar.setGeometry(x, y, size.width(), size.height())
        self.toolbar.show()
        self.toolbar.raise_()

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

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_text_at(event.pos())  # type: ignore[attr-defined]
            if text:
                QToolTip.showText(event.globalPos(), tooltip(text),  # type: ignore[attr-defined]
                                  self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

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
        super().resizeEvent(event)
        self._place_missing()
        if self._toolbar_for is not None:
            self._place_toolbar()

