"""The paper table's rows: many selected at once, a right-click menu acting on them,
Delete to the Trash and Ctrl+Shift+C to copy BibTeX; every edit of a selection is one
undo step, refused politely while an import writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_factory import write_pdf
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu
from writer_held import import_in_progress

from readinglist.domain import Priority, Status
from readinglist.gui.commands.paper_edits import BUSY
from readinglist.gui.window import row_actions
from readinglist.gui.window.main_window import MainWindow

Flag = QItemSelectionModel.SelectionFlag


@pytest.fixture
def window(paper_28_window: MainWindow) -> MainWindow:
    return paper_28_window


@pytest.fixture
def opened(monkeypatch) -> list[QUrl]:
    """The URLs the desktop was asked to open (nothing is opened)."""
    urls: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(row_actions, "open_url", fake_open)
    return urls


def select(window: MainWindow, ids: list[int], current: int | None = None) -> None:
    """Select these papers' rows (as Ctrl-clicks do), `current` (else the first) current."""
    selection = window.table.selectionModel()
    current = ids[0] if current is None else current
    row = window.model.row_of(current)
    assert row is not None
    window.table.select_row(row)
    for paper_id in ids:
        index = window.model.index(window.model.row_of(paper_id), 0)
        selection.select(index, Flag.Select | Flag.Rows)
    assert sorted(window.table.selected_ids()) == sorted(ids)


def menu_action(menu: QMenu, *path: str) -> QAction:
    """The entry at `path` ("Status", "Read"), by its text without & and shortcut."""
    for action in menu.actions():
        if action.text().replace("&", "") == path[0]:
            if len(path) == 1:
                return action
            sub = action.menu()
            assert isinstance(sub, QMenu)
            return menu_action(sub, *path[1:])
    raise AssertionError(f"no {path[0]!r} in {[a.text() for a in menu.actions()]}")


# -- selection -------------------------------------------------------------------------


def test_many_rows_are_selected_and_the_current_one_is_shown(qtbot, window):
    table = window.table
    assert table.selectionMode() is QAbstractItemView.SelectionMode.ExtendedSelection
    first, third = (table.visualRect(window.model.index(r, 1)).center() for r in (0, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, pos=third)
    ids = window.model.ids[:3]
    assert table.selected_ids() == ids
    assert window.current_paper_id() == ids[2]
    assert window.detail.paper.id == ids[2]  # the current row drives the detail pane
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, pos=first)
    assert table.selected_ids() == ids[1:]
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert table.selected_ids() == window.model.ids
    assert window.detail.paper.id == window.current_paper_id()


def test_triage_keys_act_on_the_current_paper_of_a_selection(qtbot, window, seeded_library):
    ids = window.model.ids[:3]
    select(window, ids, current=ids[1])
    window.triage.set_triage(True)
    qtbot.keyClick(window.table, Qt.Key.Key_D)
    assert seeded_library.get(ids[1]).status is Status.READ
    assert seeded_library.get(ids[0]).status is Status.INBOX
    assert seeded_library.get(ids[2]).status is Status.INBOX
    assert window.current_paper_id() == ids[2]  # and on to the next paper


# -- Delete: to the Trash ------------------------------------------------------------------


def test_delete_moves_the_selection_to_the_trash_in_one_undo_step(qtbot, window,
                                                                  seeded_library):
    seeded_library.set_tags(28, ["soups"])
    seeded_library.set_note(28, "keep me")
    shown = list(window.model.ids)
    row = shown.index(28)
    ids = shown[row:row + 3]
    select(window, ids)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert not set(ids) & set(window.model.ids)
    assert seeded_library.count() == 65
    assert window.statusBar().currentMessage() == (
        "Moved 3 papers to the Trash (Ctrl+Z: undo)")
    assert window.current_paper_id() == shown[row + 3]  # the row after them
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert seeded_library.count() == 68
    assert set(ids) <= set(window.model.ids)
    paper = seeded_library.get(28)
    assert (paper.tags, paper.note) == (("soups",), "keep me")  # back with everything
    window.undo_stack.redo()
    assert seeded_library.count() == 65


