"""Every write returns what it changed and tells the subscribers; edits made by another
process on the same library are read back from the change log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.domain.changes import Changes, changes_of
from readinglist.store import change_log


def heard(library: Library) -> list[Changes]:
    """The Changes of the library's writes from now on (not the index's news)."""
    got: list[Changes] = []
    library.subscribe(lambda changes: None if changes.index else got.append(changes))
    return got


def test_each_kind_of_write_says_what_it_changed(seeded_library: Library) -> None:
    lib = seeded_library
    told = heard(lib)

    changes = lib.set_status(28, "queued")
    assert changes.fields(28) >= {"status", "queue_position"}
    assert changes.queue and changes.counts and not changes.membership
    assert changes.paper is not None and changes.paper.status.value == "queued"
    assert told[-1] == changes

    assert lib.set_rating(28, 4).fields(28) == {"rating"}
    assert "tags" in lib.change_tags(28, add=["soup"]).fields(28)
    assert lib.change_tags(28, add=["soup"]).counts is False  # nothing new: no tags row
    assert lib.set_note(28, "a note").fields(28) >= {"note"}
    assert lib.update(28, year=2021).fields(28) == {"year"}

    start = lib.get(28).abstract.index("model")
    made = lib.add_annotation(28, start, start + 5)
    assert made.annotation is not None and made.fields(28) == {"annotations"}
    assert made.annotations

    added = lib.add("A paper typed in", year=2020)
    assert added.paper is not None and added.added == {added.paper.id}
    assert added.membership and not added.changed

    trashed = lib.delete(added.paper.id)
    assert trashed.fields(added.paper.id) == {"trashed"} and trashed.membership
    gone = lib.empty_trash()
    assert gone.removed == {added.paper.id} and gone.membership
    assert told[-2:] == [trashed, gone]


def test_an_import_and_a_merge_are_published_as_changes(seeded_library: Library,
                                                        tmp_path: Path) -> None:
    told = heard(seeded_library)
    bib = tmp_path / "two.bib"
    bib.write_text("@article{a, title={One new paper}, year=2020}\n"
                   "@article{b, title={Another new paper}, year=2021}\n", encoding="utf-8")
    report = seeded_library.import_files([bib])
    new = {paper_id for paper_id, _title in report.added}
    assert len(new) == 2
    assert told[-1].added == new and told[-1].last_import
    undo = seeded_library.merge_papers(min(new), [max(new)])
    assert told[-1].removed == {max(new)} and min(new) in told[-1].changed
    undone = seeded_library.undo_merge(undo)
    assert undone.added == {max(new)} and "restored" in undone.fields(min(new))


def test_a_write_inside_a_write_is_told_once(seeded_library: Library) -> None:
    told = heard(seeded_library)
    with seeded_library.writer.write() as outer:
        seeded_library.set_status(1, "read")
        seeded_library.set_rating(2, 5)
        assert told == []  # nothing is told before the commit
    assert len(told) == 1 and told[0].changed.keys() == {1, 2}
    assert outer.changes == told[0]


def test_a_failed_write_tells_nothing_and_changes_nothing(seeded_library: Library,
                                                          monkeypatch) -> None:
    told = heard(seeded_library)
    before = seeded_library.get(5)
    real = seeded_library.store.enqueue_index

    def broken(ids):  # after the row was written, inside the write
        real(ids)
        raise sqlite3.OperationalError("disk I/O error (injected)")

    monkeypatch.setattr(seeded_library.store, "enqueue_index", broken)
    with pytest.raises(sqlite3.OperationalError):
        seeded_library.set_status(5, "read")
    assert told == [] and seeded_library.get(5) == before
    monkeypatch.undo()
    # The positions the failed write used are used again, and told, by the next one.
    assert seeded_library.set_status(5, "read").fields(5) >= {"status"}


def test_another_process_edits_are_read_back_as_changes(seeded_library: Library) -> None:
    gui = seeded_library
    told = heard(gui)
    assert gui.poll_elsewhere() == Changes()
    gui.set_status(3, "read")  # this process's own: told at once, not again on a poll
    told.clear()
    with Library.open(gui.folder) as cli:  # as the CLI would, beside the open app
        cli.set_status(28, "read")
        cli.change_tags(28, add=["from-the-cli"])
        cli.add("Typed in the terminal")
        cli.delete(12)
    changes = gui.poll_elsewhere()
    assert changes.elsewhere
    assert changes.fields(28) >= {"status", "tags"}
    assert changes.fields(12) == {"trashed"} and len(changes.added) == 1
    assert 3 not in changes.papers
    assert told == [changes]
    assert gui.poll_elsewhere() == Changes()  # told once


def test_a_reader_behind_the_pruned_log_is_told_to_reread_everything(
        seeded_library: Library) -> None:
    store = seeded_library.store
    seen = change_log.last_seq(store)
    for paper_id in (1, 2, 3):
        seeded_library.set_rating(paper_id, 3)
    with store.transaction():
        change_log.prune(store, keep=1)
    changes, _end = change_log.read(store, seen)
    assert changes.everything


def test_a_library_written_before_the_change_log_opens_with_one(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    fixture = Path(__file__).parent / "fixtures" / "library-v6.sqlite"
    (folder / "library.sqlite").write_bytes(fixture.read_bytes())
    with Library.open(folder) as lib:
        assert lib.set_status(4, "reading").fields(4) >= {"status"}


def test_merged_changes_keep_what_each_says() -> None:
    first = changes_of(added=[1], changed={2: ["title"]})
    second = changes_of(changed={2: ["year"], 3: ["tags"]}, removed=[1])
    both = first.merged(second)
    assert both.added == frozenset() and both.removed == frozenset()  # came and went
    assert both.fields(2) == {"title", "year"} and both.fields(3) == {"tags"}
    assert changes_of(added=[4]).merged(changes_of(changed={4: ["title"]})).added == {4}


def test_a_paper_removed_and_put_back_is_changed_not_gone() -> None:
    merged = changes_of(removed=[7]).merged(changes_of(added=[7]))
    assert merged.added == frozenset() and merged.removed == frozenset()
    assert "restored" in merged.fields(7)


def test_a_write_waits_for_another_process_instead_of_failing(seeded_library: Library,
                                                              tmp_path: Path) -> None:
    # The other process commits while this one is inside a write that began by reading:
    # the write takes the database's write lock first, so it never works on a stale view.
    import subprocess
    import sys
    import threading
    import time

    started, other_done = threading.Event(), threading.Event()
    result: list[object] = []

    def write() -> None:
        try:
            with seeded_library.writer.write():
                started.set()
                other_done.wait(20)
                seeded_library.store.update_fields(3, {"venue": "after the other"})
            result.append("written")
        except Exception as exc:  # the test reports it
            result.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    assert started.wait(10)
    script = ("import sys; from readinglist import Library\n"
              "with Library.open(sys.argv[1]) as lib: lib.set_status(5, 'read')")
    other = subprocess.Popen([sys.executable, "-c", script, str(seeded_library.folder)])
    # Give it time to try (and, before BEGIN IMMEDIATE, to commit under this write).
    time.sleep(1.5)
    other_done.set()
    thread.join(30)
    assert other.wait(60) == 0
    assert result == ["written"]
    assert seeded_library.get(3).venue == "after the other"
    assert seeded_library.get(5).status.value == "read"


def test_a_poll_inside_a_write_tells_nothing(seeded_library: Library) -> None:
    with seeded_library.writer.write():
        seeded_library.store.update_fields(3, {"rating": 4})
        assert seeded_library.poll_elsewhere() == Changes()


def test_news_from_elsewhere_survive_an_index_that_cannot_refresh(
        seeded_library: Library, monkeypatch) -> None:
    gui = seeded_library
    gui.poll_elsewhere()
    with Library.open(gui.folder) as cli:
        cli.set_rating(9, 5)

    def busy() -> None:
        raise FileNotFoundError("_MAIN_8.toc (the other process is committing)")

    monkeypatch.setattr(gui.index, "refresh", busy)
    assert gui.poll_elsewhere().fields(9) == {"rating"}
