"""Searching inside a view (views.py): one pass that the window, the CLI and exports
share."""

from __future__ import annotations

from readinglist import Library
from readinglist.domain import View


def test_a_search_inside_a_tag_the_queue_and_the_last_import(seeded_library: Library) -> None:
    lib = seeded_library
    lib.wait_for_index(None)
    everywhere = lib.search_view("model")
    assert everywhere.ids == everywhere.results.ids and len(everywhere.ids) > 3
    first, second, third = everywhere.ids[:3]
    lib.add_tags(second, "keep")
    lib.add_tags(third, "keep")
    tagged = lib.search_view("model", View(tag="keep"))
    # Ranked as the same search ranks them (ties may fall either way between searches).
    assert tagged.ids == [i for i in tagged.results.ids if i in (second, third)]
    assert set(tagged.ids) == {second, third}
    assert tagged.results.total == everywhere.results.total  # facets: every match
    for paper_id in (third, first):
        lib.set_status(paper_id, "queued")
    queued = lib.search_view("model", View(status="queued", queue=True))
    assert queued.ids == [third, first]  # the queue's order, not the rank
    # Every paper came from the last import (the seed page): all matches count.
    assert everywhere.in_last_import == everywhere.results.total
    assert set(lib.search_view("model", View(last_import=True)).ids) == set(everywhere.ids)


def test_exports_select_a_query_inside_a_tag_in_one_pass(seeded_library: Library) -> None:
    lib = seeded_library
    ranked = lib.search("model", limit=None).ids
    lib.add_tags(ranked[1], "keep")
    assert lib.select_ids("model", tag="keep") == [ranked[1]]
    assert set(lib.select_ids("model")) == set(ranked)
