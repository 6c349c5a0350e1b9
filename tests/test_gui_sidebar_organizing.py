"""Organizing the library from the sidebar: the Trash (listed, emptied after asking), tags
renamed, merged and deleted across the library (undoable), and saved searches (saved with
Ctrl+Shift+S, listed with live counts, chosen, renamed, edited and deleted). The dialogs
are replaced by functions, as a user's answers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from readinglist import Library
from readinglist.domain import View
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.sidebar import ALL, TRASH, TRASH_LABEL, FilterRole, saved_filter

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MODEL_SOUPS = 28  # "Model soups: ..." in the seed page

pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def window(active_window: MainWindow) -> MainWindow:
    return active_window


def entry(win: MainWindow, flt: tuple[str, str | None]) -> QTreeWidgetItem | None:
    return next((e for e in win.sidebar.entries() if e.data(0, FilterRole) == flt), None)


def count_of(win: MainWindow, flt: tuple[str, str | None]) -> str | None:
    item = entry(win, flt)
    return None if item is None else item.text(1)


def trigger(win: MainWindow, flt: tuple[str, str | None], text: str) -> None:
    """Choose `text` in the context menu of a sidebar entry."""
    menu = win.sidebar_menus.menu_for(flt)
    assert menu is not None
    actions = {a.text(): a for a in menu.actions()}
    assert text in actions, f"{text!r} not in {list(actions)}"
    assert actions[text].isEnabled()
    actions[text].trigger()
    menu.deleteLater()


def answer(win: MainWindow, *texts: str | None) -> list[tuple[str, str, str]]:
    """Answer the next text questions with `texts`; returns what was asked."""
    asked: list[tuple[str, str, str]] = []
    replies = list(texts)

    def ask(title: str, label: str, text: str) -> str | None:
        asked.append((title, label, text))
        return replies.pop(0)

    win.sidebar_menus.ask_text = ask
    return asked


# -- the Trash ---------------------------------------------------------------------------


def test_trash_is_listed_last_with_its_count_and_lists_the_trashed_most_recent_first(
        qtbot, window, seeded_library):
    last = window.sidebar.topLevelItem(window.sidebar.topLevelItemCount() - 1)
    assert last.text(0) == TRASH_LABEL and last.text(1) == "0"
    seeded_library.delete(5)
    seeded_library.delete(2, 9)
    # Moved to the Trash (here or anywhere): the count follows the Changes by itself.
    qtbot.waitUntil(lambda: count_of(window, TRASH) == "3", timeout=3000)
    assert window.library.count() == 65 and count_of(window, ALL) == "65"
    window.sidebar.select(TRASH)
    assert window.sidebar.current_filter == TRASH
    assert set(window.model.ids) == {2, 5, 9}
    # The most recently thrown away first (the library's order; its clock counts seconds,
    # so papers thrown away within one second come by id).
    assert window.model.ids == seeded_library.trash_ids()
    assert window.count_label.text() == "3 in the Trash"
    assert window.view_label() == "the Trash"
    assert window.detail.paper is not None and window.detail.paper.id in {2, 9}
    # Another one thrown away while the Trash is shown appears in it at once.
    seeded_library.delete(MODEL_SOUPS)
    assert MODEL_SOUPS in window.model.ids and count_of(window, TRASH) == "4"
    # Restored: it leaves the Trash's list and comes back to the library's.
    seeded_library.restore(2)
    assert 2 not in window.model.ids and count_of(window, TRASH) == "3"
    window.sidebar.select(ALL)
    assert len(window.model.ids) == 65 and 2 in window.model.ids


def test_choosing_the_trash_leaves_a_search_and_a_search_there_says_it_looks_elsewhere(
        qtbot, window, seeded_library):
    seeded_library.delete(MODEL_SOUPS)
    window.search_box.setText("diffusion")
    qtbot.waitUntil(lambda: window.search.shown_query == "diffusion", timeout=5000)
    window.sidebar.select(TRASH)
    assert window.search_box.text() == "" and window.model.ids == [MODEL_SOUPS]
    window.search_box.setText("soups")
    qtbot.waitUntil(lambda: "not searched" in window.search_message.text(), timeout=5000)
    assert window.model.ids == [MODEL_SOUPS]


def test_empty_trash_asks_first_says_it_cannot_be_undone_and_deletes_for_good(
        qtbot, window, seeded_library):
    menu = window.sidebar_menus.menu_for(TRASH)
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["Empty Trash…"]
    assert not menu.actions()[0].isEnabled()  # nothing to empty
    seeded_library.delete(3, 4)
    window.sidebar.select(TRASH)
    questions: list[str] = []
    window.sidebar_menus.confirm = lambda _title, q: questions.append(q) or False
    trigger(window, TRASH, "Empty Trash…")
    assert "cannot be undone" in questions[0] and "2 papers" in questions[0]
    assert set(seeded_library.trash_ids()) == {3, 4}  # "no": nothing deleted
    window.sidebar_menus.confirm = lambda _title, _q: True
    trigger(window, TRASH, "Empty Trash…")
    assert seeded_library.trash_count() == 0
    assert window.model.ids == [] and count_of(window, TRASH) == "0"
    assert seeded_library.count() == 66
    assert not window.undo_stack.canUndo()  # not a step that could be undone


def test_the_first_run_page_is_not_shown_while_the_trash_holds_papers(window, seeded_library):
    seeded_library.delete(*range(1, 69))
    assert window.pages.currentIndex() == 1  # the Trash is still reachable
    window.sidebar.select(TRASH)
    assert len(window.model.ids) == 68


# -- tags across the library -------------------------------------------------------------


@pytest.fixture
def tagged(seeded_library: Library) -> Library:
    for paper_id in (1, 2, 3):
        seeded_library.add_tags(paper_id, "llm")
    for paper_id in (3, 4):
        seeded_library.add_tags(paper_id, "diffusion")
    return seeded_library


def test_rename_tag_from_its_context_menu_is_undoable_with_ctrl_z(qtbot, window, tagged):
    window.reload()
    window.sidebar.select(("tag", "llm"))
    asked = answer(window, "language-models")
    trigger(window, ("tag", "llm"), "Rename tag…")
    assert asked[0][2] == "llm"  # the current name, to edit
    assert tagged.tag_counts() == {"diffusion": 2, "language-models": 3}
    # The view shown was that tag: it follows the new name.
    assert window.sidebar.current_filter == ("tag", "language-models")
    assert sorted(window.model.ids) == [1, 2, 3]
    assert count_of(window, ("tag", "language-models")) == "3"
    assert window.undo_stack.undoText() == "Rename the tag “llm” to “language-models”"
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    assert tagged.tag_counts() == {"diffusion": 2, "llm": 3}
    qtbot.waitUntil(lambda: count_of(window, ("tag", "llm")) == "3", timeout=3000)


def test_renaming_into_an_existing_tag_merges_and_merge_into_chooses_one(
        qtbot, window, tagged):
    window.reload()
    answer(window, "diffusion")
    trigger(window, ("tag", "llm"), "Rename tag…")
    assert tagged.tag_counts() == {"diffusion": 4}
    window.undo_stack.undo()
    assert tagged.tag_counts() == {"diffusion": 2, "llm": 3}
    offered: list[list[str]] = []

    def choose(_title: str, _label: str, items: list[str]) -> str | None:
        offered.append(items)
        return "llm"

    window.sidebar_menus.ask_choice = choose
    trigger(window, ("tag", "diffusion"), "Merge into…")
    assert offered == [["llm"]]  # every other tag, not itself
    assert tagged.tag_counts() == {"llm": 4}
    assert window.undo_stack.undoText() == "Rename the tag “diffusion” to “llm”"
    window.undo_stack.undo()
    assert set(tagged.get(3).tags) == {"llm", "diffusion"}


def test_delete_tag_takes_it_off_every_paper_and_undo_puts_it_back(qtbot, window, tagged):
    window.reload()
    window.sidebar.select(("tag", "diffusion"))
    trigger(window, ("tag", "diffusion"), "Delete tag")
    assert tagged.tag_counts() == {"llm": 3}
    assert window.sidebar.current_filter == ALL and len(window.model.ids) == 68
    qtbot.waitUntil(lambda: entry(window, ("tag", "diffusion")) is None, timeout=3000)
    window.undo_stack.undo()
    assert tagged.tag_counts() == {"diffusion": 2, "llm": 3}
    qtbot.waitUntil(lambda: count_of(window, ("tag", "diffusion")) == "2", timeout=3000)


def test_a_cancelled_rename_changes_nothing(window, tagged):
    window.reload()
    answer(window, None)
    trigger(window, ("tag", "llm"), "Rename tag…")
    assert tagged.tag_counts() == {"diffusion": 2, "llm": 3}
    assert not window.undo_stack.canUndo()


# -- saved searches ----------------------------------------------------------------------


def search(qtbot, win: MainWindow, text: str) -> None:
    win.search_box.setText(text)
    qtbot.waitUntil(lambda: win.search.shown_query == text, timeout=5000)


def test_save_search_with_ctrl_shift_s_lists_it_with_its_count(qtbot, window,
                                                               seeded_library):
    assert seeded_library.wait_for_index()
    action = window.sidebar_menus.save_action
    assert not action.isEnabled()  # no query yet
    assert action.shortcut().toString() == "Ctrl+Shift+S"
    window.sidebar.select(("status", "inbox"))
    search(qtbot, window, "diffusion")
    assert action.isEnabled()
    asked = answer(window, "Diffusion inbox")
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL | SHIFT)
    assert asked and "diffusion" in asked[0][1]
    [saved] = seeded_library.saved_searches()
    assert (saved.name, saved.query, saved.view) == ("Diffusion inbox", "diffusion",
                                                     View(status="inbox"))
    flt = saved_filter("Diffusion inbox")
    assert count_of(window, flt) == "21"
    assert window.sidebar.current_filter == flt  # the search shown is the saved one
    # Its count is live: a paper leaving the inbox leaves the saved search (once edits
    # pause).
    seeded_library.set_status(3, "read")
    qtbot.waitUntil(lambda: count_of(window, flt) == "20", timeout=5000)


def test_choosing_a_saved_search_shows_its_papers_and_its_query(qtbot, window,
                                                              seeded_library):
    seeded_library.set_status(MODEL_SOUPS, "read")
    seeded_library.save_search("soups", "soups", View(status="read"))
    seeded_library.save_search("everything diffusion", "diffusion")
    assert seeded_library.wait_for_index()
    qtbot.waitUntil(lambda: count_of(window, saved_filter("soups")) == "1", timeout=5000)
    names = [e.text(0) for e in window.sidebar.entries()
             if e.data(0, FilterRole)[0] == "saved"]
    assert names == ["everything diffusion", "soups"]
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.sidebar.select(saved_filter("soups"))
    assert window.search_box.text() == "soups"
    assert window.model.ids == [MODEL_SOUPS]  # its query inside its view (Read)
    assert window.view_label() == "search “soups”"
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.sidebar.select(saved_filter("everything diffusion"))
    assert window.search_box.text() == "diffusion" and len(window.model.ids) == 21
    # Leaving it for a view of the library empties the box it filled.
    window.sidebar.select(ALL)
    assert window.search_box.text() == "" and len(window.model.ids) == 68


def test_rename_edit_and_delete_a_saved_search_from_its_menu(qtbot, window, seeded_library):
    seeded_library.save_search("soups", "soups")
    assert seeded_library.wait_for_index()
    qtbot.waitUntil(lambda: count_of(window, saved_filter("soups")) == "2", timeout=5000)
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.sidebar.select(saved_filter("soups"))
    answer(window, "Soups and more")
    trigger(window, saved_filter("soups"), "Rename…")
    assert [s.name for s in seeded_library.saved_searches()] == ["Soups and more"]
    assert window.sidebar.current_filter == saved_filter("Soups and more")  # still shown
    assert count_of(window, saved_filter("Soups and more")) == "2"
    asked = answer(window, "diffusion")
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        trigger(window, saved_filter("Soups and more"), "Edit query…")
    assert asked[0][2] == "soups"  # the query as it was, to edit
    assert seeded_library.saved_searches()[0].query == "diffusion"
    assert window.search_box.text() == "diffusion" and len(window.model.ids) == 21
    assert count_of(window, saved_filter("Soups and more")) == "21"
    trigger(window, saved_filter("Soups and more"), "Delete")
    assert seeded_library.saved_searches() == []
    assert window.sidebar.current_filter == ALL and window.search_box.text() == ""
    assert len(window.model.ids) == 68
    assert window.sidebar._saved.isHidden()  # no saved search: no section


def test_a_saved_search_made_elsewhere_appears_by_itself(qtbot, window, seeded_library):
    other = Library.open(seeded_library.folder, build_index=False)
    try:
        other.save_search("from elsewhere", "soups")
    finally:
        other.close()
    qtbot.waitUntil(lambda: entry(window, saved_filter("from elsewhere")) is not None,
                    timeout=10000)


def test_saving_under_a_taken_name_asks_before_replacing(qtbot, window, seeded_library):
    seeded_library.save_search("mine", "soups")
    assert seeded_library.wait_for_index()
    search(qtbot, window, "diffusion")
    answer(window, "MINE", "MINE")
    window.sidebar_menus.confirm = lambda _title, _q: False
    assert not window.sidebar_menus.save_current_search()
    assert seeded_library.saved_searches()[0].query == "soups"
    window.sidebar_menus.confirm = lambda _title, _q: True
    assert window.sidebar_menus.save_current_search()
    [saved] = seeded_library.saved_searches()
    assert (saved.name, saved.query) == ("mine", "diffusion")
