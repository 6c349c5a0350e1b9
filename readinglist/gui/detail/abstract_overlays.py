"""The widgets laid over the abstract view: the toolbar that floats over a selected
passage (or a clicked highlight), and the strip under the text that names highlights
whose passage is gone."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from ...domain import HIGHLIGHT_COLOURS, Annotation
from ..commands.annotation_commands import short_quote
from ..plain_text import tooltip
from ..theme import current, theme_signals
from .highlight_styles import highlight_style, swatch_icon


class HighlightToolbar(QFrame):
    """The little bar that floats over a selection (or a clicked highlight)."""

    colourChosen = Signal(str)
    commentRequested = Signal()
    deleteRequested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("highlightToolbar")
        self.setAutoFillBackground(True)
        # Its look is in style.qss (QFrame#highlightToolbar), in the theme's colours.
        self.shadow = QGraphicsDropShadowEffect(self)
        self.shadow.setBlurRadius(14)
        self.shadow.setOffset(0, 2)
        self.setGraphicsEffect(self.shadow)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(5, 3, 5, 3)
        layout.setSpacing(1)
        self.colour_buttons: dict[str, QToolButton] = {}
        for number, colour in enumerate(HIGHLIGHT_COLOURS, 1):
            button = self._button()
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
        self.restyle()
        theme_signals().changed.connect(self.restyle)
        self.hide()

    def restyle(self) -> None:
        """The swatches and the shadow in the theme's colours."""
        for colour, button in self.colour_buttons.items():
            button.setIcon(swatch_icon(colour, 16))
        self.shadow.setColor(QColor(0, 0, 0, current().shadow_alpha))

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

    def float_over(self, top: QRect, bottom: QRect, area: QRect) -> None:
        """Float just above a passage (below it if there is no room) inside `area`, the
        parent's visible rectangle; `top` and `bottom` are the cursor rectangles of the
        passage's start and end. Hidden while the passage is scrolled out of `area`."""
        if bottom.bottom() < 0 or top.top() > area.bottom():
            self.hide()  # scrolled out of sight; it comes back when scrolled in
            return
        size = self.sizeHint()
        centre = (top.left() + bottom.left()) // 2 if top.top() == bottom.top() else top.left()
        x = max(4, min(centre - size.width() // 2, area.width() - size.width() - 4))
        y = top.top() - size.height() - 6
        if y < 2:
            y = bottom.bottom() + 6
        y = max(2, min(y, area.height() - size.height() - 2))
        self.setGeometry(x, y, size.width(), size.height())
        self.show()
        self.raise_()


class MissingStrip(QLabel):
    """The line under the text naming highlights whose passage is gone; click for a menu."""

    clicked = Signal(QPoint)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("unanchoredHighlights")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)  # its look: style.qss
        self.hide()

    def set_annotations(self, missing: Sequence[Annotation]) -> None:
        """Name these highlights (the strip hides when there are none)."""
        if not missing:
            self.hide()
            return
        count = len(missing)
        quotes = ", ".join(f"“{short_quote(a.quote, 60 if count == 1 else 32)}”"
                           for a in missing[:3])
        more = f" and {count - 3} more" if count > 3 else ""
        noun = "highlight" if count == 1 else "highlights"
        self.setText(f"{count} {noun} no longer found in the abstract: {quotes}{more}")
        self.setToolTip(tooltip("\n\n".join(
            f"“{a.quote}”" + (f"\n{a.comment}" if a.comment else "") for a in missing
        ) + "\n\nClick to delete one."))
        self.show()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(event.globalPosition().toPoint())
        event.accept()
