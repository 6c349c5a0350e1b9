"""Tag colours in the window: chosen from a tag's context menu (undoable), shown as a dot
in the sidebar and as chips in the table's Tags column (also when set by another
program), carried by a rename and given back by an undo; papers dragged onto a tag get
it in one undoable step; the table's colours follow the theme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeWidgetItem

from readinglist import Library
from readinglist.domain.tag_colours import TAG_PALETTE
from readinglist.gui import theme
from readinglist.gui.table.paper_table import ROW_HEIGHT
from readinglist.gui.table.paper_table_model import COL_STATUS, COL_TAGS, COL_TITLE
from readinglist.gui.table.tag_chips import (
    ELLIPSIS,
    GAP,
    PAD,
    TagChipsRole,
    layout_chips,
    text_colour_for,
)
from readinglist.gui.window.main_window import MainWindow
from readinglist.gui.window.sidebar import ALL, FilterRole

RED, BLUE = TAG_PALETTE["red"], TAG_PALETTE["blue"]

pytestmark = pytest.mark.usefixtures("isolated_settings")  # see conftest.py


@pytest.fixture
def window(active_window: MainWindow, seeded_library: Library) -> MainWindow:
    for paper_id in (1, 2, 3):
        seeded_library.add_tags(paper_id, "llm")
    seeded_library.add_tags(3, "diffusion")
    active_window.reload()
    return active_window


def entry(win: MainWindow, flt: tuple[str, str | None]) -> QTreeWidgetItem | None:
    return next((e for e in win.sidebar.entries() if e.data(0, FilterRole) == flt), None)


def colour_menu(win: MainWindow, tag: str) -> QMenu:
    menu = win.sidebar_menus.menu_for(("tag", tag))
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Rename tag…", "Merge into…", "Colour", "Delete tag"]
    sub = menu.actions()[2].menu()
    assert isinstance(sub, QMenu)
    return sub


def choose_colour(win: MainWindow, tag: str, text: str) -> None:
    actions = {a.text(): a for a in colour_menu(win, tag).actions() if a.text()}
    assert actions[text].isEnabled()
    actions[text].trigger()


def chips(win: MainWindow, paper_id: int) -> tuple[tuple[str, str | None], ...]:
    row = win.model.row_of(paper_id)
    assert row is not None
    return win.model.data(win.model.index(row, COL_TAGS), TagChipsRole)


def cell_image(win: MainWindow, paper_id: int, column: int) -> QImage:
    row = win.model.row_of(paper_id)
    assert row is not None
    index = win.model.index(row, column)
    win.table.scrollTo(index)
    return win.table.viewport().grab(win.table.visualRect(index)).toImage()


def has_colour(image: QImage, colour: str) -> bool:
    wanted = QColor(colour).rgb()
    return any(image.pixel(x, y) == wanted
               for x in range(image.width()) for y in range(image.height()))


# -- colours from the context menu -------------------------------------------------------


def test_the_colour_menu_offers_the_palette_and_no_colour(window):
    menu = colour_menu(window, "llm")
    names = [a.text() for a in menu.actions() if a.text()]
    assert names == [n.capitalize() for n in TAG_PALETTE] + ["No colour"]
    assert all(not a.icon().isNull() for a in menu.actions()[:len(TAG_PALETTE)])
    assert not menu.actions()[-1].isEnabled()  # nothing to take away yet


def test_choosing_a_colour_is_undoable_and_shows_in_the_sidebar_and_the_table(window):
    lib = window.library
    assert entry(window, ("tag", "llm")).icon(0).isNull()  # no colours: no dots
    choose_colour(window, "llm", "Red")
    assert lib.tag_colours() == {"llm": RED}
    assert window.undo_stack.undoText() == "Colour the tag “llm” red"
    assert not entry(window, ("tag", "llm")).icon(0).isNull()
    assert window.sidebar.tag_colour("LLM") == RED
    assert chips(window, 3) == (("diffusion", None), ("llm", RED))
    checked = [a.text() for a in colour_menu(window, "llm").actions() if a.isChecked()]
    assert checked == ["Red"]

    choose_colour(window, "llm", "Blue")
    choose_colour(window, "llm", "No colour")
    assert lib.tag_colours() == {}
    assert window.undo_stack.undoText() == "Take the colour off the tag “llm”"
    window.undo_stack.undo()
    assert lib.tag_colours() == {"llm": BLUE} and chips(window, 1) == (("llm", BLUE),)
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert lib.tag_colours() == {} and chips(window, 1) == (("llm", None),)
    assert window.sidebar.tag_colour("llm") is None
    window.undo_stack.redo()
    assert lib.tag_colours() == {"llm": RED}


def test_a_colour_set_by_another_program_shows_in_the_open_window(window):
    with Library.open(window.library.folder, build_index=False) as cli:
        cli.set_tag_colour("diffusion", "blue")
    window.bridge.poll()  # what the window's timer does every second
    assert window.sidebar.tag_colour("diffusion") == BLUE
    assert chips(window, 3) == (("diffusion", BLUE), ("llm", None))
    # A tag without a colour gets a blank icon, so that names stay in line.
    assert not entry(window, ("tag", "llm")).icon(0).isNull()


def test_rename_merge_and_delete_keep_colours_and_undo_gives_them_back(window):
    lib = window.library
    choose_colour(window, "llm", "Red")
    choose_colour(window, "diffusion", "Blue")
    window.sidebar_menus.ask_text = lambda *_args: "models"
    window.sidebar_menus.rename_tag("llm")
    assert lib.tag_colours() == {"diffusion": BLUE, "models": RED}
    assert window.sidebar.tag_colour("models") == RED
    window.sidebar_menus.ask_choice = lambda *_args: "diffusion"
    window.sidebar_menus.merge_tag("models")  # into a tag with a colour: it stays
    assert lib.tag_colours() == {"diffusion": BLUE}
    window.undo_stack.undo()
    assert lib.tag_colours() == {"diffusion": BLUE, "models": RED}
    window.sidebar_menus.delete_tag("diffusion")
    assert lib.tag_colours() == {"models": RED}
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert lib.tag_colours() == {"diffusion": BLUE, "llm": RED}
    assert window.sidebar.tag_colour("llm") == RED
    assert chips(window, 3) == (("diffusion", BLUE), ("llm", RED))


# -- the chips -----------------------------------------------------------------------------


def test_chips_are_drawn_in_their_colour_selected_or_not_and_rows_keep_their_height(
        window):
    window.library.set_tag_colour("llm", "red")
    window.library.add_tags(5, "llm", "a-long-tag-name-that-cannot-fit", "zzz")
    window.table.show_column(COL_TAGS, True)
    assert has_colour(cell_image(window, 2, COL_TAGS), RED)
    window.select_paper(2)  # on the selection's background too
    assert has_colour(cell_image(window, 2, COL_TAGS), RED)
    assert not has_colour(cell_image(window, 4, COL_TAGS), RED)  # no tags
    row = window.model.row_of(5)
    assert row is not None
    assert window.table.rowHeight(row) == ROW_HEIGHT == window.table.rowHeight(0)
    tip = window.model.data(window.model.index(row, COL_TAGS), Qt.ItemDataRole.ToolTipRole)
    assert "a-long-tag-name-that-cannot-fit" in tip and "zzz" in tip  # all, in full


def test_chips_that_do_not_fit_end_with_an_ellipsis(qapp):
    metrics = QFontMetrics(QFont())
    tags = [("llm", RED), ("vision", None), ("reinforcement learning", BLUE)]
    wide, more = layout_chips(tags, metrics, 1000)
    assert [c.text for c in wide] == ["llm", "vision", "reinforcement learning"]
    assert not more
    # Room after two chips for the third's "rein…".
    width = sum(c.width for c in wide[:2]) + 2 * GAP + 2 * PAD + metrics.horizontalAdvance(
        "rein" + ELLIPSIS) + 1
    narrow, more = layout_chips(tags, metrics, width)
    assert [c.text for c in narrow] == ["llm", "vision", "rein" + ELLIPSIS] and not more
    assert sum(c.width for c in narrow) + GAP * (len(narrow) - 1) <= width
    # No room for a letter of the third: "…" after the two.
    cut, more = layout_chips(tags, metrics, width - metrics.horizontalAdvance("rein"))
    assert [c.text for c in cut] == ["llm", "vision"] and more
    tiny, more = layout_chips(tags, metrics,
                              wide[0].width + GAP + metrics.horizontalAdvance(ELLIPSIS))
    assert more and [c.text for c in tiny] == ["llm"]  # "…" after it
    none, more = layout_chips(tags, metrics, 4)
    assert none == [] and more


def test_chip_text_contrasts_with_its_colour():
    assert text_colour_for(QColor("#ffff00")) == QColor("#000000")
    assert text_colour_for(QColor("#1b1b6f")) == QColor("#ffffff")
    for colour in TAG_PALETTE.values():  # every palette colour gets one of the two
        assert text_colour_for(QColor(colour)) in (QColor("#000000"), QColor("#ffffff"))


# -- dragging papers onto a tag ----------------------------------------------------------


def drop_on(win: MainWindow, item: QTreeWidgetItem, paper_ids: list[int]) -> bool:
    """Drop these papers' rows (as the table drags them) onto a sidebar entry."""
    from PySide6.QtGui import QDropEvent

    model = win.model
    rows = [model.row_of(i) for i in paper_ids]
    data = model.mimeData([model.index(r, COL_TITLE) for r in rows if r is not None])
    win.sidebar.scrollToItem(item)
    pos = win.sidebar.visualItemRect(item).center()
    event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
                       data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    win.sidebar.dropEvent(event)
    return event.isAccepted()


