"""The rendered note of the note editor: Markdown as HTML, where references to other
papers of the library (#28, paper:28, arXiv ids, DOIs) are links. Clicking one emits
`openPaper(id)`; hovering one shows the paper's title."""

from __future__ import annotations

from string import Template

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from ...library.service import Library
from ...matching.note_links import is_web_url, paper_id_from_url, render_markdown
from ..plain_text import tooltip
from ..theme import LIGHT, Theme, current, theme_signals

# The preview is a QTextDocument: Qt's subset of HTML and CSS. Headings take size keywords
# (steps relative to the text); Qt's own h1 is xx-large, too loud for a note. A template of
# theme colours (`$name`: a field of Theme); the text's own colour is the palette's.
PREVIEW_CSS_TEMPLATE = Template("""
h1 { font-size: x-large; font-weight: 600; margin-top: 6px; margin-bottom: 4px; }
h2 { font-size: large; font-weight: 600; margin-top: 6px; margin-bottom: 4px; }
h3, h4, h5, h6 { font-size: medium; font-weight: 600; margin-top: 4px; margin-bottom: 2px; }
p { margin-top: 0px; margin-bottom: 6px; }
code { font-family: monospace; background-color: $code_bg; color: $code_text; }
pre { font-family: monospace; background-color: $pre_bg; color: $code_text;
      margin-top: 2px; margin-bottom: 6px; }
blockquote { color: $md_quote; margin-left: 12px; }
a { color: $link; text-decoration: none; }
a.paper { color: $reference; font-weight: 600; }
th { font-weight: 600; background-color: $pre_bg; }
table { margin-bottom: 6px; }
""")
TABLE_TAG_TEMPLATE = Template(
    '<table border="1" cellspacing="0" cellpadding="3" style="border-color: $table_border">')
EMPTY_PREVIEW_TEMPLATE = Template(
    '<p style="color:$faint_text">The rendered note appears here. References to papers of '
    "the library (#28, arXiv:2203.05482) become links.</p>"
)


def preview_css(theme: Theme | None = None) -> str:
    """The preview's style sheet in a theme's colours (the theme in force by default)."""
    return PREVIEW_CSS_TEMPLATE.substitute((theme or current()).colours())


def table_tag(theme: Theme | None = None) -> str:
    return TABLE_TAG_TEMPLATE.substitute((theme or current()).colours())


def empty_preview(theme: Theme | None = None) -> str:
    return EMPTY_PREVIEW_TEMPLATE.substitute((theme or current()).colours())


# Their light versions, under the names they had.
PREVIEW_CSS = preview_css(LIGHT)
TABLE_TAG = table_tag(LIGHT)
EMPTY_PREVIEW = empty_preview(LIGHT)


class NotePreview(QTextBrowser):
    """A note rendered from Markdown. Emits `openPaper(id)` when a link to a paper of the
    library is clicked, `errorOccurred(message)` when the linked paper is not there."""

    openPaper = Signal(int)
    errorOccurred = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName("notePreview")
        self.setOpenLinks(False)  # every click goes through _link_clicked
        self.setOpenExternalLinks(False)
        self._text = ""  # the note shown
        self.document().setDefaultStyleSheet(preview_css())
        self.document().setDocumentMargin(8)
        self.anchorClicked.connect(self._link_clicked)
        self.highlighted.connect(self._link_hovered)
        theme_signals().changed.connect(self._restyle)

    def _restyle(self) -> None:
        """Render the note again in the new theme's colours."""
        self.document().setDefaultStyleSheet(preview_css())
        self.show_note(self._text)

    def show_note(self, text: str) -> None:
        """Render `text` (Markdown), keeping the scroll position."""
        self._text = text
        html = self.note_html(text) if text.strip() else empty_preview()
        scroll = self.verticalScrollBar()
        position = scroll.value()
        self.setHtml(html)
        scroll.setValue(position)  # typing at the end must not jump the preview to the top

    def note_html(self, text: str) -> str:
        """A note (Markdown) as HTML for the preview."""
        html = render_markdown(text, self._resolve)
        # Qt draws table borders from attributes, not CSS. "<table>" cannot come from the
        # note's text: render_markdown escapes that.
        return html.replace("<table>", table_tag())

    def _resolve(self, query: str) -> int | None:
        try:
            return self.library.find_paper(query)
        except Exception:  # a preview never fails over a link; it just stays text
            return None

    def _link_clicked(self, url: QUrl) -> None:
        target = url.toString()
        paper_id = paper_id_from_url(target)
        if paper_id is not None:
            if self._resolve(f"#{paper_id}") is not None:
                self.openPaper.emit(paper_id)
            else:
                self.errorOccurred.emit(f"There is no paper #{paper_id} in this library.")
        elif is_web_url(target):
            QDesktopServices.openUrl(url)
        # Anything else cannot come from render_markdown: ignored.

    def _link_hovered(self, url: QUrl) -> None:
        """The title of a linked paper (or the address of a web link) as a tooltip."""
        target = url.toString()
        paper_id = paper_id_from_url(target)
        text = target
        if paper_id is not None:
            try:
                text = f"#{paper_id}: {self.library.get(paper_id).title}"
            except Exception:
                text = f"#{paper_id}"
        self.setToolTip(tooltip(text) if target else "")
