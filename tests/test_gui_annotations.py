"""Highlighting abstracts in the GUI (AbstractView), undo of every change, and the
library-wide Annotations view. Driven as a user would where Qt allows it offscreen:
selecting, clicking the floating toolbar, keys, hovering."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextCursor, QTextDocument, QUndoStack
from PySide6.QtWidgets import QApplication, QToolTip

from readinglist import Library
from readinglist.gui.detail.abstract_view import (
    HIGHLIGHT_STYLES,
    AbstractView,
    TextOffsets,
    search_match,
)
from readinglist.gui.dialogs.annotations_view import (
    COL_COMMENT,
    COL_PAPER,
    COL_QUOTE,
    AnnotationsDialog,
    AnnotationsView,
)

SOUPS = 28  # "Model soups: ..." in the seed page
PASSAGE = "averaging the weights of multiple models"
ARGB = QColor.NameFormat.HexArgb


@pytest.fixture
def view(qtbot, seeded_library: Library) -> AbstractView:
    widget = AbstractView(seeded_library)
    widget.set_undo_stack(QUndoStack(widget))
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    widget.set_paper(seeded_library.get(SOUPS))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def select(view: AbstractView, passage: str) -> tuple[int, int]:
    """Select `passage` the way Qt would: a QTextCursor found by the document (Qt units,
    not computed by the view), then return its Python offsets in the abstract."""
    cursor = view.document().find(passage, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not cursor.isNull(), passage
    view.setTextCursor(cursor)
    start = view.paper.abstract.index(passage)
    return start, start + len(passage)


def drawn(view: AbstractView) -> list[tuple[str, str]]:
    """(text, fill colour name) of each extra selection, in drawing order."""
    return [(s.cursor.selectedText(), s.format.background().color().name(ARGB))
            for s in view.extraSelections()]


def fill(colour: str) -> str:
    return HIGHLIGHT_STYLES[colour].fill.name(ARGB)


def test_selecting_a_passage_shows_the_toolbar_and_a_colour_highlights_it(qtbot, view,
                                                                          seeded_library):
    start, end = select(view, PASSAGE)
    qtbot.waitUntil(view.toolbar.isVisible)
    assert not view.toolbar.delete_button.isVisible()  # a new selection: nothing to delete
    # Floating over the text, near the selection.
    selection_top = view.cursorRect(view.textCursor()).top()
    assert abs(view.toolbar.geometry().bottom() - selection_top) < 60
    with qtbot.waitSignal(view.annotationsChanged) as changed:
        qtbot.mouseClick(view.toolbar.colour_buttons["green"], Qt.MouseButton.LeftButton)
    assert changed.args == [SOUPS]
    [note] = seeded_library.get(SOUPS).annotations
    assert (note.start, note.end, note.quote, note.colour, note.comment) == (
        start, end, PASSAGE, "green", "")
    assert (PASSAGE, fill("green")) in drawn(view)
    assert not view.textCursor().hasSelection() and not view.toolbar.isVisible()


def test_double_click_selects_a_word_and_keys_highlight_it(qtbot, view, seeded_library):
    index = view.paper.abstract.index("hyperparameters")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.point_at(index + 3))
    assert view.textCursor().selectedText() == "hyperparameters"
    qtbot.keyClick(view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # blue
    [note] = seeded_library.get(SOUPS).annotations
    assert (note.start, note.quote, note.colour) == (index, "hyperparameters", "blue")


def test_comment_key_asks_for_a_comment_and_highlights_with_it(qtbot, view, seeded_library):
    asked = []
    view.ask_comment = lambda title, label, text: asked.append(label) or "Uniform soup!"
    select(view, PASSAGE)
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert PASSAGE in asked[0]  # the dialog says which passage it is about
    [note] = seeded_library.get(SOUPS).annotations
    assert (note.quote, note.comment) == (PASSAGE, "Uniform soup!")
    commented = next(s for s in view.extraSelections() if s.cursor.selectedText() == PASSAGE)
    assert commented.format.underlineStyle() != commented.format.UnderlineStyle.NoUnderline


def test_cancelling_the_comment_dialog_creates_nothing(view, seeded_library):
    view.ask_comment = lambda title, label, text: None
    select(view, PASSAGE)
    view.comment()
    assert seeded_library.get(SOUPS).annotations == ()
    assert view.undo_stack.count() == 0


def test_white_space_around_a_selection_is_left_out(view, seeded_library):
    select(view, " " + PASSAGE + " ")
    view.apply_colour("pink")
    assert seeded_library.get(SOUPS).annotations[0].quote == PASSAGE


def test_hovering_a_highlight_shows_its_comment_colour_and_date_escaped(qtbot, view,
                                                                        seeded_library):
    select(view, PASSAGE)
    view.highlight_selection("purple", "Is this <b>really</b> free?")
    note = seeded_library.get(SOUPS).annotations[0]
    inside = view.point_at(note.start + 5)
    text = view.tooltip_text_at(inside)
    assert "Is this <b>really</b> free?" in text
    assert f"Purple highlight, {note.created.astimezone():%Y-%m-%d}" in text
    assert view.tooltip_text_at(view.point_at(note.end + 3)) == ""
    # The tooltip Qt shows is escaped: the comment is never rendered as markup.
    event = QHelpEvent(QEvent.Type.ToolTip, inside, view.viewport().mapToGlobal(inside))
    QApplication.sendEvent(view.viewport(), event)
    assert QToolTip.isVisible()
    assert "&lt;b&gt;really&lt;/b&gt;" in QToolTip.text()
    QToolTip.hideText()


def test_clicking_a_highlight_offers_colour_comment_and_delete_with_undo(qtbot, view,
                                                                         seeded_library):
    select(view, PASSAGE)
    view.highlight_selection("yellow")
    note = seeded_library.get(SOUPS).annotations[0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.point_at(note.start + 4))
    assert view.current_id == note.id
    assert view.toolbar.isVisible() and view.toolbar.delete_button.isVisible()
    assert view.toolbar.colour_buttons["yellow"].isChecked()

    qtbot.mouseClick(view.toolbar.colour_buttons["pink"], Qt.MouseButton.LeftButton)
    assert seeded_library.get(SOUPS).annotations[0].colour == "pink"
    assert (PASSAGE, fill("pink")) not in drawn(view)  # the selected one is drawn stronger
    view.ask_comment = lambda title, label, text: text + "second look"
    qtbot.mouseClick(view.toolbar.comment_button, Qt.MouseButton.LeftButton)
    assert seeded_library.get(SOUPS).annotations[0].comment == "second look"
    qtbot.mouseClick(view.toolbar.delete_button, Qt.MouseButton.LeftButton)
    assert seeded_library.get(SOUPS).annotations == ()
    assert view.extraSelections() == [] and not view.toolbar.isVisible()

    stack = view.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == [
        f"Highlight “{PASSAGE}”", "Change highlight colour to pink",
        "Edit highlight comment", f"Delete highlight “{PASSAGE}”"]
    stack.undo()  # the delete
    [back] = seeded_library.get(SOUPS).annotations
    assert (back.quote, back.colour, back.comment) == (PASSAGE, "pink", "second look")
    assert (PASSAGE, fill("pink")) in drawn(view)
    stack.undo()  # the comment: on the restored highlight, under its new id
    assert seeded_library.get(SOUPS).annotations[0].comment == ""
    stack.undo()  # the colour
    assert seeded_library.get(SOUPS).annotations[0].colour == "yellow"
    stack.undo()  # the highlight itself
    assert seeded_library.get(SOUPS).annotations == ()
    assert view.extraSelections() == []
    for _ in range(4):
        stack.redo()
    assert seeded_library.get(SOUPS).annotations == ()  # deleted again
    stack.undo()
    [again] = seeded_library.get(SOUPS).annotations
    assert (again.start, again.colour, again.comment) == (note.start, "pink", "second look")


def test_undo_of_delete_then_redo_then_undo_again(view, seeded_library):
    def soups_notes():
        return [a for a in seeded_library.get(SOUPS).annotations if a.quote == PASSAGE]

    select(view, PASSAGE)
    view.highlight_selection("green", "keep me")
    first = soups_notes()[0]
    select(view, "model soups")  # a later highlight: the restored one gets a new id
    view.highlight_selection("yellow")
    view.set_colour(first.id, "purple")
    view.delete_annotation(first.id)
    stack = view.undo_stack
    stack.undo()  # the delete
    [restored] = soups_notes()
    assert restored.id != first.id
    stack.redo()
    assert soups_notes() == []
    stack.undo()
    [again] = soups_notes()
    assert (again.quote, again.colour, again.comment) == (PASSAGE, "purple", "keep me")
    # The colour change made before the delete undoes on the highlight's current id.
    stack.undo()
    assert [a.colour for a in soups_notes()] == ["green"]
    stack.redo()
    stack.redo()
    assert soups_notes() == []
    stack.undo()
    view.set_colour(soups_notes()[0].id, "blue")  # a new edit after all that
    stack.undo()
    assert [a.colour for a in soups_notes()] == ["purple"]


def test_every_change_emits_annotations_changed(qtbot, view):
    select(view, PASSAGE)
    with qtbot.waitSignals([view.annotationsChanged] * 3):
        view.highlight_selection("yellow")
        note = view.annotations[0]
        view.set_colour(note.id, "green")
        view.undo_stack.undo()


def test_offsets_after_an_emoji_and_a_mathematical_letter(qtbot, empty_library):
    abstract = "Soups 🍲 for 𝔸ll: averaging the weights\r\nof many models 😀 works."
    paper = empty_library.add("Emoji soup", abstract=abstract).paper
    view = AbstractView(empty_library)
    qtbot.addWidget(view)
    view.set_paper(empty_library.get(paper.id))
    view.show()
    for passage, colour in (("averaging the weights", "yellow"), ("many models", "blue"),
                            ("works", "green")):
        start, end = select(view, passage)
        view.apply_colour(colour)
        made = empty_library.get(paper.id).annotations
        note = next(a for a in made if a.colour == colour)
        assert (note.start, note.end, note.quote) == (start, end, passage)
        assert abstract[note.start:note.end] == passage
    assert sorted(text for text, _ in drawn(view)) == [
        "averaging the weights", "many models", "works"]
    works = abstract.index("works")
    assert "Green highlight" in view.tooltip_text_at(view.point_at(works + 1))
    assert view.char_at(view.point_at(works + 1)) == works + 1
    view.set_search_spans([(works, works + len("works"))])  # search matches: same offsets
    assert view.search_highlighted_text() == ["works"]


def test_text_offsets_map_both_ways():
    offsets = TextOffsets("a😀b\r\nc")
    assert [offsets.to_qt(i) for i in range(7)] == [0, 1, 3, 4, 4, 5, 6]
    assert offsets.to_python(3) == 2  # "b"
    assert offsets.to_python(2) == 1 and offsets.to_python(2, round_up=True) == 2
    assert offsets.to_python(4) == 3 and offsets.to_python(5) == 5


def test_a_highlight_whose_passage_is_gone_is_listed_not_drawn(qtbot, view, seeded_library):
    select(view, "pick the individual model which performs best")
    view.highlight_selection("pink", "the usual way")
    select(view, PASSAGE)
    view.highlight_selection("yellow")
    abstract = seeded_library.get(SOUPS).abstract
    seeded_library.update(SOUPS, abstract=abstract.replace(
        "pick the individual model which performs best", "choose the best single model"))
    view.set_paper(seeded_library.get(SOUPS))
    assert [text for text, _ in drawn(view)] == [PASSAGE]
    assert view.missing.isVisible()
    assert view.missing.text() == ("1 highlight no longer found in the abstract: "
                                   "“pick the individual model which performs best”")
    assert "the usual way" in view.missing.toolTip()
    gone = view.unanchored()[0]
    view.select_annotation(gone.id)  # cannot be selected in the text
    assert view.current_id is None
    view.delete_annotation(gone.id)  # the strip's menu does this
    assert view.unanchored() == [] and not view.missing.isVisible()
    view.undo_stack.undo()
    assert [a.anchored for a in view.unanchored()] == [False]


def test_search_matches_stay_marked_alongside_highlights(view):
    select(view, PASSAGE)
    view.highlight_selection("green")
    abstract = view.paper.abstract
    spans = [(i, i + 4) for i in range(len(abstract)) if abstract.startswith("soup", i)]
    view.set_search_spans(spans)
    assert view.search_highlighted_text() == ["soup"] * len(spans)
    marks = drawn(view)
    assert marks[0] == (PASSAGE, fill("green"))
    assert marks[1:] == [("soup", search_match().name(ARGB))] * len(spans)
    view.set_paper(view.library.get(SOUPS))  # another paper shown: no stale matches
    assert view.search_highlighted_text() == []


def test_context_menu_offers_highlighting_and_editing(qtbot, view, seeded_library):
    select(view, PASSAGE)
    menu = view.create_context_menu(QPoint(1, 1))
    texts = [a.text() for a in menu.actions()]
    assert "Highlight Yellow" in texts and "Highlight with Comment…" in texts
    next(a for a in menu.actions() if a.text() == "Highlight Blue").trigger()
    note = seeded_library.get(SOUPS).annotations[0]
    assert note.colour == "blue"
    menu = view.create_context_menu(view.point_at(note.start + 2))
    assert view.current_id == note.id
    texts = [a.text() for a in menu.actions()]
    assert "Add Comment…" in texts and "Delete highlight" in texts
    next(a for a in menu.actions() if a.text() == "Delete highlight").trigger()
    assert seeded_library.get(SOUPS).annotations == ()


def test_the_view_follows_highlights_changed_elsewhere(view, seeded_library):
    select(view, PASSAGE)
    view.highlight_selection("yellow")
    note = seeded_library.get(SOUPS).annotations[0]
    seeded_library.update_annotation(note.id, colour="pink")  # not through the view
    assert [a.colour for a in view.paper.annotations] == ["pink"]
    seeded_library.delete_annotation(note.id)
    assert view.paper.annotations == ()


def test_delete_key_removes_the_selected_highlight(qtbot, view, seeded_library):
    select(view, PASSAGE)
    view.highlight_selection("yellow")
    note = seeded_library.get(SOUPS).annotations[0]
    view.select_annotation(note.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert seeded_library.get(SOUPS).annotations == ()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # not ours
    assert seeded_library.get(SOUPS).annotations == ()


def test_a_change_that_fails_is_reported_and_not_kept_on_the_stack(view, seeded_library):
    select(view, PASSAGE)
    view.highlight_selection("yellow")
    note = seeded_library.get(SOUPS).annotations[0]
    # Behind the view's back (the store itself, so that no Changes tells the view): the
    # edit then fails in the library.
    seeded_library.store.delete_annotation(note.id)
    errors = []
    view.errorOccurred.connect(errors.append)
    view.set_colour(note.id, "pink")
    assert errors and "Could not change the highlight" in errors[0]
    assert view.undo_stack.count() == 1  # only the highlight; the failed edit is dropped


def test_highlight_comments_are_searchable(view, seeded_library):
    select(view, PASSAGE)
    view.highlight_selection("yellow", "uniform soup recipe")
    assert seeded_library.search("annotation:recipe").ids == [SOUPS]
    view.undo_stack.undo()
    assert seeded_library.search("annotation:recipe").ids == []


def test_highlight_comments_are_searchable_with_background_indexing(qtbot, view,
                                                                    seeded_library):
    seeded_library.index_in_background()  # as the app runs
    select(view, PASSAGE)
    view.highlight_selection("green", "stochastic weight averaging")
    assert seeded_library.wait_for_index()
    assert seeded_library.search("annotation:stochastic").ids == [SOUPS]


# -- the Annotations view ----------------------------------------------------------------


def highlight(lib: Library, paper_id: int, passage: str, colour: str, comment: str = ""):
    start = lib.get(paper_id).abstract.index(passage)
    return lib.add_annotation(paper_id, start, start + len(passage), colour, comment).annotation


@pytest.fixture
def annotated(seeded_library: Library) -> Library:
    lib = seeded_library
    other = next(p for p in lib.list() if p.id != SOUPS and len(p.abstract) > 200)
    highlight(lib, SOUPS, PASSAGE, "yellow", "the core idea")
    highlight(lib, SOUPS, "model soups", "green")
    highlight(lib, other.id, other.abstract[:30].strip(), "green", "Intro <i>claim</i>")
    lib.set_tags(SOUPS, ["ensembles", "weights"])
    lib.set_tags(other.id, ["dialogue"])
    return lib


def test_annotations_view_lists_filters_and_counts(qtbot, annotated):
    view = AnnotationsView(annotated)
    qtbot.addWidget(view)
    assert view.count_label.text() == "3 highlights"
    assert {view.tag_box.itemText(i) for i in range(view.tag_box.count())} >= {
        "All tags", "ensembles", "dialogue"}
    row = next(r for r in range(view.proxy.rowCount())
               if view.proxy.index(r, COL_COMMENT).data() == "the core idea")
    assert view.proxy.index(row, COL_QUOTE).data() == f"“{PASSAGE}”"
    assert view.proxy.index(row, COL_PAPER).data() == annotated.get(SOUPS).title

    view.set_colour("green")
    assert {a.colour for a in view.shown_annotations()} == {"green"}
    assert view.count_label.text() == "2 highlights"
    view.set_tag("ensembles")
    assert [a.quote for a in view.shown_annotations()] == ["model soups"]
    view.set_colour(None)
    assert {a.paper_id for a in view.shown_annotations()} == {SOUPS}
    assert len(view.shown_annotations()) == 2
    view.set_tag(None)
    view.text_filter.setText("CLAIM")
    assert [a.comment for a in view.shown_annotations()] == ["Intro <i>claim</i>"]
    assert view.count_label.text() == "1 of 3 highlights"
    view.text_filter.setText("soups")
    assert [a.quote for a in view.shown_annotations()] == ["model soups"]


def test_annotations_view_opens_the_paper_on_double_click_and_enter(qtbot, annotated):
    view = AnnotationsView(annotated)
    qtbot.addWidget(view)
    view.resize(800, 300)
    view.show()
    qtbot.waitExposed(view)
    view.set_tag("weights")
    view.text_filter.setText("core")
    index = view.proxy.index(0, COL_QUOTE)
    rect = view.table.visualRect(index)
    assert rect.isValid() and view.proxy.rowCount() == 1
    with qtbot.waitSignal(view.openPaper) as opened:
        # A double-click is a click and then a second press (QTest sends only the latter).
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                          pos=rect.center())
    assert opened.args == [SOUPS]
    view.table.setCurrentIndex(index)
    with qtbot.waitSignal(view.openPaper) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [SOUPS]


def test_annotations_view_refresh_keeps_filters_and_marks_lost_passages(qtbot, annotated):
    dialog = AnnotationsDialog(annotated)
    qtbot.addWidget(dialog)
    view = dialog.view
    view.set_colour("yellow")
    abstract = annotated.get(SOUPS).abstract
    annotated.update(SOUPS, abstract=abstract.replace(PASSAGE, "a uniform soup"))
    highlight(annotated, SOUPS, "a uniform soup", "yellow")
    dialog.refresh()
    assert view.colour == "yellow" and view.count_label.text() == "2 highlights"
    lost = next(r for r in range(view.proxy.rowCount())
                if view.proxy.index(r, COL_QUOTE).data() == f"“{PASSAGE}”")
    index = view.proxy.index(lost, COL_QUOTE)
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    assert "No longer found" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_the_view_follows_a_highlight_made_in_the_abstract(qtbot, view, seeded_library):
    listing = AnnotationsView(seeded_library)
    qtbot.addWidget(listing)
    view.annotationsChanged.connect(lambda _pid: listing.refresh())
    assert listing.count_label.text().startswith("No highlights yet")
    select(view, PASSAGE)
    view.highlight_selection("blue")
    assert [a.quote for a in listing.shown_annotations()] == [PASSAGE]
    view.undo_stack.undo()
    assert listing.shown_annotations() == []


def test_a_cursor_in_the_text_is_mapped_not_guessed(view):
    """select() finds passages with QTextDocument.find, independently of the view."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(5)
    cursor.setPosition(9, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert view.selected_range() == (5, 9)
