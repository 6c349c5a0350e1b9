"""Light Markdown colouring of a note's source in the note editor (the rendered note is
note_preview.py's)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from ...matching.note_links import find_references
from ..theme import current, theme_signals


class MarkdownHighlighter(QSyntaxHighlighter):
    """Light Markdown colouring for the editor: headings, emphasis, code, links, paper
    references. Only as much as helps reading the source; the preview shows the rest."""

    IN_FENCE = 1  # block state: inside a ``` fenced code block

    _FENCE = re.compile(r"^\s{0,3}(```|~~~)")
    _HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$).*")
    _QUOTE = re.compile(r"^\s{0,3}>.*")
    _LIST = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?=\s)")
    _STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
    _EMPHASIS = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)"
                           r"|(?<![_\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![_\w])")
    _CODE = re.compile(r"`[^`\n]+`")
    _LINK = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._formats()
        theme_signals().changed.connect(self._restyle)

    def _formats(self) -> None:
        """The formats, in the colours of the theme in force."""
        theme = current()

        def fmt(colour: str = "", bold: bool = False, italic: bool = False,
                background: str = "") -> QTextCharFormat:
            f = QTextCharFormat()
            if colour:
                f.setForeground(QColor(colour))
            if bold:
                f.setFontWeight(QFont.Weight.Bold)
            if italic:
                f.setFontItalic(True)
            if background:
                f.setBackground(QColor(background))
            return f

        self.heading = fmt(theme.md_heading, bold=True)
        self.quote = fmt(theme.md_quote, italic=True)
        self.marker = fmt(theme.md_marker)
        self.strong = fmt(bold=True)
        self.emphasis = fmt(italic=True)
        self.code = fmt(theme.code_text, background=theme.code_bg)
        self.link = fmt(theme.link)
        self.reference = fmt(theme.reference, bold=True)

    def _restyle(self) -> None:
        self._formats()
        # Recolouring marks the document's contents dirty, which an editor would take
        # for typing (and save): the document stays quiet meanwhile.
        document = self.document()
        quiet = document.blockSignals(True)
        try:
            self.rehighlight()
        finally:
            document.blockSignals(quiet)

    def highlightBlock(self, text: str) -> None:
        fence = self._FENCE.match(text)
        if self.previousBlockState() == self.IN_FENCE:
            self._set(text, 0, len(text), self.code)
            self.setCurrentBlockState(-1 if fence else self.IN_FENCE)
            return
        if fence:
            self._set(text, 0, len(text), self.code)
            self.setCurrentBlockState(self.IN_FENCE)
            return
        self.setCurrentBlockState(-1)
        if self._HEADING.match(text):
            self._set(text, 0, len(text), self.heading)
        elif self._QUOTE.match(text):
            self._set(text, 0, len(text), self.quote)
        if match := self._LIST.match(text):
            self._set(text, match.start(), match.end(), self.marker)
        for pattern, style in ((self._STRONG, self.strong), (self._EMPHASIS, self.emphasis),
                               (self._LINK, self.link)):
            for match in pattern.finditer(text):
                self._set(text, match.start(), match.end(), style)
        for ref in find_references(text):
            self._set(text, ref.start, ref.end, self.reference)
        for match in self._CODE.finditer(text):  # last: code shows as code, refs or not
            self._set(text, match.start(), match.end(), self.code)

    def _set(self, text: str, start: int, end: int, style: QTextCharFormat) -> None:
        # Qt counts UTF-16 units, Python code points (an emoji is two units).
        offset = utf16_len(text[:start])
        self.setFormat(offset, utf16_len(text[start:end]), style)


def utf16_len(text: str) -> int:
    """The length of `text` in UTF-16 units, as Qt counts."""
    return len(text.encode("utf-16-le")) // 2