def test_rows_are_draggable_in_every_view(window):
    model, table = window.model, window.table
    assert model.flags(model.index(0, COL_TITLE)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.supportedDragActions() & Qt.DropAction.CopyAction
    # Dragged out (a copy: the rows stay); in the queue view, also moved between rows.
    assert table.dragDropMode() == QAbstractItemView.DragDropMode.DragOnly
    assert table.defaultDropAction() == Qt.DropAction.CopyAction
    window.sidebar.select(("status", "queued"))
    assert table.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove
    window.sidebar.select(ALL)
    assert table.dragDropMode() == QAbstractItemView.DragDropMode.DragOnly


def test_papers_dropped_on_a_tag_get_it_in_one_undoable_step(window):
    lib = window.library
    item = entry(window, ("tag", "diffusion"))
    assert item is not None
    assert drop_on(window, item, [1, 2, 3, 7])
    assert all("diffusion" in lib.get(i).tags for i in (1, 2, 7))
    # Paper 3 had it already: left alone, and not counted.
    assert window.undo_stack.undoText() == "Tag 3 papers “diffusion”"
    assert lib.tag_counts()["diffusion"] == 4
    window.undo_stack.undo()
    assert lib.tag_counts()["diffusion"] == 1
    assert lib.get(1).tags == ("llm",) and lib.get(7).tags == ()


def test_a_drop_elsewhere_or_of_something_else_changes_nothing(window):
    from PySide6.QtCore import QMimeData

    lib = window.library
    count = window.undo_stack.count()
    assert not drop_on(window, entry(window, ALL), [5, 6])
    assert not drop_on(window, entry(window, ("status", "read")), [5, 6])
    item = entry(window, ("tag", "llm"))
    text = QMimeData()
    text.setText("5")
    assert not window.sidebar.drop_papers(text, window.sidebar.visualItemRect(item).center())
    assert not window.sidebar.drop_papers(text, QPoint(-5, -5))
    assert window.undo_stack.count() == count
    assert lib.get(5).tags == () and lib.get(6).tags == ()
    # All of them have it already: nothing to do, no step.
    drop_on(window, item, [1, 2])
    assert window.undo_stack.count() == count
    assert "Already tagged “llm”" in window.statusBar().currentMessage()


def test_the_queue_view_still_reorders_by_drops_between_rows(window):
    lib = window.library
    for paper_id in (5, 2, 9):
        lib.set_status(paper_id, "queued")
    window.sidebar.select(("status", "queued"))
    model = window.model
    data = model.mimeData([model.index(2, COL_TITLE)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert lib.queue_ids() == [9, 5, 2]
    assert drop_on(window, entry(window, ("tag", "llm")), [9])  # and onto a tag
    assert "llm" in lib.get(9).tags


# -- the theme -------------------------------------------------------------------------------


def test_table_colours_follow_the_theme(window, monkeypatch):
    model = window.model
    index = model.index(0, COL_STATUS)
    light = model.data(index, Qt.ItemDataRole.ForegroundRole)
    assert light == QColor(theme.LIGHT.status_inbox)
    monkeypatch.setattr(theme._State, "theme", theme.DARK)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == QColor(theme.DARK.status_inbox)
