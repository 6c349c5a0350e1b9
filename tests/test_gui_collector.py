"""The app collects reference cycles on the GUI thread only: a cycle dropped on another
thread (the index's, a task's) is freed on the GUI thread, where freeing a Qt object it
holds cannot deadlock against the GUI (a hang seen in the suite)."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from readinglist.gui.app import make_app
from readinglist.library.importing import collection_is_paused, collection_paused


class Cycle:
    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.current_thread().name)


def test_a_cycle_dropped_on_another_thread_is_freed_on_the_gui_thread(qtbot) -> None:
    make_app()
    assert not gc.isenabled()
    Cycle.freed_on.clear()

    def work() -> None:
        Cycle()  # dropped at once: only the cyclic collector can free it
        keep = [[] for _ in range(5 * gc.get_threshold()[0])]  # would trigger a collection
        del keep

    worker = threading.Thread(target=work, name="index-worker")
    worker.start()
    worker.join()
    assert Cycle.freed_on == []  # not on the worker
    keep = [[] for _ in range(2 * gc.get_threshold()[0])]  # the GUI thread's turn
    qtbot.waitUntil(lambda: bool(Cycle.freed_on), timeout=3000)
    assert Cycle.freed_on == [threading.main_thread().name]
    del keep


def test_an_import_leaves_the_collector_as_the_app_set_it() -> None:
    make_app()
    assert not collection_is_paused()
    with collection_paused():
        assert collection_is_paused() and not gc.isenabled()
    assert not collection_is_paused()
    assert not gc.isenabled()  # the app's collector stays in charge
