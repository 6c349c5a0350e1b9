"""How highlights look: the colour of each highlight name, its swatch icon, and the
marks of search matches drawn over an abstract, in the theme in force (gui/theme.py;
whoever draws them redraws on `theme_signals().changed`). Shared by the abstract view
and the library-wide Annotations view."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPen, QPixmap

from ...domain import HIGHLIGHT_COLOURS, Annotation
from ..theme import Theme, current
from ..theme import colour as theme_colour


@dataclass(frozen=True)
class HighlightStyle:
    label: str
    fill: QColor  # translucent, so the text (and a search match beneath) shows through
    swatch: QColor  # solid: buttons, the Annotations view
    ink: QColor  # the comment underline, the outline of a selected highlight, swatch rims


_LABELS = {colour: colour.capitalize() for colour in HIGHLIGHT_COLOURS}


def _styles(theme: Theme) -> dict[str, HighlightStyle]:
    styles = {}
    for colour, label in _LABELS.items():
        colours = theme.highlights.get(colour)
        fill = QColor(colours.fill)
        fill.setAlpha(colours.alpha)
        styles[colour] = HighlightStyle(label, fill, QColor(colours.swatch), QColor(colours.ink))
    return styles


class _ThemeStyles(Mapping[str, HighlightStyle]):
    """The highlight styles of the theme in force (they change when the theme does)."""

    def __init__(self) -> None:
        self._made: dict[str, dict[str, HighlightStyle]] = {}

    def _now(self) -> dict[str, HighlightStyle]:
        theme = current()
        if theme.name not in self._made:
            self._made[theme.name] = _styles(theme)
        return self._made[theme.name]

    def __getitem__(self, colour: str) -> HighlightStyle:
        return self._now()[colour]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(_LABELS)


HIGHLIGHT_STYLES: Mapping[str, HighlightStyle] = _ThemeStyles()

# The light theme's search marks, under their old names; what is drawn is search_match()
# and search_outline(), which follow the theme.
SEARCH_MATCH = QColor(255, 166, 0, 80)
SEARCH_OUTLINE = QColor(230, 140, 0, 150)


def search_match() -> QColor:
    """The fill of a search match in the abstract, drawn over highlights."""
    return theme_colour("search_match", current().search_match_alpha)


def search_outline() -> QColor:
    return theme_colour("search_outline", current().search_outline_alpha)


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
