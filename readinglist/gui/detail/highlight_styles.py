"""How highlights look: the colour of each highlight name, its swatch icon, and the
marks of search matches drawn over an abstract. Shared by the abstract view and the
library-wide Annotations view."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPen, QPixmap

from ...domain import HIGHLIGHT_COLOURS, Annotation


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
    """The day a highlight was made, in local time ("" if not known)."""
    when = annotation.created
    if when is None:
        return ""
    return (when.astimezone() if when.tzinfo else when).strftime("%Y-%m-%d")
