"""The abstract as the abstract view shows it: read-only text with a paper's highlights
and the search matches drawn over it, the strip naming highlights whose passage is gone,
the comment shown on hover, and where each character is on screen. Changing highlights
(the toolbar, keys, menus, undo) is AbstractView's part (abstract_view.py).

Offsets: the library counts Python characters (code points), Qt counts UTF-16 units and
turns "\\r\\n" into one paragraph break, so every position goes through `TextOffsets`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QPen,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from ...domain import Annotation, Paper
from ..plain_text import tooltip
from ..theme import theme_signals
from .abstract_overlays import MissingStrip
from .highlight_styles import highlight_style, local_date, search_match, search_outline


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


class AbstractDisplay(QTextEdit):
    """A paper's abstract, read-only, with its highlights and search matches drawn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paper: Paper | None = None
        self.offsets = TextOffsets("")
        self.current_id: int | None = None  # the highlight clicked last (selected)
        self._search_spans: list[tuple[int, int]] = []
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setPlaceholderText("No abstract.")
        self.missing = MissingStrip(self)
        theme_signals().changed.connect(self._render)  # highlights in the new colours

    # -- what is shown -----------------------------------------------------------------

    def set_paper(self, paper: Paper | None) -> None:
        """Show a paper's abstract and highlights (search spans are cleared)."""
        self.paper = paper
        self.current_id = None
        self._search_spans = []
        text = paper.abstract if paper is not None else ""
        self.offsets = TextOffsets(text)
        self.setPlainText(text)
        self._render()

    def set_search_spans(self, spans: Sequence[tuple[int, int]]) -> None:
        """Mark search matches: (start, end) Python offsets into the abstract."""
        self._search_spans = [(s, e) for s, e in spans if 0 <= s < e]
        self._render()

    def search_spans(self) -> list[tuple[int, int]]:
        """The search matches marked now (to mark again after the paper is redrawn)."""
        return list(self._search_spans)

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
            fmt.setBackground(search_match())
            fmt.setProperty(QTextFormat.Property.OutlinePen, QPen(search_outline(), 1))
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
        self.missing.set_annotations(missing)
        if not missing:
            self.setViewportMargins(0, 0, 0, 0)
            return
        self._place_missing()

    def _place_missing(self) -> None:
        if self.missing.isHidden():
            return
        area = self.contentsRect()
        height = self.missing.heightForWidth(area.width())
        self.setViewportMargins(0, 0, 0, height)
        self.missing.setGeometry(area.left(), area.bottom() + 1 - height, area.width(), height)

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

    # -- events ------------------------------------------------------------------------

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_missing()
