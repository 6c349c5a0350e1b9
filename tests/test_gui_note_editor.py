"""The note editor, driven as a user would: typing, switching papers, clicking links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument

from readinglist import Library, ReadinglistError
from readinglist.gui.detail.note_editor import PLACEHOLDER, NoteEditor, NoteMode, note_times

MODEL_SOUPS = 28  # "Model soups: ..." in the seed page
OTHER = 30


pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def editor(qtbot, seeded_library: Library) -> NoteEditor:
    widget = NoteEditor(seeded_library)
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.show()
    widget.set_paper(seeded_library.get(MODEL_SOUPS))
    yield widget
    widget.flush()  # before the library closes


def type_text(qtbot, editor: NoteEditor, text: str) -> None:
    editor.editor.setFocus()
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    for number, line in enumerate(text.split("\n")):
        if number:  # QTest types no "\n": press Return as a user would
            qtbot.keyClick(editor.editor, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(editor.editor, line)


def anchors(document: QTextDocument) -> list[tuple[str, str]]:
    """(href, text) of every link the preview shows."""
    found = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor():
                found.append((fragment.charFormat().anchorHref(), fragment.text()))
            it += 1
        block = block.next()
    return found


def test_typing_then_waiting_saves(qtbot, editor: NoteEditor, seeded_library: Library) -> None:
    assert seeded_library.get(MODEL_SOUPS).note_created is None
    with qtbot.waitSignal(editor.paperChanged, timeout=5000) as saved:
        type_text(qtbot, editor, "Greedy soups win")
    assert saved.args == [MODEL_SOUPS]
    paper = seeded_library.get(MODEL_SOUPS)
    assert paper.note == "Greedy soups win"
    assert paper.note_created is not None and paper.note_modified is not None
    assert editor.times.text().startswith("Created ")  # the editor is wide enough
    assert "edited just now" in editor.times.text()
    assert editor.state.text() == "Saved"
    assert not editor.unsaved

    created = paper.note_created
    with qtbot.waitSignal(editor.paperChanged, timeout=5000):
        type_text(qtbot, editor, ", mostly.")
    again = seeded_library.get(MODEL_SOUPS)
    assert again.note == "Greedy soups win, mostly."
    assert again.note_created == created  # set once
    assert again.note_modified is not None and again.note_modified >= paper.note_modified


def test_flush_saves_at_once(qtbot, editor: NoteEditor, seeded_library: Library) -> None:
    type_text(qtbot, editor, "Flushed text")
    assert editor.flush() is True
    assert seeded_library.get(MODEL_SOUPS).note == "Flushed text"


def test_switching_papers_loses_no_keystroke(qtbot, editor: NoteEditor,
                                             seeded_library: Library) -> None:
    changed: list[int] = []
    editor.paperChanged.connect(changed.append)
    type_text(qtbot, editor, "first paper's note")
    editor.set_paper(seeded_library.get(OTHER))  # at once, before the save timer ran
    assert seeded_library.get(MODEL_SOUPS).note == "first paper's note"
    assert changed == [MODEL_SOUPS]
    assert editor.text() == ""
    type_text(qtbot, editor, "second")
    editor.set_paper(seeded_library.get(MODEL_SOUPS))
    assert seeded_library.get(OTHER).note == "second"
    assert editor.text() == "first paper's note"


def test_loading_a_paper_does_not_save(qtbot, editor: NoteEditor,
                                       seeded_library: Library) -> None:
    seeded_library.set_note(OTHER, "Written elsewhere")
    before = seeded_library.get(OTHER)
    changed: list[int] = []
    editor.paperChanged.connect(changed.append)
    editor.set_paper(before)
    assert editor.text() == "Written elsewhere"
    editor.flush()
    assert changed == []
    assert seeded_library.get(OTHER).note_modified == before.note_modified
    assert editor.state.text() == ""


def test_refreshing_the_same_paper_keeps_the_edits(qtbot, editor: NoteEditor,
                                                   seeded_library: Library) -> None:
    stale = seeded_library.get(MODEL_SOUPS)  # fetched before the typing
    type_text(qtbot, editor, "typed just now")
    editor.set_paper(stale)
    assert editor.text() == "typed just now"
    assert seeded_library.get(MODEL_SOUPS).note == "typed just now"


def test_a_note_changed_elsewhere_is_shown(qtbot, editor: NoteEditor,
                                           seeded_library: Library) -> None:
    editor.set_paper(seeded_library.get(OTHER))
    seeded_library.set_note(MODEL_SOUPS, "from the command line")
    editor.set_paper(seeded_library.get(MODEL_SOUPS))
    assert editor.text() == "from the command line"


def test_failed_save_keeps_the_text(qtbot, editor: NoteEditor, seeded_library: Library,
                                    monkeypatch) -> None:
    real_set_note = seeded_library.set_note

    def broken(paper_id: int, text: str):
        raise ReadinglistError("database is locked")

    monkeypatch.setattr(seeded_library, "set_note", broken)
    with qtbot.waitSignal(editor.errorOccurred, timeout=5000) as error:
        type_text(qtbot, editor, "precious words")
    assert "database is locked" in error.args[0]
    assert editor.unsaved
    assert editor.text() == "precious words"
    assert editor.state.text() == "Not saved"
    assert editor.flush() is False

    # Leaving the paper keeps its text; it comes back with the paper.
    editor.set_paper(seeded_library.get(OTHER))
    assert editor.unsaved
    editor.set_paper(seeded_library.get(MODEL_SOUPS))
    assert editor.text() == "precious words"
    assert seeded_library.get(MODEL_SOUPS).note == ""

    monkeypatch.setattr(seeded_library, "set_note", real_set_note)
    assert editor.flush() is True
    assert not editor.unsaved
    assert seeded_library.get(MODEL_SOUPS).note == "precious words"


def test_kept_text_of_a_left_paper_is_saved_later(qtbot, editor: NoteEditor,
                                                  seeded_library: Library,
                                                  monkeypatch) -> None:
    real_set_note = seeded_library.set_note
    def broken(paper_id: int, text: str):
        raise ReadinglistError("disk full")

    monkeypatch.setattr(seeded_library, "set_note", broken)
    type_text(qtbot, editor, "kept")
    editor.set_paper(seeded_library.get(OTHER))  # the save fails
    assert editor.unsaved
    monkeypatch.setattr(seeded_library, "set_note", real_set_note)
    assert editor.flush() is True  # the next save takes the kept text along
    assert seeded_library.get(MODEL_SOUPS).note == "kept"
    assert not editor.unsaved


def test_a_deleted_paper_does_not_block(qtbot, editor: NoteEditor,
                                        seeded_library: Library) -> None:
    type_text(qtbot, editor, "about to go")
    seeded_library.delete(MODEL_SOUPS)
    editor.flush()
    assert not editor.unsaved  # nothing to save into: closing the window must not hang


def test_preview_renders_markdown_and_shows_html_as_text(qtbot, editor: NoteEditor) -> None:
    editor.set_mode(NoteMode.SPLIT)
    type_text(qtbot, editor, "# Soups\n\nThey *average* weights. <script>alert(1)</script>")
    editor.flush()
    document = editor.preview.document()
    first = document.begin()
    assert first.text() == "Soups"
    assert first.blockFormat().headingLevel() == 1
    italic = []
    block = first
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().fontItalic():
                italic.append(it.fragment().text())
            it += 1
        block = block.next()
    assert italic == ["average"]
    assert "<script>alert(1)</script>" in editor.preview.toPlainText()


def test_preview_follows_typing(qtbot, editor: NoteEditor) -> None:
    editor.set_mode(NoteMode.SPLIT)
    type_text(qtbot, editor, "**bold move**")
    qtbot.waitUntil(lambda: "bold move" in editor.preview.toPlainText(), timeout=5000)
    assert "**" not in editor.preview.toPlainText()


def test_paper_link_opens_the_paper(qtbot, editor: NoteEditor,
                                    seeded_library: Library) -> None:
    editor.set_paper(seeded_library.get(OTHER))
    editor.set_mode(NoteMode.EDIT)
    type_text(qtbot, editor, "Builds on #28; not #999.")
    editor.mode_buttons[NoteMode.PREVIEW].click()
    links = anchors(editor.preview.document())
    assert links == [("readinglist://paper/28", "#28")]  # #999 is no paper: plain text
    with qtbot.waitSignal(editor.openPaper, timeout=1000) as opened:
        editor.preview.anchorClicked.emit(QUrl(links[0][0]))
    assert opened.args == [MODEL_SOUPS]


def test_link_to_a_missing_paper_does_not_open(qtbot, editor: NoteEditor) -> None:
    opened: list[int] = []
    editor.openPaper.connect(opened.append)
    with qtbot.waitSignal(editor.errorOccurred, timeout=1000):
        editor.preview.anchorClicked.emit(QUrl("readinglist://paper/999"))
    editor.preview.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == []


def test_arxiv_reference_links_to_the_paper(qtbot, editor: NoteEditor,
                                            seeded_library: Library) -> None:
    seeded_library.update(MODEL_SOUPS, arxiv_id="2203.05482")
    editor.set_paper(seeded_library.get(OTHER))
    editor.set_mode(NoteMode.SPLIT)
    type_text(qtbot, editor, "see arXiv:2203.05482 and https://arxiv.org/abs/2203.05482")
    editor.flush()
    assert anchors(editor.preview.document()) == [
        ("readinglist://paper/28", "arXiv:2203.05482"),
        ("readinglist://paper/28", "https://arxiv.org/abs/2203.05482"),
    ]


def test_saved_note_is_searchable(qtbot, editor: NoteEditor, seeded_library: Library) -> None:
    seeded_library.index_in_background()  # as the app runs it
    type_text(qtbot, editor, "Zanzibar fine-tuning trick")
    editor.flush()
    assert seeded_library.wait_for_index()
    assert seeded_library.search("note:zanzibar").ids == [MODEL_SOUPS]


def test_modes_show_and_hide_and_are_remembered(qtbot, editor: NoteEditor,
                                                seeded_library: Library) -> None:
    editor.mode_buttons[NoteMode.PREVIEW].click()
    assert editor.mode == NoteMode.PREVIEW
    assert editor.preview.isVisible() and not editor.editor.isVisible()
    editor.mode_buttons[NoteMode.EDIT].click()
    assert editor.editor.isVisible() and not editor.preview.isVisible()
    editor.mode_buttons[NoteMode.SPLIT].click()
    assert editor.editor.isVisible() and editor.preview.isVisible()
    editor.mode_buttons[NoteMode.EDIT].click()

    second = NoteEditor(seeded_library)
    qtbot.addWidget(second)
    assert second.mode == NoteMode.EDIT


def test_focus_editor_leaves_preview(qtbot, editor: NoteEditor) -> None:
    editor.set_mode(NoteMode.PREVIEW)
    editor.focus_editor()
    assert editor.mode == NoteMode.SPLIT
    assert editor.editor.isVisible()


def test_placeholder_explains_markdown_and_links(editor: NoteEditor) -> None:
    assert editor.editor.placeholderText() == PLACEHOLDER
    assert "Markdown" in PLACEHOLDER and "#28" in PLACEHOLDER


def test_no_paper_disables_the_editor(editor: NoteEditor) -> None:
    editor.set_paper(None)
    assert not editor.editor.isEnabled()
    assert editor.text() == "" and editor.times.full_text() == ""


def test_note_times() -> None:
    now = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    created = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert note_times(created, now - timedelta(minutes=5), now) == (
        "Created 2026-11-02 · edited 5 min ago")
    assert note_times(created, now - timedelta(seconds=20), now).endswith("edited just now")
    assert note_times(created, now - timedelta(hours=3), now).endswith("edited 3 h ago")
    assert note_times(created - timedelta(days=9), now - timedelta(days=9), now) == (
        "Created 2026-10-24 · edited on 2026-10-24")
    assert note_times(None, None, now) == ""
    assert note_times(None, now, now) == "Edited just now"
