"""Paints the title cell; during a search, a second line shows where the paper matched,
the matched words in bold on a highlight, like a search engine's result list. Its
colours are the theme's (search_hit_bg, snippet_text), read when drawn."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...domain import Segment
from .. import theme

SnippetRole = Qt.ItemDataRole.UserRole + 2
ELLIPSIS = "…"


class TitleDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        segments: Sequence[Segment] = index.data(SnippetRole) or ()
        if not segments:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = opt.rect.adjusted(6, 3, -6, -3)
        half = rect.height() // 2
        painter.save()
        title_font = QFont(opt.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.setPen(opt.palette.color(opt.palette.ColorRole.HighlightedText if selected
                                         else opt.palette.ColorRole.Text))
        metrics = QFontMetrics(title_font)
        title_rect = QRect(rect.left(), rect.top(), rect.width(), half)
        painter.drawText(
            title_rect,
            Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        line = QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half)
        self._paint_snippet(painter, line, segments, QFont(opt.font),
                            opt.palette.color(opt.palette.ColorRole.Text))
        painter.restore()

    @staticmethod
    def _paint_snippet(
        painter: QPainter, rect: QRect, segments: Sequence[Segment], font: QFont,
        hit_text: QColor,
    ) -> None:
        """The snippet: context in the theme's snippet colour, matched words in bold,
        in `hit_text` (the text colour) on the theme's hit background."""
        font.setPointSizeF(font.pointSizeF() * 0.92)
        bold = QFont(font)
        bold.setBold(True)
        segments = _bring_first_hit_into_view(segments, QFontMetrics(font), rect.width() * 0.3)
        x = rect.left()
        right = rect.right()
        for segment in segments:
            text = " ".join(segment.text.split()) if not segment.hit else segment.text
            if segment.text[:1].isspace():
                text = " " + text
            if segment.text[-1:].isspace() and not text.endswith(" "):
                text += " "
            seg_font = bold if segment.hit else font
            metrics = QFontMetrics(seg_font)
            width = metrics.horizontalAdvance(text)
            clipped = x + width > right
            if clipped:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                width = metrics.horizontalAdvance(text)
            box = QRect(x, rect.top(), width, rect.height())
            painter.setFont(seg_font)
            if segment.hit:
                painter.fillRect(box.adjusted(0, 2, 0, -2), theme.colour("search_hit_bg"))
                painter.setPen(hit_text)
            else:
                painter.setPen(theme.colour("snippet_text"))
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, text)
            x += width
            if clipped or x >= right:
                return


def _bring_first_hit_into_view(
    segments: Sequence[Segment], metrics: QFontMetrics, max_lead: float
) -> list[Segment]:
    """Shorten the context before the first matched word so that the match is visible."""
    first = next((i for i, s in enumerate(segments) if s.hit), None)
    if first is None:
        return list(segments)
    lead = " ".join("".join(s.text for s in segments[:first]).split()).lstrip(ELLIPSIS)
    if metrics.horizontalAdvance(lead) <= max_lead:
        return list(segments)
    words = lead.split(" ")
    kept: list[str] = []
    while words and metrics.horizontalAdvance(ELLIPSIS + " ".join([words[-1], *kept])) <= max_lead:
        kept.insert(0, words.pop())
    tail = " ".join(kept)
    return [Segment(ELLIPSIS + tail + (" " if tail else "")), *segments[first:]]
