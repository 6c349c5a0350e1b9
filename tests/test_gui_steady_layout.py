"""The window does not jump: the split between table and detail pane stays where it is as
papers with long and short reading histories are shown, and the search box and toolbar
buttons stay put as the match count and a "did you mean" come and go."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar

from readinglist.domain import Status


def _geometry(window) -> tuple:
    reading = window.findChild(QToolBar, "readingBar")
    return (tuple(window.splitter.sizes()), window.search_box.geometry().getRect(),
            reading.geometry().getRect())


def test_a_long_reading_history_does_not_move_the_splitter(active_window, qtbot) -> None:
    library = active_window.library
    for status in (Status.QUEUED, Status.READING, Status.READ, Status.READING, Status.READ,
                   Status.SKIMMED, Status.READING, Status.ABANDONED):
        library.set_status(5, status)
    active_window.resize(1280, 800)
    active_window.open_paper(1)
    qtbot.waitUntil(lambda: active_window.detail.paper is not None
                    and active_window.detail.paper.id == 1)
    qtbot.wait(50)
    before = _geometry(active_window)
    active_window.open_paper(5)
    qtbot.waitUntil(lambda: active_window.detail.paper.id == 5)
    assert len(active_window.detail.timeline.text()) > 60  # a long history shown
    qtbot.wait(50)
    assert _geometry(active_window) == before


def test_the_match_count_does_not_move_the_search_box(active_window, qtbot) -> None:
    active_window.resize(1280, 800)
    qtbot.wait(50)
    before = _geometry(active_window)
    for query in ("soups", "model", "transfromer", "xyzzyq"):
        with qtbot.waitSignal(active_window.searchFinished, timeout=5000):
            active_window.search_box.setText(query)
        assert active_window.search_message.text()  # "2 matches", "did you mean …"
        assert _geometry(active_window) == before, query
    assert "did you mean" not in active_window.search_message.text()


def test_the_window_fits_a_short_screen_at_2x_scale(paper_28_window) -> None:
    """1600x1000 at 2x is 800x500: the window (its detail pane scrolled) must fit."""
    hint = paper_28_window.minimumSizeHint()
    assert hint.height() <= 460 and hint.width() <= 780
    paper_28_window.resize(780, 460)
    assert paper_28_window.height() <= 460
    assert paper_28_window.detail.isVisible()


def test_clearing_a_bad_query_clears_its_mark(active_window, qtbot) -> None:
    with qtbot.waitSignal(active_window.searchFinished, timeout=5000):
        active_window.search_box.setText('title:"unclosed')
    assert active_window.search_box.property("error") is True
    active_window.search_box.setFocus()
    qtbot.keyClick(active_window.search_box, Qt.Key.Key_Escape)  # Esc empties the box
    assert active_window.search_box.text() == ""
    assert active_window.search_box.property("error") is False
