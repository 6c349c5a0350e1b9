"""Tags drawn as small rounded chips: the table's Tags column (TagChipDelegate), and the
colour swatches the sidebar and its menus show (swatch_icon).

The model gives the column's tags with their colours through TagChipsRole: a tuple of
(tag, "#rrggbb" or None). A coloured tag is a filled chip whose text is black or white,
whichever contrasts more with the fill; a tag without a colour is an outline in the
row's text colour (the selection's, on a selected row), so both read on any theme.
Chips that do not fit the column end with "…"; the row keeps its fixed height.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

TagChipsRole = Qt.ItemDataRole.UserRole + 3
TagChips = tuple[tuple[str, str | None], ...]  # (tag, colour or None), in the paper's order

ELLIPSIS = "…"
PAD = 5  # room each side of a chip's text
GAP = 3  # between two chips
MARGIN = 4  # between the cell's edge and the chips
FONT_SCALE = 0.88  # chips' text, a little smaller than the row's
OUTLINE_ALPHA = 110  # an uncoloured chip's outline: the text colour, faded


def text_colour_for(fill: QColor) -> QColor:
    """Black or white, whichever contrasts more with `fill` (WCAG relative luminance)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = (0.2126 * linear(fill.redF()) + 0.7152 * linear(fill.greenF())
           + 0.0722 * linear(fill.blueF()))
    # Contrast with black (lum + 0.05) / 0.05 against white 1.05 / (lum + 0.05).
    return QColor("#000000") if (lum + 0.05) ** 2 > 0.0525 else QColor("#ffffff")


def swatch_icon(colour: str | None, size: int = 12) -> QIcon:
    """A round dot of `colour` (None: an empty, transparent icon that keeps names in
    line beside coloured ones)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if colour is not None:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(colour)
        painter.setPen(QPen(fill.darker(130), 1))
        painter.setBrush(fill)
        painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
        painter.end()
    return QIcon(pixmap)


@dataclass(frozen=True)
class Chip:
    text: str  # as drawn: elided with "…" when cut
    colour: str | None
    width: int  # of the whole chip


def layout_chips(tags: Sequence[tuple[str, str | None]], metrics: QFontMetrics,
                 width: int) -> tuple[list[Chip], bool]:
    """The chips that fit in `width` pixels, and whether a "…" follows them (some did
    not fit). The first chip that does not fit whole is cut short ("lang…") if there is
    room for a letter; otherwise "…" takes the place of the chips it needs."""
    chips: list[Chip] = []
    x = 0
    for n, (tag, colour) in enumerate(tags):
        room = width - x
        full = metrics.horizontalAdvance(tag) + 2 * PAD
        last = n == len(tags) - 1
        # Whole, if it leaves room for a "…" after it when more chips follow.
        after = 0 if last else GAP + metrics.horizontalAdvance(ELLIPSIS)
        if full + after <= room or (last and full <= room):
            chips.append(Chip(tag, colour, full))
            x += full + GAP
            continue
        text = metrics.elidedText(tag, Qt.TextElideMode.ElideRight, room - 2 * PAD)
        if len(text) > 1 and text.endswith(ELLIPSIS) and text != ELLIPSIS:
            chips.append(Chip(text, colour, metrics.horizontalAdvance(text) + 2 * PAD))
            return chips, False  # the cut chip says it: no "…" after it
        while chips and width - x < metrics.horizontalAdvance(ELLIPSIS):
            x -= chips.pop().width + GAP  # make room for the "…"
        return chips, True
    return chips, False


class TagChipDelegate(QStyledItemDelegate):
    """Paints the Tags column: each tag a chip (see the module's docstring)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        tags: TagChips = index.data(TagChipsRole) or ()
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the chips are the text
        style = opt.widget.style() if opt.widget else None
        if style is not None:  # background, selection and focus as any cell
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not tags:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = (opt.palette.ColorRole.HighlightedText if selected
                else opt.palette.ColorRole.Text)
        plain = opt.palette.color(role)
        font = QFont(opt.font)
        font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
        metrics = QFontMetrics(font)
        rect = opt.rect.adjusted(MARGIN, 0, -MARGIN, 0)
        height = min(metrics.height() + 2, rect.height() - 4)
        top = rect.top() + (rect.height() - height) / 2
        chips, more = layout_chips(tags, metrics, rect.width())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(opt.rect)
        painter.setFont(font)
        x = float(rect.left())
        for chip in chips:
            box = QRectF(x, top, chip.width, height)
            radius = height * 0.35
            if chip.colour is not None:
                fill = QColor(chip.colour)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(box, radius, radius)
                painter.setPen(text_colour_for(fill))
            else:
                outline = QColor(plain)
                outline.setAlpha(OUTLINE_ALPHA)
                painter.setPen(QPen(outline, 1))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
                painter.setPen(plain)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, chip.text)
            x += chip.width + GAP
        if more:
            painter.setPen(plain)
            painter.drawText(QRectF(x, top, rect.right() - x + 1, height),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             ELLIPSIS)
        painter.restore()
