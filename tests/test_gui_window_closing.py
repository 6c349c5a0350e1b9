"""A closed window starts no work on its library: the app (switching libraries, quitting)
and the tests' fixtures close the library right after the window, and a job still
reading it then crashes the process (its SQLite connection is closed under the query)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from readinglist.gui.app import make_app
from readinglist.gui.detail.detail_pane import SIMILAR_DELAY_MS
from readinglist.gui.window.main_window import MainWindow


def test_a_closed_window_reads_its_library_no_more(qtbot, seeded_library,
                                                   monkeypatch) -> None:
    make_app()
    reads: list[str] = []

    def spy(name: str, read: Callable[..., Any]) -> Callable[..., Any]:
        def spied(*args: Any, **kwargs: Any) -> Any:
            reads.append(name)
            return read(*args, **kwargs)
        return spied

    for name in ("more_like_this", "get_many", "get"):
        monkeypatch.setattr(seeded_library, name, spy(name, getattr(seeded_library, name)))
    window = MainWindow(seeded_library)
    qtbot.addWidget(window)
    window.show()
    assert window.detail.paper is not None  # a paper is shown: its similar papers are due
    window.close()
    reads.clear()
    # As on a busy machine: the event loop runs again only after the similar papers' delay.
    qtbot.wait(2 * SIMILAR_DELAY_MS)
    window.runner.wait()
    assert reads == []
    assert window.runner.is_shut_down
