"""Saved searches: a query with the view it was made in, under a name, with a live count;
saved, renamed and deleted as writes that say what changed."""

from __future__ import annotations

import pytest

from readinglist import Library
from readinglist.domain import ReadinglistError, View


def test_a_saved_search_counts_what_it_finds_now(seeded_library: Library) -> None:
    lib = seeded_library
    changes = lib.save_search("LoRA", "lora*")
    assert changes.saved_searches and changes.counts
    found = lib.saved_search_ids("lora")  # names compare without case
    assert found == lib.search_ids("lora*") and found
    lib.set_status(found[0], "queued")
    lib.save_search("Queued LoRA", "lora*", View(status="queued"))
    assert lib.saved_search_ids("Queued LoRA") == [found[0]]
    lib.delete(found[0])  # the Trash: not found by any search
    assert lib.saved_search_ids("Queued LoRA") == []
    assert [s.name for s in lib.saved_searches()] == ["LoRA", "Queued LoRA"]


def test_names_are_unique_and_searches_renamed_and_deleted(seeded_library: Library) -> None:
    lib = seeded_library
    lib.save_search("Soups", "soups")
    with pytest.raises(ReadinglistError, match="already"):
        lib.save_search("soups", "other")
    lib.save_search("soups", "model soups", replace=True)
    assert [(s.name, s.query) for s in lib.saved_searches()] == [("soups", "model soups")]
    lib.rename_saved_search("SOUPS", "Ensembles")
    assert [s.name for s in lib.saved_searches()] == ["Ensembles"]
    assert lib.delete_saved_search("ensembles").saved_searches
    assert lib.saved_searches() == []
    with pytest.raises(ReadinglistError, match="no saved search"):
        lib.delete_saved_search("ensembles")
    with pytest.raises(ReadinglistError, match="needs a name"):
        lib.save_search("  ", "x")


def test_a_search_saved_by_another_process_is_told(seeded_library: Library) -> None:
    gui = seeded_library
    gui.poll_elsewhere()
    with Library.open(gui.folder) as cli:
        cli.save_search("From the CLI", "model")
    changes = gui.poll_elsewhere()
    assert changes.elsewhere and changes.saved_searches and not changes.papers
