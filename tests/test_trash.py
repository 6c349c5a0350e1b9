"""Deleting moves papers to the Trash with everything they have; they are in no list,
search, count or export until restored; emptying the Trash is the only permanent delete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from readinglist import Library, Status
from readinglist.domain import View

SOUPS = 28


def test_a_trashed_paper_leaves_every_view_and_comes_back_as_it_was(
        seeded_library: Library) -> None:
    lib = seeded_library
    lib.set_status(5, "queued")
    lib.set_status(SOUPS, "queued")
    lib.set_status(7, "queued")
    lib.change_tags(SOUPS, add=["ensembles"])
    lib.set_note(SOUPS, "a note to keep")
    start = lib.get(SOUPS).abstract.index("model")
    lib.add_annotation(SOUPS, start, start + 5, "green", "kept")
    before = lib.get(SOUPS)
    history = lib.history(SOUPS)
    lib.wait_for_index()

    lib.delete(SOUPS)
    assert SOUPS not in lib.list_ids() and lib.count() == 67
    assert lib.queue_ids() == [5, 7]
    assert "ensembles" not in lib.tag_counts()
    assert lib.status_counts()["queued"] == 2
    assert SOUPS not in lib.search("soups", limit=None).ids
    assert SOUPS not in lib.search_ids("", View(status="queued"))
    assert all(a.paper_id != SOUPS for a in lib.annotations())
    assert f'"id": {SOUPS},' not in lib.export("json")
    assert lib.find_paper("2203.05482") is None  # its arXiv id names no paper now
    assert lib.trash_ids() == [SOUPS] and lib.trash_count() == 1

    lib.restore(SOUPS)
    after = lib.get(SOUPS)
    assert after.trashed is None
    assert (after.tags, after.note, after.annotations, after.status) == (
        before.tags, before.note, before.annotations, Status.QUEUED)
    assert lib.history(SOUPS) == history
    assert lib.queue_ids() == [5, SOUPS, 7]  # its place in the queue
    assert SOUPS in lib.search("soups", limit=None).ids
    assert lib.trash_ids() == []


def test_only_emptying_the_trash_deletes_for_good(seeded_library: Library) -> None:
    lib = seeded_library
    lib.delete(3, 4)
    lib.empty_trash([3, 12])  # 12 is not in the Trash: left alone
    assert lib.trash_ids() == [4] and lib.store.paper_exists(12)
    assert not lib.store.paper_exists(3)
    lib.empty_trash()
    assert lib.trash_ids() == [] and lib.count() == 66


def test_a_reimported_paper_that_is_in_the_trash_comes_back_as_new(
        seeded_library: Library) -> None:
    lib = seeded_library
    lib.delete(SOUPS)
    report = lib.import_sample()
    assert len(report.added) == 1 and len(report.duplicates) == 67
    new_id = report.added[0][0]
    assert new_id != SOUPS and lib.get(new_id).title == lib.get(SOUPS).title


def test_the_index_rebuilt_leaves_the_trash_out(seeded_library: Library) -> None:
    lib = seeded_library
    lib.delete(SOUPS)
    lib.close()
    shutil.rmtree(Path(lib.folder) / "index")
    with Library.open(lib.folder) as again:
        assert SOUPS not in again.search("soups", limit=None).ids
        assert again.index_problem is None
        assert json.loads(again.export("csljson")) and again.count() == 67