def test_one_paper_to_the_trash_says_paper(qtbot, window, seeded_library):
    select(window, [28])
    assert window.row_actions.trash_selection()
    assert window.statusBar().currentMessage() == "Moved 1 paper to the Trash (Ctrl+Z: undo)"
    assert 28 in seeded_library.trash_ids()
    menu_undo = window.undo_stack.undoText()
    assert menu_undo.startswith("Move #28 ")


# -- the menu: opening and copying ---------------------------------------------------------


def test_open_pdf_and_open_link_are_disabled_without_one(window):
    select(window, [28])
    menu = window.row_actions.build_menu()
    assert not menu_action(menu, "Open PDF").isEnabled()
    assert not menu_action(menu, "Open link").isEnabled()


def test_open_link_prefers_the_url_then_the_doi_then_arxiv(window, seeded_library, opened):
    seeded_library.update(28, arxiv_id="2203.05482")
    select(window, [28])
    menu_action(window.row_actions.build_menu(), "Open link").trigger()
    seeded_library.update(28, doi="10.1000/soups")
    menu_action(window.row_actions.build_menu(), "Open link").trigger()
    seeded_library.update(28, url="https://example.org/soups")
    menu_action(window.row_actions.build_menu(), "Open link").trigger()
    assert [u.toString() for u in opened] == [
        "https://arxiv.org/abs/2203.05482", "https://doi.org/10.1000/soups",
        "https://example.org/soups"]


def test_open_pdf_opens_the_first_attachment(tmp_path: Path, window, seeded_library, opened):
    pdf = write_pdf(tmp_path / "soups.pdf", [["Model soups"]])
    seeded_library.attach_file(28, pdf, attach="link")
    select(window, [28])
    action = menu_action(window.row_actions.build_menu(), "Open PDF")
    assert action.isEnabled()
    action.trigger()
    assert [u.toLocalFile() for u in opened] == [str(pdf.resolve())]


def test_ctrl_shift_c_copies_the_bibtex_of_the_selection(qtbot, window, seeded_library):
    ids = window.model.ids[:2]
    select(window, ids)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    text = QApplication.clipboard().text()
    assert text == seeded_library.export("bibtex", ids)
    for paper in seeded_library.get_many(ids):
        assert f"{{{paper.citation_key}," in text
    assert window.statusBar().currentMessage() == "Copied the BibTeX of 2 papers"


def test_copy_citation_keys_and_references(window, seeded_library):
    seeded_library.update(28, authors=["Mitchell Wortsman", "Gabriel Ilharco"], year=2022,
                          venue="ICML", doi="10.1000/soups")
    select(window, [28])
    menu_action(window.row_actions.build_menu(), "Copy citation key").trigger()
    assert QApplication.clipboard().text() == seeded_library.get(28).citation_key
    menu_action(window.row_actions.build_menu(), "Copy as formatted reference").trigger()
    title = seeded_library.get(28).title
    assert QApplication.clipboard().text() == (
        f"Wortsman, M., & Ilharco, G. (2022). {title}. ICML. https://doi.org/10.1000/soups")
    ids = window.model.ids[:2]
    select(window, ids)
    menu_action(window.row_actions.build_menu(), "Copy citation keys").trigger()
    assert QApplication.clipboard().text() == ",".join(
        p.citation_key for p in seeded_library.get_many(ids))


# -- the menu: edits -------------------------------------------------------------------------


def test_a_status_for_a_selection_is_one_undo_step(window, seeded_library):
    ids = window.model.ids[:3]
    seeded_library.set_status(ids[0], "reading")
    select(window, ids)
    menu_action(window.row_actions.build_menu(), "Status", "Read").trigger()
    assert {seeded_library.get(i).status for i in ids} == {Status.READ}
    assert window.undo_stack.count() == 1
    assert window.statusBar().currentMessage().endswith("→ Read   (Ctrl+Z: undo)")
    window.undo_stack.undo()
    assert [seeded_library.get(i).status for i in ids] == [
        Status.READING, Status.INBOX, Status.INBOX]
    menu = window.row_actions.build_menu()
    assert not menu_action(menu, "Status", "Inbox").isChecked()  # not all of them


