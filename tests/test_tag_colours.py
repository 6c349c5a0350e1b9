"""Tag colours: set and taken away as writes that say so (Changes.tag_colours, from this
process or another), carried by a rename, kept by a merge's target, dropped with a
deleted tag and given back by an undo; a library of schema 9 gains them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.domain import ReadinglistError
from readinglist.domain.tag_colours import TAG_PALETTE, colour_name, parse_colour
from readinglist.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
RED, BLUE, GREEN = TAG_PALETTE["red"], TAG_PALETTE["blue"], TAG_PALETTE["green"]


@pytest.fixture
def tagged(tagged_library: Library) -> Library:
    return tagged_library


# -- the service ---------------------------------------------------------------------------


def test_a_colour_is_set_changed_and_taken_away_and_each_write_says_so(tagged):
    lib = tagged
    assert lib.tag_colours() == {}
    changes = lib.set_tag_colour("llm", "red")  # a palette name, any case of the tag
    assert changes.tag_colours and not changes.papers  # no paper changed
    assert lib.tag_colours() == {"LLM": RED}  # under the library's spelling
    lib.set_tag_colour("LLM", "#3D7FD9")
    assert lib.tag_colours() == {"LLM": "#3d7fd9"}  # stored in lower case
    assert lib.tag_colours_of(["llm", "NLP"]) == {"llm": "#3d7fd9", "NLP": None}
    assert lib.set_tag_colour("llm", None).tag_colours
    assert lib.tag_colours() == {}


def test_tags_are_listed_with_their_counts_and_colours(tagged):
    lib = tagged
    lib.set_tag_colour("NLP", "green")
    assert [(t.name, t.papers, t.colour) for t in lib.tags()] == [
        ("LLM", 2, None), ("NLP", 2, GREEN), ("vision", 1, None)]


def test_bad_colours_and_unknown_tags_are_refused_and_nothing_changes(tagged):
    lib = tagged
    for bad in ("#12345", "#gggggg", "rouge", "", "12ab34"):
        with pytest.raises(ReadinglistError, match="not a colour"):
            lib.set_tag_colour("LLM", bad)
    with pytest.raises(ReadinglistError, match="no tag 'nope'"):
        lib.set_tag_colour("nope", "red")
    with pytest.raises(ReadinglistError, match="needs a name"):
        lib.set_tag_colour("  ", "red")
    assert lib.tag_colours() == {}
    assert not lib.set_tag_colour("nope", None)  # taking away nothing: nothing changed


def test_parse_colour_accepts_the_palette_by_name_and_hex():
    assert parse_colour(" Grey ") == parse_colour("gray") == TAG_PALETTE["grey"]
    assert parse_colour("#ABCDEF") == "#abcdef"
    assert colour_name(RED.upper()) == "red" and colour_name("#abcdef") is None


def test_a_rename_carries_the_colour_and_undo_gives_it_back(tagged):
    lib = tagged
    lib.set_tag_colour("llm", "red")
    before = lib.papers_tagged(["llm"])
    colours = lib.tag_colours_of(["llm", "models"])
    assert lib.rename_tag("llm", "models").tag_colours
    assert lib.tag_colours() == {"models": RED}
    lib.put_tags(before, colours=colours)  # what the GUI's undo does
    assert lib.tag_colours() == {"LLM": RED}
    assert lib.get(1).tags == ("LLM", "vision")


def test_a_rename_that_only_changes_case_keeps_the_colour(tagged):
    lib = tagged
    lib.set_tag_colour("LLM", "red")
    lib.rename_tag("LLM", "llm")
    assert lib.tag_colours() == {"llm": RED}


def test_a_merge_keeps_the_targets_colour_else_takes_a_sources(tagged):
    lib = tagged
    lib.set_tag_colour("NLP", "blue")
    lib.set_tag_colour("vision", "green")
    lib.merge_tags(["vision"], "NLP")  # the target has a colour: it stays
    assert lib.tag_colours() == {"NLP": BLUE}
    lib.merge_tags(["NLP"], "LLM")  # the target has none: the source's comes along
    assert lib.tag_colours() == {"LLM": BLUE}


def test_deleting_a_tag_drops_its_colour_and_undo_restores_it(tagged):
    lib = tagged
    lib.set_tag_colour("NLP", "teal")
    before, colours = lib.papers_tagged(["NLP"]), lib.tag_colours_of(["NLP"])
    assert lib.delete_tag("NLP").tag_colours
    assert lib.tag_colours() == {}
    lib.put_tags(before, colours=colours)
    assert lib.tag_colours() == {"NLP": TAG_PALETTE["teal"]}
    assert lib.tag_counts()["NLP"] == 2


def test_a_colour_set_by_another_process_is_told_to_this_one(tagged):
    lib = tagged
    lib.poll_elsewhere()
    with Library.open(lib.folder, build_index=False) as other:
        other.set_tag_colour("vision", "purple")
    changes = lib.poll_elsewhere()
    assert changes.tag_colours and changes.elsewhere
    assert lib.tag_colours() == {"vision": TAG_PALETTE["purple"]}


def test_changes_merge_and_count_the_colour_flag(tagged):
    changes = tagged.set_tag_colour("vision", "red")
    assert bool(changes)
    merged = tagged.set_tag_colour("NLP", "red").merged(changes)
    assert merged.tag_colours


# -- a library of schema 9 ---------------------------------------------------------------


def test_a_v9_library_gains_tag_colours(tmp_path):
    fixture = FIXTURES / "library-v9.sqlite"
    if not fixture.exists():  # before the status rename's fixture: the Trash's
        fixture = FIXTURES / "library-v6.sqlite"
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(fixture, folder / "library.sqlite")
    with Library.open(folder) as lib:
        assert lib.store.schema_version == SCHEMA_VERSION
        assert lib.tag_colours() == {}
        tag = next(iter(lib.tag_counts()))
        assert lib.set_tag_colour(tag, "orange").tag_colours
        assert [t.colour for t in lib.tags() if t.name == tag] == [TAG_PALETTE["orange"]]
        assert lib.rename_tag(tag, "renamed").tag_colours
        assert lib.tag_colours() == {"renamed": TAG_PALETTE["orange"]}
