"""Readers never wait for a write in progress: each thread reads on its own connection
and sees the last committed state, while the writer sees what it has written so far."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from readinglist.domain import PaperRecord
from readinglist.library.service import Library


def _read_everything(library: Library, out: dict[str, Any]) -> None:
    out["row"] = library.table_rows([28])[28].title
    out["paper"] = library.get(28).title
    out["count"] = library.count()
    out["ids"] = len(library.list_ids())
    out["facets"] = library.facets()["status"]
    out["search"] = library.search("model soups", limit=5).ids


def test_reads_on_another_thread_do_not_wait_for_an_import_in_progress(
        seeded_library: Library) -> None:
    seeded_library.wait_for_index(None)
    seen: dict[str, Any] = {}
    finished: list[bool] = []
    written_so_far: list[int] = []

    def progress(done: int, total: int) -> None:
        # Called inside the import's one transaction, its lock held by this thread.
        if done != 100 or finished:
            return
        written_so_far.append(seeded_library.store.paper_count())  # the writer's view
        reader = threading.Thread(target=_read_everything, args=(seeded_library, seen))
        reader.start()
        # A reader that waited for the write would wait for ever here (the transaction
        # ends only after this returns): the timeout only keeps a failure from hanging.
        reader.join(timeout=60)
        finished.append(not reader.is_alive())

    records = [PaperRecord(title=f"Imported paper {n}", authors=["A. B"], year=2000 + n % 20)
               for n in range(300)]
    report = seeded_library.import_records(records, progress=progress)
    assert finished == [True]
    assert len(report.added) == 300
    # The reader saw the library as last committed; the writer saw its own rows.
    assert seen["count"] == seen["ids"] == 68
    assert seen["row"].startswith("Model soups") and seen["paper"] == seen["row"]
    assert sum(seen["facets"].values()) == 68 and seen["search"][0] == 28
    assert written_so_far == [68 + 100]
    assert seeded_library.count() == 368


def test_a_write_is_visible_to_other_threads_once_committed(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        paper = library.add("First").paper
        titles: list[str] = []
        reader = threading.Thread(target=lambda: titles.append(library.get(paper.id).title))
        reader.start()
        reader.join()
        library.update(paper.id, title="Second")
        again = threading.Thread(target=lambda: titles.append(library.get(paper.id).title))
        again.start()
        again.join()
        assert titles == ["First", "Second"]


def test_read_connections_of_ended_threads_are_closed(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib")
    library.add("One")
    threads = [threading.Thread(target=library.count) for _ in range(3)]
    for thread in threads:
        thread.start()
        thread.join()
    readers = library.store._readers
    assert readers is not None
    # Each thread ended before the next one first read: its connection was closed then.
    # Left: this thread's own (if it read) and the last thread's.
    assert readers.open_count() <= 2
    library.close()
    assert readers.open_count() == 0


def test_changes_by_another_library_on_the_same_folder_are_noticed_once(
        tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as app, Library.open(tmp_path / "lib") as script:
        assert app.changed_elsewhere() is False  # the state it starts from
        app.add("Mine")
        assert app.changed_elsewhere() is False  # its own writes are no news
        paper = script.add("From a script").paper
        assert app.changed_elsewhere() is True
        assert app.changed_elsewhere() is False
        assert app.get(paper.id).title == "From a script"
        script.set_status(paper.id, "read")
        assert app.changed_elsewhere() is True and app.get(paper.id).status.value == "read"


def test_an_import_hands_the_interpreter_back_sooner_and_restores_it() -> None:
    import sys

    from readinglist.library.importing import IMPORT_SWITCH_INTERVAL, collection_paused

    before = sys.getswitchinterval()
    with collection_paused():
        assert sys.getswitchinterval() <= IMPORT_SWITCH_INTERVAL
        with collection_paused():  # a second import at the same time
            pass
        assert sys.getswitchinterval() <= IMPORT_SWITCH_INTERVAL
    assert sys.getswitchinterval() == before
