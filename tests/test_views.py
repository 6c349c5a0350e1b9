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


def test_search_ids_ranks_keeps_the_queue_order_or_sorts(seeded_library: Library) -> None:
    lib = seeded_library
    for paper_id in (40, 3, 28):
        lib.set_status(paper_id, "queued")
    ranked = lib.search_ids("model")
    assert ranked == lib.search("model", limit=None, snippets=False).ids
    queue = View(queue=True)
    assert lib.search_ids("", queue) == [40, 3, 28]
    matching_queued = [i for i in (40, 3, 28) if i in ranked]
    assert lib.search_ids("model", queue) == matching_queued
    by_title = lib.search_ids("model", sort="title")
    titles = [lib.get(i).title.casefold() for i in by_title]
    assert sorted(by_title) == sorted(ranked) and titles == sorted(titles)
    assert lib.search_ids("", View(status="queued"), sort="id") == [3, 28, 40]
