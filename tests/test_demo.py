"""The demo library (`readinglist --demo`): the sample page as after five months of use,
made from a seed, in a folder of its own that never is the user's library."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.domain import HIGHLIGHT_COLOURS, ReadinglistError, Status
from readinglist.gui.app import open_library
from readinglist.gui.demo_library import (
    FEATURED,
    QUEUE_LENGTH,
    STREAK_DAYS,
    TAG_WORDS,
    fill_demo,
)
from readinglist.launch import chosen_library
from readinglist.matching.note_links import find_references
from readinglist.system.locations import ENV_LIBRARY, default_library_path, demo_library_path

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
VOCABULARY = {tag for tag, _words in TAG_WORDS} | {t for f in FEATURED.values() for t in f.tags}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library.open(tmp_path_factory.mktemp("demo") / "lib")
    fill_demo(library, now=NOW)
    yield library
    library.close()


def test_the_demo_has_papers_in_every_state_of_reading(demo: Library) -> None:
    counts = demo.status_counts()
    assert demo.count() == 68
    done = counts["read"] + counts["skimmed"]
    assert 28 <= done <= 33  # about 45%
    assert counts["skimmed"] >= 3
    assert counts["queued"] == QUEUE_LENGTH
    assert counts["reading"] == 2
    assert counts["abandoned"] == 3
    assert sum(counts.values()) - done - QUEUE_LENGTH - 5 >= 20  # the Inbox
    read = demo.list(status="read")
    assert sum(1 for p in read if p.rating) >= len(read) * 0.6
    assert all(p.finished is not None for p in read)


def test_the_queue_is_in_order_with_the_featured_paper_first(demo: Library) -> None:
    queue = demo.queue()
    assert len(queue) == QUEUE_LENGTH
    assert queue[0].title.startswith(FEATURED["lora_pro"].title)
    assert all(p.status is Status.QUEUED for p in queue)
    # A new paper set to Queued joins the end: the order is a real queue order.
    assert len({p.queue_position for p in queue}) == QUEUE_LENGTH


def test_tags_come_from_a_small_vocabulary(demo: Library) -> None:
    tags = demo.tag_counts()
    assert 5 <= len(tags) <= len(VOCABULARY)
    assert set(tags) <= VOCABULARY
    done = demo.list(status="read") + demo.list(status="skimmed")
    assert sum(1 for p in done if p.tags) >= len(done) * 0.8


def test_some_tags_have_colours(demo: Library) -> None:
    colours = demo.tag_colours()
    assert len(colours) == 3 and set(colours) <= set(demo.tag_counts())


def test_notes_have_a_heading_a_list_and_links_to_papers_of_the_library(demo: Library) -> None:
    noted = [p for p in demo.list() if p.note]
    assert len(noted) == 3
    for paper in noted:
        assert paper.note.startswith("## ")
        assert "\n- " in paper.note or "\n1. " in paper.note
        references = find_references(paper.note)
        assert references
        for reference in references:
            target = demo.find_paper(reference.query)
            assert target is not None and target != paper.id


def test_highlights_in_several_colours_some_with_comments(demo: Library) -> None:
    highlights = demo.annotations()
    assert len({a.paper_id for a in highlights}) >= 3
    assert len({a.colour for a in highlights}) >= 4
    assert set(a.colour for a in highlights) <= set(HIGHLIGHT_COLOURS)
    assert sum(1 for a in highlights if a.comment) >= 3
    for highlight in highlights:
        assert demo.get(highlight.paper_id).abstract[highlight.start:highlight.end] == (
            highlight.quote)


def test_history_spans_months_and_the_dashboard_has_something_to_show(demo: Library) -> None:
    finished = [p.finished for p in demo.list() if p.finished is not None]
    assert min(finished) < NOW - timedelta(days=100)
    assert max(finished) < NOW
    assert len({(f.year, f.month) for f in finished}) >= 4
    stats = demo.statistics(now=NOW)
    assert sum(1 for month in stats.per_month if month.finished) >= 4
    assert sum(1 for week in stats.per_week if week.finished) >= 10
    assert stats.streaks.current >= STREAK_DAYS
    assert any(point.size for point in stats.backlog)
    assert stats.top_tags
    assert stats.time_to_read.count == demo.status_counts()["read"]
    # Timelines make sense: added, then the changes in order, the last one the status.
    for paper in demo.list():
        history = demo.history(paper.id)
        assert [c.at for c in history] == sorted(c.at for c in history)
        assert history[-1].status == paper.status


def test_saved_searches_find_papers(demo: Library) -> None:
    saved = demo.saved_searches()
    assert len(saved) == 2
    for search in saved:
        assert demo.saved_search_ids(search.name)


def test_the_demo_is_searchable(demo: Library) -> None:
    assert demo.search('title:"model soups"').total == 1
    assert demo.search("note:basin").total == 1
    assert demo.search("annotation:momentum").total == 1


def _state(library: Library) -> list[tuple]:
    return [(p.id, p.status, p.rating, p.tags, p.priority, p.note,
             [(c.status, c.at) for c in library.history(p.id)])
            for p in library.list(sort="id")] + [tuple(library.queue_ids())]


def test_the_same_seed_makes_the_same_library(tmp_path: Path, demo: Library) -> None:
    with Library.open(tmp_path / "again") as again:
        fill_demo(again, now=NOW)
        assert _state(again) == _state(demo)
    with Library.open(tmp_path / "other") as other:
        fill_demo(other, seed=8, now=NOW)
        assert _state(other) != _state(demo)


def test_a_library_with_papers_is_never_filled(tmp_path: Path) -> None:
    with Library.open(tmp_path / "own") as own:
        own.add("My own paper")
        with pytest.raises(ReadinglistError, match="empty"):
            fill_demo(own)
        assert own.count() == 1
    with Library.open(tmp_path / "trashed") as trashed:  # papers in the Trash count too
        paper = trashed.add("Deleted, not gone").paper
        assert paper is not None
        trashed.delete(paper.id)
        with pytest.raises(ReadinglistError):
            fill_demo(trashed)
        assert trashed.count() == 0


def test_open_library_fills_an_empty_demo_folder_once(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    library = open_library(folder, demo=True)
    try:
        assert library.count() == 68
        first = library.list(sort="id")[0]
        library.set_status(first.id, "abandoned")
    finally:
        library.close()
    library = open_library(folder, demo=True)  # the demo keeps what was done in it
    try:
        assert library.count() == 68
        assert library.get(first.id).status is Status.ABANDONED
    finally:
        library.close()


def test_open_library_without_demo_leaves_an_empty_library_empty(tmp_path: Path) -> None:
    library = open_library(tmp_path / "lib")
    try:
        assert library.count() == 0
    finally:
        library.close()


def test_the_demo_never_fills_the_users_own_library(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "mine"
    monkeypatch.setenv(ENV_LIBRARY, str(own))
    library = open_library(own, demo=True)  # `readinglist --demo --library` at one's own
    try:
        assert library.count() == 0
    finally:
        library.close()


def test_the_demo_folder_is_not_the_users_library(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(ENV_LIBRARY, raising=False)
    assert demo_library_path() != default_library_path()
    monkeypatch.setenv(ENV_LIBRARY, str(tmp_path / "chosen"))
    assert default_library_path() == tmp_path / "chosen"
    assert demo_library_path() != default_library_path()
    assert chosen_library(argparse.Namespace(demo=True)) == demo_library_path()
    assert chosen_library(argparse.Namespace(demo=False)) == tmp_path / "chosen"
