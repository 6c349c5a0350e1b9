"""The reading queue and keyboard triage in the main window, driven by keys as a user
would: single keys in triage mode, Alt+arrows and drag and drop in the Queue view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from readinglist import Library, Status
from readinglist.gui.app import make_app
from readinglist.gui.dialogs.dashboard import DashboardDialog
from readinglist.gui.table.paper_table_model import (
    COL_PRIORITY,
    COL_RATING,
    COL_STATUS,
    COL_TITLE,
    PAPER_IDS_MIME,
    PaperTableModel,
)
from readinglist.gui.window.key_help import KEY_SECTIONS, markdown_table
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.sidebar import QUEUE, FilterRole
from readinglist.gui.window.triage import BANNER_TEXT

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def window(qtbot, seeded_library: Library) -> MainWindow:
    make_app()
    seeded_library.index_in_background()  # as the app runs it
    win = MainWindow(seeded_library)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    win.table.setFocus()
    yield win
    win.close()  # before the library closes: the window's timers stop with it
    win.runner.wait()


def current_row(win: MainWindow) -> int:
    return win.table.selectionModel().currentIndex().row()


def press(qtbot, win: MainWindow, keys: str) -> None:
    """Type single keys into the paper table, one at a time."""
    for key in keys:
        qtbot.keyClick(win.table, key)


def triage_on(qtbot, win: MainWindow) -> None:
    qtbot.keyClick(win.table, Qt.Key.Key_T, CTRL)
    assert win.triage.active


def select_paper(win: MainWindow, paper_id: int) -> None:
    row = win.model.row_of(paper_id)
    assert row is not None, f"paper {paper_id} is not in the list"
    win.select_row(row)


def show_queue(win: MainWindow) -> None:
    win.sidebar.select(QUEUE)
    assert win.in_queue_view()


# -- triage mode -------------------------------------------------------------------------


def test_ctrl_t_turns_triage_on_with_a_visible_banner_and_esc_leaves(qtbot, window):
    assert not window.triage_banner.isVisible()
    triage_on(qtbot, window)
    assert window.triage_action.isChecked()
    assert window.triage_banner.isVisible()
    assert window.triage_banner.text() == BANNER_TEXT
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert not window.triage.active
    assert not window.triage_action.isChecked()
    assert not window.triage_banner.isVisible()


def test_status_keys_set_the_status_and_move_to_the_next_paper(qtbot, window, seeded_library):
    triage_on(qtbot, window)
    assert window.current_paper_id() == 1
    press(qtbot, window, "qrdsx")
    statuses = [seeded_library.get(i).status for i in range(1, 6)]
    assert statuses == [Status.QUEUED, Status.READING, Status.READ, Status.SKIMMED,
                        Status.ABANDONED]
    assert seeded_library.get(6).status is Status.INBOX
    assert current_row(window) == 5 and window.current_paper_id() == 6
    # The table shows the new statuses (the list stays put during triage).
    shown = [window.model.data(window.model.index(r, COL_STATUS)) for r in range(5)]
    assert shown == ["Queued", "Reading", "Read", "Skimmed", "Abandoned"]
    assert window.detail.paper is not None and window.detail.paper.id == 6
    # Setting a paper to queued appends it to the queue.
    assert seeded_library.queue_ids() == [1]


def test_digits_rate_without_moving_and_zero_clears(qtbot, window, seeded_library):
    triage_on(qtbot, window)
    press(qtbot, window, "j")
    assert window.current_paper_id() == 2
    press(qtbot, window, "4")
    assert seeded_library.get(2).rating == 4
    assert window.current_paper_id() == 2  # rating stays on the paper
    assert window.model.data(window.model.index(1, COL_RATING)) == "★★★★☆"
    press(qtbot, window, "2")
    assert seeded_library.get(2).rating == 2
    press(qtbot, window, "0")
    assert seeded_library.get(2).rating is None
    assert window.model.data(window.model.index(1, COL_RATING)) == ""


def test_j_k_and_arrows_move_and_stop_at_the_ends(qtbot, window):
    triage_on(qtbot, window)
    press(qtbot, window, "jjj")
    assert current_row(window) == 3
    press(qtbot, window, "k")
    assert current_row(window) == 2
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert current_row(window) == 3
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    qtbot.keyClick(window.table, Qt.Key.Key_Up)
    assert current_row(window) == 1
    press(qtbot, window, "kkk")
    assert current_row(window) == 0
    assert "Top of the list" in window.statusBar().currentMessage()


def test_u_undoes_the_last_change_and_goes_back_to_that_paper(qtbot, window, seeded_library):
    triage_on(qtbot, window)
    press(qtbot, window, "q5r")  # 1 queued; 2 rated 5, then reading; now on 3
    assert window.current_paper_id() == 3
    press(qtbot, window, "u")
    assert seeded_library.get(2).status is Status.INBOX
    assert seeded_library.get(2).rating == 5  # only the last change is undone
    assert window.current_paper_id() == 2  # back on the paper to triage it again
    assert window.model.data(window.model.index(1, COL_STATUS)) == "Inbox"
    press(qtbot, window, "u")
    assert seeded_library.get(2).rating is None
    press(qtbot, window, "u")
    assert seeded_library.get(1).status is Status.INBOX
    assert seeded_library.queue_ids() == []
    # Undoing a status change is itself a status change: the history says both.
    assert [c.status for c in seeded_library.history(2)] == [
        Status.INBOX, Status.READING, Status.INBOX]
    # Redo (Ctrl+Shift+Z) puts the change back.
    window.undo_stack.redo()
    assert seeded_library.get(1).status is Status.QUEUED


def test_undoing_a_status_change_puts_the_paper_back_in_its_queue_place(
        qtbot, window, seeded_library):
    for paper_id in (10, 20, 30):
        seeded_library.set_status(paper_id, "queued")
    window.reload()
    show_queue(window)
    triage_on(qtbot, window)
    select_paper(window, 20)
    press(qtbot, window, "r")
    assert seeded_library.queue_ids() == [10, 30]
    press(qtbot, window, "u")
    assert seeded_library.queue_ids() == [10, 20, 30]  # not appended at the end
    assert seeded_library.get(20).status is Status.QUEUED


def test_keys_do_nothing_while_typing_in_the_search_box_or_a_text_field(
        qtbot, window, seeded_library):
    triage_on(qtbot, window)
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "qrdx5u?")
    assert window.search_box.text() == "qrdx5u?"
    assert all(seeded_library.get(i).status is Status.INBOX for i in (1, 2, 3))
    assert seeded_library.get(1).rating is None
    assert window.current_paper_id() == 1
    assert window.key_help is None or not window.key_help.isVisible()
    assert window.undo_stack.count() == 0
    window.detail.tags_edit.setFocus()
    qtbot.keyClicks(window.detail.tags_edit, "sd")
    assert window.detail.tags_edit.text() == "sd"
    assert seeded_library.get(1).status is Status.INBOX
    assert window.triage.active  # still on: Esc in a text field does not leave it


def test_t_and_n_go_to_the_tags_and_the_note_and_esc_comes_back(qtbot, window, seeded_library):
    triage_on(qtbot, window)
    press(qtbot, window, "j")
    press(qtbot, window, "t")
    assert QApplication.focusWidget() is window.detail.tags_edit
    qtbot.keyClicks(window.detail.tags_edit, "to-read")
    qtbot.keyClick(window.detail.tags_edit, Qt.Key.Key_Return)
    assert seeded_library.get(2).tags == ("to-read",)
    assert QApplication.focusWidget() is window.table  # Enter came back to the list
    press(qtbot, window, "n")
    note = QApplication.focusWidget()
    assert note is not None and note is not window.table
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.table
    assert window.triage.active  # Esc in a field returns to the list, keeps triage on
    press(qtbot, window, "d")  # and the keys work again
    assert seeded_library.get(2).status is Status.READ


def test_a_whole_page_of_68_papers_is_triaged_with_keys_only(qtbot, window, seeded_library):
    window.sidebar.select(("status", "inbox"))
    assert len(window.model.ids) == 68
    triage_on(qtbot, window)
    keys = "qrdsx" * 14  # 70 keys: the last two land on the last paper again
    press(qtbot, window, keys[:68])
    assert seeded_library.status_counts()["inbox"] == 0
    assert current_row(window) == 67
    assert window.undo_stack.count() == 68
    counts = seeded_library.status_counts()
    assert counts["queued"] == 14 and counts["abandoned"] == 13
    assert len(seeded_library.queue_ids()) == 14
    # Leaving triage lists the inbox again: it is empty now.
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert window.model.ids == []
    inbox = window.sidebar._library.child(1)
    assert inbox.data(0, FilterRole) == ("status", "inbox")
    qtbot.waitUntil(lambda: window.sidebar._library.child(1).text(1) == "0", timeout=3000)


def test_unknown_letters_are_swallowed_in_triage_mode(qtbot, window):
    triage_on(qtbot, window)
    press(qtbot, window, "jz")  # z would otherwise jump to a title starting with z
    assert current_row(window) == 1
    assert "does nothing in triage mode" in window.statusBar().currentMessage()


# -- the help overlay -------------------------------------------------------------------


def test_help_overlay_lists_the_keys_and_closes_on_any_key(qtbot, window):
    triage_on(qtbot, window)
    press(qtbot, window, "?")
    overlay = window.key_help
    assert overlay is not None and overlay.isVisible()
    shown = {key.strip() for line in overlay.text().splitlines() for key in line.split(" or ")}
    for key in ("j", "k", "q", "r", "d", "s", "x", "1 – 5", "0", "t", "n", "u", "?", "F1",
                "Esc", "Alt+↑", "Alt+↓", "Alt+Home", "Ctrl+Shift+N", "Ctrl+T"):
        assert key in shown, key
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    assert window.triage.active  # Esc closed the help, not triage mode
    assert QApplication.focusWidget() is window.table
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    assert overlay.isVisible()
    qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()
    press(qtbot, window, "?")
    qtbot.keyClick(overlay, Qt.Key.Key_Q)  # any key closes it and does nothing else
    assert not overlay.isVisible()
    assert window.undo_stack.count() == 0


def test_markdown_table_has_a_row_for_every_key():
    table = markdown_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == sum(len(keys) for _, keys in KEY_SECTIONS)
    assert "| `q` | Triage mode |" in table
    assert "| `Alt+Home` | Reading queue |" in table


# -- the reading queue ------------------------------------------------------------------


def test_sidebar_offers_inbox_queue_and_every_status_with_counts(window, seeded_library):
    seeded_library.set_status(3, "queued")
    seeded_library.set_status(4, "skimmed")
    window.reload()
    section = window.sidebar._library
    entries = [(section.child(i).text(0), section.child(i).text(1))
               for i in range(section.childCount())]
    assert entries == [("All papers", "68"), ("Inbox", "66"), ("Queue", "1"),
                       ("Reading", "0"), ("Read", "0"), ("Skimmed", "1"),
                       ("Abandoned", "0"), ("Last import", "68")]


def test_queue_view_lists_the_queue_in_its_order_with_places(window, seeded_library):
    for paper_id in (40, 2, 17):
        seeded_library.set_status(paper_id, "queued")
    window.reload()
    show_queue(window)
    assert window.model.ids == [40, 2, 17] == seeded_library.queue_ids()
    places = [window.model.headerData(r, Qt.Orientation.Vertical) for r in range(3)]
    assert places == ["1", "2", "3"]
    assert not window.table.isSortingEnabled()  # the order is the queue's
    assert window.view_label() == "the reading queue"
    window.sidebar.select(("all", None))
    assert window.table.isSortingEnabled()
    assert len(window.model.ids) == 68
    assert window.model.headerData(0, Qt.Orientation.Vertical) == ""


def test_alt_arrows_and_alt_home_reorder_the_queue_and_undo(qtbot, window, seeded_library):
    for paper_id in (5, 2, 9, 11):
        seeded_library.set_status(paper_id, "queued")
    window.reload()
    show_queue(window)
    select_paper(window, 9)
    qtbot.keyClick(window.table, Qt.Key.Key_Up, ALT)
    assert seeded_library.queue_ids() == [5, 9, 2, 11]
    assert window.model.ids == [5, 9, 2, 11]
    assert window.current_paper_id() == 9  # the moved paper stays selected
    qtbot.keyClick(window.table, Qt.Key.Key_Down, ALT)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, ALT)
    assert seeded_library.queue_ids() == [5, 2, 11, 9]
    assert current_row(window) == 3
    qtbot.keyClick(window.table, Qt.Key.Key_Down, ALT)  # already last: nothing
    assert seeded_library.queue_ids() == [5, 2, 11, 9]
    assert "already last" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_Home, ALT)
    assert seeded_library.queue_ids() == [9, 5, 2, 11]
    assert window.model.ids == [9, 5, 2, 11] and window.current_paper_id() == 9
    assert window.undo_stack.count() == 4
    window.undo_stack.undo()
    assert seeded_library.queue_ids() == [5, 2, 11, 9]
    for _ in range(3):
        window.undo_stack.undo()
    assert seeded_library.queue_ids() == [5, 2, 9, 11]
    assert window.model.ids == [5, 2, 9, 11]
    assert window.current_paper_id() == 9


def test_queue_moves_refuse_a_paper_that_is_not_queued(qtbot, window, seeded_library):
    seeded_library.set_status(5, "queued")
    select_paper(window, 1)
    qtbot.keyClick(window.table, Qt.Key.Key_Up, ALT)
    assert "not in the reading queue" in window.statusBar().currentMessage()
    assert seeded_library.queue_ids() == [5]
    assert window.undo_stack.count() == 0


def test_dragging_rows_in_the_queue_view_reorders_and_undoes(window, seeded_library):
    for paper_id in (5, 2, 9, 11):
        seeded_library.set_status(paper_id, "queued")
    window.reload()
    show_queue(window)
    model = window.model
    assert model.flags(model.index(3, COL_TITLE)) & Qt.ItemFlag.ItemIsDragEnabled
    data = model.mimeData([model.index(3, c) for c in range(model.columnCount())])
    assert data.hasFormat(PAPER_IDS_MIME)
    # Dropped between the first and second rows.
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    assert seeded_library.queue_ids() == [5, 11, 2, 9]
    assert model.ids == [5, 11, 2, 9]
    # Row 0 dragged below the last row (row -1: after the end).
    data = model.mimeData([model.index(0, COL_TITLE)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert seeded_library.queue_ids() == [11, 2, 9, 5]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert seeded_library.queue_ids() == [5, 2, 9, 11]
    # Dropped where it was: no change, no undo step.
    count = window.undo_stack.count()
    data = model.mimeData([model.index(1, COL_TITLE)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    assert seeded_library.queue_ids() == [5, 2, 9, 11]
    assert window.undo_stack.count() == count


def test_drops_are_refused_outside_the_queue_view_and_for_other_data(window, seeded_library):
    seeded_library.set_status(5, "queued")
    model = window.model  # all papers: not the queue view (rows drag onto tags, not here)
    data = model.mimeData([model.index(4, COL_TITLE)])
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    show_queue(window)
    foreign = model.mimeData([model.index(0, COL_TITLE)])
    foreign.setData(PAPER_IDS_MIME, b"not json")
    assert not model.canDropMimeData(foreign, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert seeded_library.queue_ids() == [5]


def test_read_next_starts_the_first_queued_paper_and_opens_it(qtbot, window, seeded_library):
    for paper_id in (7, 3):
        seeded_library.set_status(paper_id, "queued")
    window.reload()
    window.sidebar.select(("tag", "none"))  # a view the paper is not in
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert seeded_library.get(7).status is Status.READING
    assert seeded_library.queue_ids() == [3]
    assert window.current_paper_id() == 7
    assert window.detail.paper is not None and window.detail.paper.id == 7
    assert window.detail.status_buttons[Status.READING].isChecked()
    window.undo_stack.undo()
    assert seeded_library.queue_ids() == [7, 3]  # back at the head of the queue
    window.read_next()
    window.read_next()
    assert seeded_library.get(3).status is Status.READING
    window.read_next()
    assert "queue is empty" in window.statusBar().currentMessage()


# -- the new columns ------------------------------------------------------------------------


def test_priority_and_rating_columns_show_and_sort(window, seeded_library):
    seeded_library.set_priority(30, "high")
    seeded_library.set_priority(12, "high")
    seeded_library.set_priority(1, "low")
    for paper_id, stars in ((8, 3), (44, 5), (2, 1)):
        seeded_library.set_rating(paper_id, stars)
    window.reload()
    model = window.model
    window.table.sortByColumn(COL_PRIORITY, Qt.SortOrder.DescendingOrder)
    assert model.ids[:2] == [30, 12] and model.ids[-1] == 1
    assert model.data(model.index(0, COL_PRIORITY)) == "High"
    assert model.data(model.index(0, COL_PRIORITY), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(2, COL_PRIORITY)) == "Normal"
    assert model.data(model.index(2, COL_PRIORITY), Qt.ItemDataRole.FontRole) is None
    window.table.sortByColumn(COL_RATING, Qt.SortOrder.DescendingOrder)
    assert model.ids[:3] == [44, 8, 2]
    assert [model.data(model.index(r, COL_RATING)) for r in range(4)] == [
        "★★★★★", "★★★☆☆", "★☆☆☆☆", ""]
    window.table.sortByColumn(COL_RATING, Qt.SortOrder.AscendingOrder)
    assert model.ids[-3:] == [2, 8, 44]


def test_hidden_columns_stay_hidden_in_the_next_session(qtbot, window, seeded_library):
    # Until chosen, priority and rating (mostly empty) leave their room to the title.
    assert window.hidden_columns() == ["Priority", "Rating"]
    window.show_column(COL_RATING, True)
    window.show_column(COL_TITLE, False)  # the title cannot be hidden
    assert window.hidden_columns() == ["Priority"]
    window.close()
    again = MainWindow(seeded_library)
    qtbot.addWidget(again)
    assert again.table.isColumnHidden(COL_PRIORITY)
    assert not again.table.isColumnHidden(COL_RATING)
    again.show_column(COL_PRIORITY, True)
    again.close()
    again.runner.wait()


def test_new_statuses_have_their_own_colours(seeded_library):
    for paper_id, status in ((2, "queued"), (3, "skimmed"), (4, "abandoned"), (5, "read")):
        seeded_library.set_status(paper_id, status)
    model = PaperTableModel(seeded_library)
    model.set_ids([1, 2, 3, 4, 5])
    colours = {model.data(model.index(r, COL_STATUS), Qt.ItemDataRole.ForegroundRole).name()
               for r in range(5)}
    assert len(colours) == 5


def test_queue_model_passes_qt_model_checks(qtmodeltester, seeded_library):
    for paper_id in (4, 8, 15):
        seeded_library.set_status(paper_id, "queued")
    model = PaperTableModel(seeded_library)
    model.set_ids(seeded_library.queue_ids(), queue=True)
    qtmodeltester.check(model)
    assert model.queue_place(8) == 2


# -- other views ---------------------------------------------------------------------------


def test_the_annotations_view_and_the_dashboard_open_from_the_view_menu(qtbot, window):
    window.library.add_annotation(28, 0, 10, "green", "opening words")
    window.open_annotations()
    dialog = window._annotations
    assert dialog is not None and dialog.isVisible()
    assert dialog.view.count_label.text() == "1 highlight"
    # Highlighting in the detail pane refreshes the open view.
    window.open_paper(28)
    window.detail.abstract.setFocus()
    window.library.add_annotation(28, 20, 30, "pink")
    window.detail.abstract.annotationsChanged.emit(28)
    assert dialog.view.count_label.text() == "2 highlights"
    window.open_dashboard()
    assert any(w.isVisible() for w in window.findChildren(DashboardDialog))


def test_the_readme_lists_every_key_of_the_help_overlay():
    from readinglist.gui.window.key_help import markdown_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows = [line for line in markdown_table().splitlines() if line.startswith("| `")]
    assert len(rows) > 20
    missing = [row for row in rows if row not in readme]
    assert missing == [], "README.md's key table is out of date; paste markdown_table()"


def test_f1_lists_every_shortcut_of_the_window(window):
    """Every action with a shortcut anywhere in the window is in the help (and so in the
    README's table, see above)."""
    from PySide6.QtGui import QAction, QKeySequence

    from readinglist.gui.window.key_help import KEY_SECTIONS

    documented: set[str] = set()
    for _section, keys in KEY_SECTIONS:
        for key, _what in keys:
            for part in key.split("  or  "):
                part = part.strip().replace("↑", "Up").replace("↓", "Down")
                if "1 – 5" in part:
                    documented.update(part.replace("1 – 5", str(n)) for n in range(1, 6))
                else:
                    documented.add(part)
    shortcuts = {
        action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for action in window.findChildren(QAction) if not action.shortcut().isEmpty()
    }
    shortcuts = {s.replace("Del", "Delete") if s == "Del" else s for s in shortcuts}
    assert len(shortcuts) > 15
    assert shortcuts - documented == set()


def test_esc_clears_the_search_then_returns_to_the_list(qtbot, window):
    box = window.search.box
    box.setFocus()
    qtbot.keyClicks(box, "soups")
    window.search.run()
    qtbot.waitUntil(lambda: window.model.rowCount() < 68, timeout=10000)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    qtbot.waitUntil(lambda: window.model.rowCount() == 68, timeout=10000)
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # empty: back to the list
    qtbot.waitUntil(lambda: window.table.hasFocus(), timeout=5000)
