"""Tags across the library: rename, merge and delete, each one transaction that says what
it changed, undone by putting the papers' tags back."""

from __future__ import annotations

import pytest

from readinglist import Library
from readinglist.domain import ReadinglistError


@pytest.fixture
def tagged(tagged_library: Library) -> Library:
    tagged_library.delete(3)  # in the Trash: its tags are renamed too, so a restore matches
    return tagged_library


def test_rename_merge_and_delete_across_the_library(tagged: Library) -> None:
    lib = tagged
    assert lib.tag_counts() == {"LLM": 2, "NLP": 1, "vision": 1}
    changes = lib.rename_tag("llm", "language models")
    assert changes.changed.keys() == {1, 2} and changes.any_field(("tags",))
    assert lib.get(1).tags == ("language models", "vision")
    assert lib.search("tag:\"language models\"", limit=None).ids  # the index follows

    lib.merge_tags(["NLP", "vision"], "Language models")  # into an existing one
    assert lib.tag_counts() == {"language models": 2}
    assert lib.get(3).tags == ("Language models",)  # in the Trash, renamed too

    lib.delete_tag("language models")
    assert lib.tag_counts() == {} and lib.get(2).tags == ()


def test_a_rename_is_undone_by_putting_the_tags_back(tagged: Library) -> None:
    lib = tagged
    before = lib.papers_tagged(["llm"])
    assert before == {1: ("LLM", "vision"), 2: ("LLM", "NLP")}  # one spelling per tag
    lib.rename_tag("llm", "models")
    assert lib.put_tags(before).changed.keys() == {1, 2}
    assert lib.get(1).tags == ("LLM", "vision") and lib.get(2).tags == ("LLM", "NLP")


def test_unknown_and_empty_tags_are_refused_and_nothing_changes(tagged: Library) -> None:
    lib = tagged
    with pytest.raises(ReadinglistError, match="no tag 'nope'"):
        lib.rename_tag("nope", "x")
    with pytest.raises(ReadinglistError, match="needs a name"):
        lib.merge_tags(["LLM"], "   ")
    assert lib.tag_counts() == {"LLM": 2, "NLP": 1, "vision": 1}
