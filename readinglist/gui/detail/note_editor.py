"""The note editor of the detail pane: a paper's Markdown note with a rendered preview.

The note is saved by itself: after a short pause in typing, at once by `flush()` (before
another paper is shown and when the window closes), and there is no Save button. A save
that fails keeps the text in the editor (`unsaved` says so) and is tried again on the
next edit or flush; the text of a paper left while unsaved is kept, shown again when the
paper comes back, and saved with the next successful save.

In the preview, references to other papers of the library (#28, paper:28, arXiv ids,
DOIs) are links; clicking one emits `openPaper(id)`. The preview is note_preview.py, the
colouring of the source markdown_highlighter.py, the dates line note_dates.py.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFontDatabase,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain import Paper, PaperNotFound
from ...library.service import Library
from ..commands.paper_edits import PaperEdits
from ..plain_text import tooltip
from .markdown_highlighter import MarkdownHighlighter as MarkdownHighlighter  # re-exported
from .markdown_highlighter import utf16_len
from .note_dates import FittingLabel, local_time, note_times
from .note_dates import relative_time as relative_time  # re-exported
from .note_preview import EMPTY_PREVIEW as EMPTY_PREVIEW  # re-exported
from .note_preview import PREVIEW_CSS as PREVIEW_CSS  # re-exported
from .note_preview import TABLE_TAG as TABLE_TAG  # re-exported
from .note_preview import NotePreview

# The names these had when they lived here.
_local = local_time
_utf16_len = utf16_len
_FittingLabel = FittingLabel

NOTE_SAVE_DELAY_MS = 600
PREVIEW_DELAY_MS = 150  # the preview follows typing closely; rendering takes ~1 ms
HEADER_REFRESH_MS = 30_000  # "edited 5 min ago" moves on while the paper is shown
MODE_SETTING = "notes/mode"
# Wider than this, Split shows editor and preview side by side; narrower, one above the
# other (each half would be too narrow for a line of text).
SIDE_BY_SIDE_WIDTH = 640

PLACEHOLDER = (
    "Write a note in Markdown: # Heading, *emphasis*, **bold**, - lists, `code`.\n"
    "Link other papers of the library by id (#28 or paper:28), arXiv id (arXiv:2203.05482) "
    "or DOI; in the preview they open the paper.\n"
    "The note is saved as you type."
)
# The editor's own shapes (compact mode buttons); kept with the widget it belongs to. Its
# colours are the theme's, in style.qss (QPlainTextEdit#noteEditor, QLabel#noteDates).
EDITOR_QSS = """
QPushButton#noteMode { padding: 1px 9px; border-radius: 0px; }
QPushButton#noteMode[first="true"] { border-top-left-radius: 4px; border-bottom-left-radius: 4px; }
QPushButton#noteMode[last="true"] { border-top-right-radius: 4px; border-bottom-right-radius: 4px; }
"""


class NoteMode(enum.StrEnum):
    EDIT = "edit"
    SPLIT = "split"
    PREVIEW = "preview"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Split by default: it is the nearest thing here to Obsidian's Live Preview and Zettlr's
# inline rendering, which show the rendered note while you type, so paper links are one
# click away without leaving the editor. The user's choice is remembered.
DEFAULT_MODE = NoteMode.SPLIT

WAIT_FOR_WRITER_MS = 1000  # how soon an autosave that met an import tries again

class NoteEditor(QWidget):
    """A paper's note: Markdown source and rendered preview (Edit / Split / Preview).

    Emits `paperChanged(id)` after each save, `openPaper(id)` when a link to a paper of the
    library is clicked, `errorOccurred(message)` when a save fails.
    """

    paperChanged = Signal(int)
    openPaper = Signal(int)
    errorOccurred = Signal(str)

    def __init__(self, library: Library, parent: QWidget | None = None,
                 edits: PaperEdits | None = None) -> None:
        super().__init__(parent)
        self.library = library
        # Each save is an undoable command (on the window's undo stack; on its own, the
        # editor keeps a stack of its own): the one way a note is written.
        self.edits = edits or PaperEdits(library, QUndoStack(self), parent=self)
        self.paper: Paper | None = None
        self._loading = False
        self._failed = False  # the last save of the shown note failed
        self._kept: dict[int, str] = {}  # unsaved texts of papers no longer shown
        self._preview_stale = True
        self.setObjectName("noteEditorPane")
        self.setStyleSheet(EDITOR_QSS)

        self._save_timer = QTimer(self, singleShot=True, interval=NOTE_SAVE_DELAY_MS)
        self._timed_save = False  # a save the timer started (not a flush): may wait
        self._save_timer.timeout.connect(self._timed)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.render_preview)
        self._header_timer = QTimer(self, interval=HEADER_REFRESH_MS)
        self._header_timer.timeout.connect(self._show_times)

        self._build()
        self.set_mode(_saved_mode(), remember=False)
        self.set_paper(None)

    # -- building --------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)

        header = QHBoxLayout()
        header.setSpacing(8)
        title = QLabel("Note")
        title.setObjectName("sectionLabel")
        header.addWidget(title)
        self.times = FittingLabel()
        self.times.setObjectName("noteDates")
        header.addWidget(self.times, 1)
        self.state = QLabel()
        self.state.setObjectName("noteState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        header.addWidget(self.state)

        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[NoteMode, QPushButton] = {}
        buttons = QHBoxLayout()
        buttons.setSpacing(0)
        hints = {
            NoteMode.EDIT: "Only the Markdown source",
            NoteMode.SPLIT: "Source and rendered note together",
            NoteMode.PREVIEW: "Only the rendered note (links to papers open them)",
        }
        for index, mode in enumerate(NoteMode):
            button = QPushButton(mode.label)
            button.setObjectName("noteMode")
            button.setCheckable(True)
            button.setToolTip(hints[mode])
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setProperty("first", index == 0)
            button.setProperty("last", index == len(NoteMode) - 1)
            button.clicked.connect(lambda _checked=False, m=mode: self.set_mode(m))
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            buttons.addWidget(button)
        header.addLayout(buttons)
        layout.addLayout(header)

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText(PLACEHOLDER)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(self.font().pointSizeF() - 0.5, 8.0))
        self.editor.setFont(font)
        self.editor.setTabStopDistance(4 * self.editor.fontMetrics().horizontalAdvance(" "))
        self.highlighter = MarkdownHighlighter(self.editor.document())
        self.editor.textChanged.connect(self._text_changed)

        self.preview = NotePreview(self.library)
        self.preview.openPaper.connect(self.openPaper)
        self.preview.errorOccurred.connect(self.errorOccurred)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.preview)
        self.splitter.setSizes([1, 1])
        layout.addWidget(self.splitter, 1)

        # Reflex saves are harmless and reassuring; the note is saved anyway.
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.flush)

    # -- modes -----------------------------------------------------------------------

    @property
    def mode(self) -> NoteMode:
        return self._mode

    def set_mode(self, mode: NoteMode | str, remember: bool = True) -> None:
        """Edit, Split or Preview; remembered for the next start unless `remember` is
        False."""
        self._mode = NoteMode(mode)
        self.mode_buttons[self._mode].setChecked(True)
        self.editor.setVisible(self._mode != NoteMode.PREVIEW)
        self.preview.setVisible(self._mode != NoteMode.EDIT)
        if self._mode != NoteMode.EDIT and self._preview_stale:
            self.render_preview()
        if remember:
            QSettings().setValue(MODE_SETTING, self._mode.value)

    def focus_editor(self) -> None:
        """Put the cursor at the end of the note, ready to type (from Preview to Split)."""
        if self._mode == NoteMode.PREVIEW:
            self.set_mode(NoteMode.SPLIT, remember=False)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            self.splitter.setSizes([1, 1])  # halves

    # -- showing ---------------------------------------------------------------------

    def set_paper(self, paper: Paper | None) -> None:
        """Show `paper`'s note (None: nothing). The note shown so far is saved first;
        loading the new one does not count as an edit."""
        previous = self.paper
        self.flush()
        if previous is not None and self._failed and (paper is None or paper.id != previous.id):
            # Its save failed: keep the text to show again and save later.
            self._kept[previous.id] = self.editor.toPlainText()
            self._failed = False
        known = self.paper  # after the flush: with the note as saved
        if paper is not None and known is not None and paper.id == known.id and (
            self._failed or not _changed_elsewhere(known, paper)
        ):
            # The same note again (the pane refreshed): keep cursor, scroll and undo, and
            # never go back to an older text (a caller may hold the paper from before the
            # flush).
            if _stamp(paper) >= _stamp(known):
                self.paper = paper
            self._show_times()
            return
        self.paper = paper
        kept = self._kept.pop(paper.id, None) if paper is not None else None
        self._loading = True
        try:
            self.editor.setPlainText(kept if kept is not None else (paper.note if paper else ""))
        finally:
            self._loading = False
        self.editor.setEnabled(paper is not None)
        self._failed = kept is not None
        self.state.setText("Not saved" if kept is not None else "")
        if kept is not None:
            self._save_timer.start()  # try again
        self._show_times()
        if paper is None:
            self._header_timer.stop()
        else:
            self._header_timer.start()
        self._preview_stale = True
        if self._mode != NoteMode.EDIT:
            self.render_preview()

    def show_saved_if_newer(self, paper_id: int) -> None:
        """The library's note of the shown paper changed: show it, unless it is what the
        editor holds already (its own save) or the user is typing (their text is saved
        over it, as set_paper does)."""
        if self.paper is None or self.paper.id != paper_id:
            return
        paper = self.library.get(paper_id)
        if paper.note == self.editor.toPlainText():
            self.paper = paper
            self._show_times()
        elif not self._save_timer.isActive() and not self._failed:
            self.show_saved(paper_id)

    def show_saved(self, paper_id: int) -> None:
        """Show the note as the library has it now, when Edit > Undo or Redo changed it
        (an undo may come within the same second as the last save, when the times the
        editor compares cannot tell the newer note)."""
        if self.paper is None or self.paper.id != paper_id:
            return
        self._save_timer.stop()  # nothing of the shown text is to be saved over it
        self.paper = None
        self.set_paper(self.library.get(paper_id))

    def text(self) -> str:
        return self.editor.toPlainText()

    def _show_times(self) -> None:
        paper = self.paper
        if paper is None:
            self.times.set_variants([])
            self.times.setToolTip("")
            return
        self.times.set_variants([note_times(paper.note_created, paper.note_modified),
                                 note_times(None, paper.note_modified)])
        exact = [f"{label} {local_time(when):%Y-%m-%d %H:%M}" for label, when in
                 (("Created", paper.note_created), ("Last edited", paper.note_modified))
                 if when is not None]
        self.times.setToolTip(tooltip("\n".join(exact)))

    def render_preview(self) -> None:
        """Render the note into the preview (skipped while it is hidden)."""
        self._preview_timer.stop()
        if self._mode == NoteMode.EDIT:
            self._preview_stale = True
            return
        self.preview.show_note(self.editor.toPlainText())
        self._preview_stale = False

    def preview_html(self) -> str:
        """The note as HTML for the preview."""
        return self.preview.note_html(self.editor.toPlainText())

    # -- saving ----------------------------------------------------------------------

    @property
    def unsaved(self) -> bool:
        """Some note text is not saved: the shown one's last save failed, or a paper was
        left while its save failed."""
        return self._failed or bool(self._kept)

    def _text_changed(self) -> None:
        if self._loading or self.paper is None:
            return
        self.state.setText("Editing…")
        self._save_timer.start()
        self._preview_stale = True
        if self._mode != NoteMode.EDIT:
            self._preview_timer.start()

    def save(self) -> bool:
        """Save the shown note now if it changed, and any kept unsaved ones. True if
        nothing is left unsaved."""
        self._save_timer.stop()
        if self._timed_save and self.library.writing_elsewhere():
            # An import holds the writer: saving now would freeze the window until it
            # commits. The text stays here and is saved a moment later.
            self.state.setText("Saving after the import…")
            self._save_timer.start(WAIT_FOR_WRITER_MS)
            return False
        for paper_id, text in list(self._kept.items()):
            if self._store(paper_id, text):
                del self._kept[paper_id]
        paper = self.paper
        if paper is not None:
            text = self.editor.toPlainText()
            if text != paper.note or self._failed:
                self._failed = not self._store(paper.id, text)
                self.state.setText("Not saved" if self._failed else "Saved")
                self._show_times()
            elif self.state.text() == "Editing…":  # edited back to the saved text
                self.state.setText("Saved")
        return not self.unsaved

    def _timed(self) -> None:
        self._save_timer.setInterval(NOTE_SAVE_DELAY_MS)  # after a wait for the writer
        self._timed_save = True
        try:
            self.save()
        finally:
            self._timed_save = False

    def flush(self) -> bool:
        """Save whatever is still pending (called before switching papers and on quit).
        True if nothing is left unsaved."""
        if self._preview_timer.isActive():
            self.render_preview()
        return self.save()

    def _store(self, paper_id: int, text: str) -> bool:
        """Save one note through the library; False (and a message) if it failed."""
        known = self.paper if self.paper is not None and self.paper.id == paper_id else None
        failures: list[str] = []
        say = self.edits.say
        self.edits.say = failures.append  # this editor tells of its own failures
        try:
            before = known.note if known is not None else self.library.get(paper_id).note
            self.edits.change_note(paper_id, before, text)
            paper = self.library.get(paper_id)
        except PaperNotFound:
            # Deleted meanwhile: there is nothing left to save the note into.
            self.errorOccurred.emit(f"Note of paper #{paper_id} not saved: the paper was deleted")
            return True
        except Exception as exc:  # a locked or full disk too: say so, keep the text
            failures.append(f"Note not saved: {exc}")
        finally:
            self.edits.say = say
        if failures:
            reason = failures[0]
            self.errorOccurred.emit(reason if reason.startswith("Note not saved")
                                    else f"Note not saved: {reason}")
            return False
        if self.paper is not None and self.paper.id == paper_id:
            self.paper = paper
        self.paperChanged.emit(paper_id)
        return True


def _stamp(paper: Paper) -> datetime:
    return paper.note_modified or datetime.min.replace(tzinfo=UTC)


def _changed_elsewhere(known: Paper, given: Paper) -> bool:
    """`given` (the same paper) has a newer note than the one the editor knows: it was
    changed elsewhere (the command line, a merge) and the editor should show it."""
    return given.note != known.note and _stamp(given) > _stamp(known)


def _saved_mode() -> NoteMode:
    value = QSettings().value(MODE_SETTING, DEFAULT_MODE.value)
    try:
        return NoteMode(str(value))
    except ValueError:
        return DEFAULT_MODE