def test_priority_and_rating_for_a_selection_are_one_step_each(window, seeded_library):
    ids = window.model.ids[:3]
    seeded_library.set_rating(ids[2], 2)
    select(window, ids)
    menu_action(window.row_actions.build_menu(), "Priority", "High").trigger()
    menu_action(window.row_actions.build_menu(), "Rating", "★★★★☆").trigger()
    assert {seeded_library.get(i).priority for i in ids} == {Priority.HIGH}
    assert {seeded_library.get(i).rating for i in ids} == {4}
    assert window.undo_stack.count() == 2
    assert menu_action(window.row_actions.build_menu(), "Rating", "★★★★☆").isChecked()
    window.undo_stack.undo()
    assert [seeded_library.get(i).rating for i in ids] == [None, None, 2]
    window.undo_stack.undo()
    assert {seeded_library.get(i).priority for i in ids} == {Priority.NORMAL}
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert {seeded_library.get(i).rating for i in ids} == {4}


def test_a_single_paper_uses_the_same_commands(window, seeded_library):
    select(window, [28])
    menu_action(window.row_actions.build_menu(), "Status", "Skimmed").trigger()
    assert seeded_library.get(28).status is Status.SKIMMED
    assert window.undo_stack.undoText().startswith("Set the status Skimmed of #28")
    window.undo_stack.undo()
    assert seeded_library.get(28).status is Status.INBOX
    assert window.current_paper_id() == 28


def test_tags_are_added_and_removed_across_the_selection(window, seeded_library,
                                                         monkeypatch):
    ids = window.model.ids[:3]
    seeded_library.set_tags(ids[0], ["llm"])
    seeded_library.set_tags(ids[1], ["vision", "llm"])
    select(window, ids)
    menu = window.row_actions.build_menu()
    removable = menu_action(menu, "Remove tag").menu()
    assert [a.text() for a in removable.actions()] == ["llm", "vision"]
    monkeypatch.setattr(window.row_actions, "ask_tags", lambda: ["to-read", "soups"])
    menu_action(menu, "Add tag…").trigger()
    assert all({"to-read", "soups"} <= set(seeded_library.get(i).tags) for i in ids)
    menu_action(window.row_actions.build_menu(), "Remove tag", "llm").trigger()
    assert not any("llm" in seeded_library.get(i).tags for i in ids)
    assert window.undo_stack.count() == 2
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert [seeded_library.get(i).tags for i in ids] == [("llm",), ("llm", "vision"), ()]


def test_a_new_selection_has_no_tags_to_remove(window):
    select(window, [28])
    assert not menu_action(window.row_actions.build_menu(), "Remove tag").isEnabled()


def test_edits_are_refused_while_an_import_writes(window, seeded_library):
    ids = window.model.ids[:2]
    select(window, ids)
    actions = window.row_actions
    with import_in_progress(seeded_library):
        assert actions.set_status(Status.READ) is False
        assert window.statusBar().currentMessage() == BUSY
        assert actions.trash_selection() is False
        assert actions.set_rating(3) is False
        assert actions.add_tags(["x"]) is False
    assert window.undo_stack.count() == 0
    assert seeded_library.count() == 68
    assert actions.set_status(Status.READ) is True


def test_find_similar_opens_the_most_similar_paper(qtbot, window, seeded_library):
    qtbot.waitUntil(lambda: bool(seeded_library.more_like_this(28, limit=1)), timeout=20000)
    expected = seeded_library.more_like_this(28, limit=1)[0].paper_id
    select(window, [28])
    menu_action(window.row_actions.build_menu(), "Find similar").trigger()
    assert window.current_paper_id() == expected
    assert window.detail.paper.id == expected
    assert window.statusBar().currentMessage().startswith(f"Most like #28: #{expected} ")


def test_a_right_click_shows_the_menu_for_the_selection(qtbot, window):
    ids = window.model.ids[:2]
    select(window, ids)
    rect = window.table.visualRect(window.model.index(0, 1))
    window.table.customContextMenuRequested.emit(rect.center())
    menu = window.table.findChild(QMenu, "rowMenu")
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    assert menu_action(menu, "Copy BibTeX").shortcut().toString() == "Ctrl+Shift+C"
    assert menu_action(menu, "Move to Trash").isEnabled()
    menu.close()


def test_no_menu_for_an_empty_list(qtbot, empty_window):
    empty_window.table.customContextMenuRequested.emit(QPoint(5, 5))
    assert empty_window.table.findChild(QMenu, "rowMenu") is None
