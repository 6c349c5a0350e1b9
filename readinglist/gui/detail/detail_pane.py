"""The detail pane: the selected paper's metadata and abstract, with its status, tags and
note editable in place. Every edit is saved through the library at once (the note after
a short pause in typing, and always before another paper is shown)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain import Paper, Priority, ReadinglistError, Status
from ...domain.changes import ANNOTATIONS, Changes
from ...library.service import Library
from ..change_bridge import bridge_for
from ..commands.paper_edits import PaperEdits
from ..plain_text import tooltip
from ..tasks import TaskRunner
from .abstract_view import AbstractView
from .note_editor import NoteEditor
from .similar_papers import SIMILAR_DELAY_MS as SIMILAR_DELAY_MS  # re-exported: tests
from .similar_papers import SimilarPapers
from .vertical_scroll import VerticalScroll

# What a note's save changes: the pane shows it without redrawing the rest.
NOTE_FIELDS = frozenset({"note", "note_created", "note_modified"})


def _section_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionLabel")
    return label


class DetailPane(QStackedWidget):
    """Shows one paper. Emits `paperChanged(id)` after it saved an edit."""

    paperChanged = Signal(int)
    errorOccurred = Signal(str)
    openPaper = Signal(int)  # the user chose a similar paper
    editRequested = Signal(int)  # Edit…: open the paper editor on this paper

    def __init__(
        self, library: Library, runner: TaskRunner | None = None, parent: QWidget | None = None,
        edits: PaperEdits | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.runner = runner
        self.paper: Paper | None = None
        # Every edit made here is an undoable command (on the window's undo stack; a pane
        # on its own keeps one of its own); the pane shows it from the library's Changes.
        self.edits = edits or PaperEdits(library, QUndoStack(self), parent=self)
        self.edits.say = self.errorOccurred.emit if edits is None else self.edits.say
        self._pending: Changes | None = None
        self._changes_timer = QTimer(self, singleShot=True, interval=0)
        self._changes_timer.timeout.connect(self._apply_pending)
        bridge_for(library).changed.connect(self.apply_changes)
        self._loading = False

        self.empty = QLabel("Select a paper to see its abstract, status, tags and note.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setObjectName("emptyState")
        self.addWidget(self.empty)
        # Scrolled when the window is short (a laptop at 1.5x or 2x scale): the pane never
        # makes the window taller than the screen.
        self.addWidget(VerticalScroll(self._build_page()))
        self.setCurrentIndex(0)

    # -- building --------------------------------------------------------------------

    def _build_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)

        self.title = QLabel()
        self.title.setObjectName("paperTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.authors = QLabel()
        self.authors.setWordWrap(True)
        self.authors.setTextFormat(Qt.TextFormat.PlainText)
        self.authors.setObjectName("paperAuthors")
        self.meta = QLabel()
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setObjectName("paperMeta")
        self.meta.setWordWrap(True)
        self.links = QLabel()
        self.links.setTextFormat(Qt.TextFormat.RichText)  # built from escaped URLs only
        self.links.setOpenExternalLinks(True)
        self.links.setWordWrap(True)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Edit every field of the paper (Ctrl+Shift+E)")
        self.edit_button.clicked.connect(
            lambda: self.editRequested.emit(self.paper.id) if self.paper else None)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(title_row)
        for widget in (self.authors, self.meta, self.links):
            layout.addWidget(widget)
        self.fetch_button = QPushButton("Fetch details")
        self.fetch_button.setToolTip("Fill empty fields from arXiv or Crossref "
                                     "(nothing you wrote is overwritten)")
        self.fetch_button.clicked.connect(self.fetch_details)
        fetch_row = QHBoxLayout()
        fetch_row.addWidget(self.fetch_button)
        fetch_row.addStretch(1)
        layout.addLayout(fetch_row)

        # Six statuses in two rows of three, so the pane stays narrow beside the table.
        status_row = QHBoxLayout()
        status_label = QLabel("Status")
        status_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        status_row.addWidget(status_label)
        status_grid = QGridLayout()
        status_grid.setHorizontalSpacing(4)
        status_grid.setVerticalSpacing(4)
        self.status_group = QButtonGroup(self)
        self.status_buttons: dict[Status, QPushButton] = {}
        for n, status in enumerate(Status):
            button = QPushButton(status.label)
            button.setCheckable(True)
            button.setObjectName(f"status_{status.value}")
            self.status_group.addButton(button)
            self.status_buttons[status] = button
            status_grid.addWidget(button, n // 3, n % 3)
        status_row.addLayout(status_grid)
        status_row.addStretch(1)
        self.status_group.buttonClicked.connect(self._status_clicked)
        layout.addLayout(status_row)

        rate_row = QHBoxLayout()
        rate_row.addWidget(QLabel("Rating"))
        self.star_buttons: list[QToolButton] = []
        for stars in range(1, 6):
            star = QToolButton()
            star.setObjectName("starButton")
            star.setAutoRaise(True)
            star.setToolTip(f"{stars} star{'s' if stars > 1 else ''} (click again to clear)")
            star.clicked.connect(lambda _=False, n=stars: self._star_clicked(n))
            self.star_buttons.append(star)
            rate_row.addWidget(star)
        rate_row.addSpacing(16)
        rate_row.addWidget(QLabel("Priority"))
        self.priority_box = QComboBox()
        for priority in Priority:
            self.priority_box.addItem(priority.label, priority.value)
        self.priority_box.currentIndexChanged.connect(self._priority_chosen)
        rate_row.addWidget(self.priority_box)
        rate_row.addStretch(1)
        layout.addLayout(rate_row)
        self.timeline = QLabel()
        self.timeline.setObjectName("paperMeta")
        self.timeline.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline.setWordWrap(True)  # a long history wraps: the splitter never moves
        layout.addWidget(self.timeline)

        tag_row = QHBoxLayout()
        tag_row.addWidget(QLabel("Tags"))
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("Add tags, separated by commas")
        self.tags_edit.setClearButtonEnabled(True)
        self._completer = QCompleter([], self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(self._completer)
        self.tags_edit.installEventFilter(self)  # the completer's tags are read on focus
        self.tags_edit.editingFinished.connect(self.save_tags)
        tag_row.addWidget(self.tags_edit, 1)
        layout.addLayout(tag_row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        abstract_box = QWidget()
        abstract_layout = QVBoxLayout(abstract_box)
        abstract_layout.setContentsMargins(0, 4, 0, 0)
        abstract_layout.addWidget(_section_label("Abstract"))
        # The abstract, with search matches marked and the user's highlights drawn in
        # place (select a passage to highlight it; see abstract_view.py).
        self.abstract = AbstractView(self.library)
        self.abstract.annotationsChanged.connect(self.paperChanged)
        self.abstract.errorOccurred.connect(self.errorOccurred)
        abstract_layout.addWidget(self.abstract)
        splitter.addWidget(abstract_box)

        # The Markdown note with its preview; it saves itself (debounced, and on flush).
        self.note_editor = NoteEditor(self.library, edits=self.edits)
        self.note_editor.paperChanged.connect(self._note_saved)
        self.note_editor.errorOccurred.connect(self.errorOccurred)
        self.note_editor.openPaper.connect(self.openPaper)
        splitter.addWidget(self.note_editor)
        self.note = self.note_editor.editor
        self.note_state = self.note_editor.state

        # Looked up off the GUI thread once the selection stops moving (similar_papers.py).
        self.similar_papers = SimilarPapers(
            self.library, self.runner, lambda: self.paper.id if self.paper is not None else None)
        self.similar_papers.openPaper.connect(self.openPaper)
        self.similar = self.similar_papers.list
        splitter.addWidget(self.similar_papers)
        splitter.setSizes([220, 260, 110])
        layout.addWidget(splitter, 1)
        return page

    # -- showing ---------------------------------------------------------------------

    def show_paper(self, paper_id: int | None, highlights: Sequence[tuple[int, int]] = (),
                   paper: Paper | None = None) -> None:
        """Show a paper (None: the empty state). Pending edits of the previous one are saved.
        `paper`: the paper as just read (a write carries it), to show without reading it
        again."""
        self.flush()
        if paper_id is None:
            self.paper = None
            self.note_editor.set_paper(None)
            self.abstract.set_paper(None)
            self.setCurrentIndex(0)
            return
        try:
            if paper is None or paper.id != paper_id:
                paper = self.library.get(paper_id)
        except ReadinglistError:
            self.paper = None
            self.note_editor.set_paper(None)
            self.abstract.set_paper(None)
            self.setCurrentIndex(0)
            return
        self._loading = True
        try:
            self.paper = paper
            self.title.setText(paper.title)
            self.authors.setText(", ".join(paper.authors) or "Authors unknown")
            self.authors.setProperty("missing", not paper.authors)
            parts = [
                str(paper.year) if paper.year else "",
                paper.venue,
                f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else "",
                f"doi:{paper.doi}" if paper.doi else "",
                paper.source,
            ]
            self.meta.setText("  ·  ".join(p for p in parts if p))
            self.links.setText(_links_html(paper))
            self.links.setVisible(bool(paper.links or paper.url or paper.attachments))
            # Offered where a lookup can add something: an id to look up, details missing.
            self.fetch_button.setVisible(bool(paper.arxiv_id or paper.doi) and not (
                paper.authors and paper.abstract and paper.year))
            self.fetch_button.setEnabled(True)
            self.status_buttons[paper.status].setChecked(True)
            self._show_rating(paper.rating)
            self.priority_box.setCurrentIndex(self.priority_box.findData(paper.priority.value))
            self._show_timeline(paper.id)
            self.tags_edit.setText(", ".join(paper.tags))
            self.abstract.set_paper(paper)
            self.set_highlights(highlights)
            self.note_editor.set_paper(paper)
        finally:
            self._loading = False
        self.setCurrentIndex(1)
        self.similar_papers.show_for(paper.id)

    def fetch_details(self) -> None:
        """Complete the shown paper from arXiv or Crossref, off the GUI thread."""
        if self.paper is None or self.runner is None:
            return
        paper_id = self.paper.id
        self.fetch_button.setEnabled(False)

        def done(result: tuple[Paper, str]) -> None:
            self.errorOccurred.emit(f"Fetch details: {result[1]}")
            self.paperChanged.emit(paper_id)
            if self.paper is not None and self.paper.id == paper_id:
                self.show_paper(paper_id)

        def failed(message: str) -> None:
            self.fetch_button.setEnabled(True)
            self.errorOccurred.emit(f"Fetch details failed: {message}")

        self.runner.run(lambda: self.library.fetch_details(paper_id), on_success=done,
                        on_failure=failed)

    def similar_ids(self) -> list[int]:
        return self.similar_papers.ids()

    def _show_timeline(self, paper_id: int) -> None:
        """Added / queued / started / finished and the time spent in the queue, with
        every status change in the tooltip."""
        paper = self.paper if self.paper is not None and self.paper.id == paper_id else (
            self.library.get(paper_id))
        dates, changes = self.library.timeline(paper)
        parts = [f"{label} {when:%Y-%m-%d}" for label, when in
                 (("Added", dates.added), ("queued", dates.queued),
                  ("started", dates.started), ("finished", dates.finished)) if when]
        if dates.time_in_queue is not None:
            days = dates.time_in_queue.total_seconds() / 86400
            parts.append(f"{days:.0f} day{'s' if round(days) != 1 else ''} in the queue"
                         if days >= 1 else "less than a day in the queue")
        position = self.paper.queue_position if self.paper is not None else None
        if position:
            parts.insert(0, f"#{position} in the queue")
        self.timeline.setText(" · ".join(parts))
        self.timeline.setToolTip(tooltip("\n".join(
            f"{c.at:%Y-%m-%d %H:%M}  {c.status.label}" for c in changes)))

    def set_highlights(self, spans: Sequence[tuple[int, int]]) -> None:
        """Mark character ranges of the abstract (search matches) without touching its text."""
        self.abstract.set_search_spans(spans)

    def highlighted_text(self) -> list[str]:
        """The abstract passages marked as search matches (what the user sees marked)."""
        return self.abstract.search_highlighted_text()

    # -- saving ----------------------------------------------------------------------

    def _status_clicked(self, button: QPushButton) -> None:
        if self.paper is None or self._loading:
            return
        status = next(s for s, b in self.status_buttons.items() if b is button)
        if status == self.paper.status:
            return
        if not self.edits.change_status(self.paper.id, status, self.paper):
            self.status_buttons[self.paper.status].setChecked(True)  # not changed: say so

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.tags_edit and event.type() == QEvent.Type.FocusIn:
            # The library's tags, fresh when the user starts typing (not on every switch).
            self._completer.model().setStringList(  # type: ignore[attr-defined]
                sorted(self.library.tag_counts()))
        if (watched is self.tags_edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
                and self.paper is not None and not self._completer_shown()):
            self.tags_edit.setText(", ".join(self.paper.tags))  # Esc: the tags as they were
            self.tags_edit.setModified(False)
            return True
        return super().eventFilter(watched, event)

    def _completer_shown(self) -> bool:
        popup = self._completer.popup()
        return popup is not None and popup.isVisible()

    def _show_rating(self, rating: int | None) -> None:
        for n, star in enumerate(self.star_buttons, start=1):
            star.setText("★" if rating and n <= rating else "☆")
            star.setProperty("lit", bool(rating and n <= rating))
            star.style().unpolish(star)
            star.style().polish(star)

    def _star_clicked(self, stars: int) -> None:
        if self.paper is None or self._loading:
            return
        rating = None if self.paper.rating == stars else stars  # the same star again clears
        self.edits.change_rating(self.paper.id, rating, self.paper)

    def _priority_chosen(self, index: int) -> None:
        if self.paper is None or self._loading:
            return
        value = self.priority_box.itemData(index)
        if value == self.paper.priority.value:
            return
        self.edits.change_priority(self.paper.id, Priority(value))

    def save_tags(self) -> None:
        if self.paper is None or self._loading:
            return
        tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        self.edits.change_tags(self.paper.id, tags)  # the pane shows it from the Changes

    @property
    def unsaved_note(self) -> bool:
        """The last save of the note failed (its text is kept in the editor)."""
        return self.note_editor.unsaved

    def focus_note(self) -> None:
        self.note_editor.focus_editor()

    def _note_saved(self, paper_id: int) -> None:
        if self.paper is not None and self.paper.id == paper_id:
            self.paper = self.library.get(paper_id)
        self.paperChanged.emit(paper_id)

    def stop(self) -> None:
        """The window closes: no similar-papers lookup and no redraw after it (their
        timers would read the library, which may be closed by then)."""
        self.similar_papers.stop()
        self._changes_timer.stop()
        self._pending = None

    def flush(self) -> None:
        """Save whatever is still pending (called before switching papers and on quit)."""
        self.note_editor.flush()
        if self.paper is None:
            return
        if self.tags_edit.isModified():
            self.save_tags()
            self.tags_edit.setModified(False)

    # -- what changed -------------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Show the paper as it is now when a write (here, in the window, or by another
        program) changed it. A note being typed is never replaced: the editor keeps it
        and saves it (see NoteEditor.set_paper)."""
        if self.paper is None or not changes.touches(self.paper.id):
            return
        # Once control returns to the event loop: a triage key moves on to the next paper
        # first, and then this one needs no redrawing.
        self._pending = self._pending.merged(changes) if self._pending else changes
        self._changes_timer.start()

    def _apply_pending(self) -> None:
        changes, self._pending = self._pending, None
        if changes is None or self.paper is None or not changes.touches(self.paper.id):
            return
        paper_id = self.paper.id
        if paper_id in changes.removed:
            self.show_paper(None)
            return
        fields = changes.fields(paper_id)
        if not changes.everything and fields <= NOTE_FIELDS:
            self.note_editor.show_saved_if_newer(paper_id)  # Edit > Undo, the CLI
            return
        if not changes.everything and fields <= {ANNOTATIONS}:
            return  # the abstract redraws its highlights itself
        carried = changes.paper if changes.paper and changes.paper.id == paper_id else None
        self.show_paper(paper_id, self.abstract.search_spans(), carried)


def _links_html(paper: Paper) -> str:
    urls = ([paper.url] if paper.url else []) + [u for u in paper.links if u != paper.url]
    safe = [u for u in urls if u.lower().startswith(("http://", "https://"))]
    links = [
        f'<a href="{html.escape(u, quote=True)}">{html.escape(_short_url(u))}</a>' for u in safe
    ]
    for attachment in paper.attachments:  # opened by the desktop's PDF viewer
        name = Path(attachment.path).name
        target = QUrl.fromLocalFile(attachment.path).toString()
        links.append(f'<a href="{html.escape(target, quote=True)}">📄 {html.escape(name)}</a>')
    return "  ".join(links)


def _short_url(url: str) -> str:
    short = url.split("://", 1)[-1].rstrip("/")
    return short if len(short) <= 60 else short[:59] + "…"
