"""The paper editor: every field of a paper edited in one dialog and saved as one undo
step; problems shown beside the fields as they are typed (OK waits until there are
none); a paper added by hand (Ctrl+N), undone to the Trash and redone back from it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from readinglist import Library
from readinglist.gui.dialogs.paper_editor import PaperEditor
from readinglist.gui.window.main_window import MainWindow

SOUPS = 28


@pytest.fixture
def window(paper_28_window: MainWindow) -> MainWindow:
    return paper_28_window


def editor(window: MainWindow, paper_id: int | None = SOUPS) -> PaperEditor:
    dialog = (window.paper_editing.edit(paper_id) if paper_id is not None
              else window.paper_editing.add())
    assert dialog is not None and dialog.isVisible()
    return dialog


def problem(dialog: PaperEditor, field: str) -> str:
    label = dialog.messages[field]
    return label.text() if label.isVisibleTo(dialog) else ""


def fill_every_field(dialog: PaperEditor) -> None:
    dialog.type_box.setCurrentText("inproceedings")
    dialog.title_edit.setText("Model soups, revisited")
    dialog.authors_edit.setPlainText("Wortsman, Mitchell\nIlharco, Gabriel\n\nGadre, Samir Ya")
    dialog.year_edit.setText("2023")
    dialog.venue_edit.setText("ICML")
    dialog.extra_boxes["volume"].setText("162")
    dialog.extra_boxes["number"].setText("7")
    dialog.extra_boxes["pages"].setText("23965--23998")
    dialog.extra_boxes["publisher"].setText("PMLR")
    dialog.doi_edit.setText("https://doi.org/10.5555/ABC.123")
    dialog.arxiv_edit.setText("arXiv:2101.00001v3")
    dialog.url_edit.setText("https://example.org/soups")
    dialog.key_edit.setText("wortsman2023soups")
    dialog.abstract_edit.setPlainText("A new abstract.")
    dialog.add_extra_row("Series", "Proceedings of Machine Learning Research")


def test_every_field_is_saved_as_one_undo_step(qtbot, window: MainWindow,
                                               seeded_library: Library):
    before = seeded_library.get(SOUPS)
    dialog = editor(window)
    assert dialog.windowTitle() == f"Edit paper #{SOUPS}"
    assert dialog.title_edit.text() == before.title
    assert dialog.changes() == {}  # opened and left alone: nothing would be written
    fill_every_field(dialog)
    assert dialog.ok_button.isEnabled(), dialog.problems
    dialog.accept()
    assert not dialog.isVisible()

    after = seeded_library.get(SOUPS)
    assert after.entry_type == "inproceedings"
    assert after.title == "Model soups, revisited"
    assert after.authors == ("Wortsman, Mitchell", "Ilharco, Gabriel", "Gadre, Samir Ya")
    assert after.year == 2023
    assert after.venue == "ICML"
    assert after.doi == "10.5555/abc.123"
    assert after.arxiv_id == "2101.00001"
    assert after.url == "https://example.org/soups"
    assert after.citation_key == "wortsman2023soups"
    assert after.abstract == "A new abstract."
    assert {k: after.extra[k] for k in ("volume", "number", "pages", "publisher", "series")} == {
        "volume": "162", "number": "7", "pages": "23965--23998", "publisher": "PMLR",
        "series": "Proceedings of Machine Learning Research"}
    assert window.undo_stack.count() == 1
    # The pane shows it from the library's Changes.
    qtbot.waitUntil(lambda: window.detail.title.text() == "Model soups, revisited")

    window.undo_stack.undo()
    back = seeded_library.get(SOUPS)
    for name in ("entry_type", "title", "authors", "year", "venue", "doi", "arxiv_id", "url",
                 "citation_key", "abstract", "extra"):
        assert getattr(back, name) == getattr(before, name), name
    window.undo_stack.redo()
    assert seeded_library.get(SOUPS).title == "Model soups, revisited"
    assert seeded_library.get(SOUPS).extra["series"].startswith("Proceedings")


def test_only_the_changed_fields_are_written(window: MainWindow, seeded_library: Library):
    dialog = editor(window)
    dialog.year_edit.setText("1999")
    assert dialog.changes() == {"year": 1999}
    dialog.accept()
    assert seeded_library.get(SOUPS).year == 1999
    assert window.undo_stack.text(0) == f"Edit the year of #{SOUPS}"


def test_an_extra_field_can_be_removed(window: MainWindow, seeded_library: Library):
    seeded_library.update(SOUPS, extra={"series": "PMLR", "month": "jul"})
    dialog = editor(window)
    assert dialog.extra_rows() == [("series", "PMLR"), ("month", "jul")]
    dialog.extra_table.selectRow(0)
    dialog.remove_extra_rows()
    dialog.accept()
    assert dict(seeded_library.get(SOUPS).extra) == {"month": "jul"}
    window.undo_stack.undo()
    assert dict(seeded_library.get(SOUPS).extra) == {"series": "PMLR", "month": "jul"}


@pytest.mark.parametrize(("field", "text", "says"), [
    ("doi", "not a doi", "Not a DOI"),
    ("doi", "10.12/x", "Not a DOI"),
    ("arxiv_id", "1234.567", "Not an arXiv id"),
    ("year", "20x4", "A year is a number"),
    ("year", "123456", "A year is a number"),
    ("title", "   ", "needs a title"),
])
def test_a_bad_value_is_shown_and_blocks_ok(window: MainWindow, seeded_library: Library,
                                            field: str, text: str, says: str):
    before = seeded_library.get(SOUPS)
    dialog = editor(window)
    box = {"doi": dialog.doi_edit, "arxiv_id": dialog.arxiv_edit, "year": dialog.year_edit,
           "title": dialog.title_edit}[field]
    box.setText(text)
    assert says in problem(dialog, field)
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # as if Enter were pressed: refused
    assert dialog.isVisible()
    assert window.undo_stack.count() == 0
    assert seeded_library.get(SOUPS).modified == before.modified
    box.setText("" if getattr(before, field) is None else str(getattr(before, field)))
    assert problem(dialog, field) == ""
    assert dialog.ok_button.isEnabled()


def test_a_citation_key_of_another_paper_is_refused(window: MainWindow,
                                                    seeded_library: Library):
    other = seeded_library.get(1).citation_key
    dialog = editor(window)
    dialog.key_edit.setText(other)
    assert "Another paper" in problem(dialog, "citation_key")
    assert not dialog.ok_button.isEnabled()
    dialog.key_edit.setText("soups key")
    assert "no spaces" in problem(dialog, "citation_key")
    dialog.key_edit.setText("")
    assert "cannot be empty" in problem(dialog, "citation_key")
    dialog.key_edit.setText(seeded_library.get(SOUPS).citation_key)  # its own: fine
    assert dialog.ok_button.isEnabled()
    seeded_library.delete(1)  # a paper in the Trash keeps its key
    dialog.key_edit.setText(other)
    assert not dialog.ok_button.isEnabled()


def test_other_fields_need_a_name_once(window: MainWindow):
    dialog = editor(window)
    dialog.add_extra_row("", "a value")
    assert "needs a name" in problem(dialog, "extra")
    dialog.extra_table.item(dialog.extra_table.rowCount() - 1, 0).setText("volume")
    assert "its own box" in problem(dialog, "extra")
    dialog.extra_table.item(dialog.extra_table.rowCount() - 1, 0).setText("isbn")
    assert problem(dialog, "extra") == ""


def test_changing_the_abstract_keeps_a_highlight_on_its_passage(window: MainWindow,
                                                                seeded_library: Library):
    abstract = seeded_library.get(SOUPS).abstract
    passage = abstract.split()[3]
    start = abstract.index(passage)
    seeded_library.add_annotation(SOUPS, start, start + len(passage))
    dialog = editor(window)
    dialog.abstract_edit.setPlainText("A sentence added first. " + abstract)
    dialog.accept()
    [note] = seeded_library.get(SOUPS).annotations
    assert note.anchored and note.start == start + len("A sentence added first. ")
    assert seeded_library.get(SOUPS).abstract[note.start:note.end] == passage
    window.undo_stack.undo()
    [note] = seeded_library.get(SOUPS).annotations
    assert (note.start, note.anchored) == (start, True)


def test_add_a_paper_by_hand_then_undo_and_redo(window: MainWindow, seeded_library: Library):
    count = seeded_library.count()
    dialog = editor(window, None)
    assert dialog.windowTitle() == "Add paper"
    assert "needs a title" in problem(dialog, "title")
    assert not dialog.ok_button.isEnabled()
    dialog.title_edit.setText("A paper typed in")
    dialog.authors_edit.setPlainText("Doe, Jane\nRoe, Richard")
    dialog.year_edit.setText("2020")
    dialog.doi_edit.setText("10.1000/typed")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert not dialog.isVisible()
    assert seeded_library.count() == count + 1
    new_id = window.current_paper_id()
    assert new_id is not None and new_id > 68
    paper = seeded_library.get(new_id)
    assert (paper.title, paper.authors, paper.year, paper.doi) == (
        "A paper typed in", ("Doe, Jane", "Roe, Richard"), 2020, "10.1000/typed")
    assert paper.citation_key  # one was made
    assert paper.entry_type == "article"

    window.undo_stack.undo()
    assert seeded_library.count() == count
    assert new_id in seeded_library.trash_ids()
    window.undo_stack.redo()
    assert seeded_library.count() == count + 1
    assert seeded_library.get(new_id).trashed is None  # the same paper, back


def test_ctrl_n_opens_an_empty_editor(qtbot, window: MainWindow):
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.paper_editing.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Add paper" and dialog.title_edit.text() == ""
    dialog.reject()
    assert window.paper_editing.dialog is None
    assert window.undo_stack.count() == 0


def test_the_editor_opens_from_the_key_the_pane_and_the_row_menu(qtbot, window: MainWindow):
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_E,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.paper_editing.dialog
    assert dialog is not None and dialog.paper is not None and dialog.paper.id == SOUPS
    dialog.reject()

    qtbot.mouseClick(window.detail.edit_button, Qt.MouseButton.LeftButton)
    dialog = window.paper_editing.dialog
    assert dialog is not None and dialog.paper is not None and dialog.paper.id == SOUPS
    dialog.reject()

    menu: QMenu = window.row_actions.build_menu()
    [edit] = [a for a in menu.actions() if a.text().replace("&", "") == "Edit…"]
    assert edit.isEnabled()
    edit.trigger()
    dialog = window.paper_editing.dialog
    assert dialog is not None and dialog.paper is not None and dialog.paper.id == SOUPS
    dialog.reject()
    menu.deleteLater()


def test_a_failed_write_keeps_the_dialog_and_what_was_typed(window: MainWindow,
                                                            seeded_library: Library):
    dialog = editor(window)
    dialog.title_edit.setText("Typed, then the paper went away")
    seeded_library.delete(SOUPS)
    seeded_library.empty_trash()
    dialog.accept()
    assert dialog.isVisible()
    assert "Could not" in dialog.error_label.text()
    assert dialog.title_edit.text() == "Typed, then the paper went away"
    assert window.undo_stack.count() == 0


def test_a_long_title_shows_its_beginning(window: MainWindow) -> None:
    editor = window.paper_editing.edit(28)
    assert editor is not None
    assert editor.title_edit.cursorPosition() == 0
    assert editor.title_edit.text().startswith("Model soups")
    editor.reject()
