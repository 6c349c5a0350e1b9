"""Highlights on abstracts: stored by offsets and quote, searchable, re-anchored."""

from __future__ import annotations

import pytest

from readinglist import Library, ReadinglistError

SOUPS = 28


def highlight(lib: Library, paper_id: int, passage: str, colour: str = "yellow",
              comment: str = ""):
    start = lib.get(paper_id).abstract.index(passage)
    return lib.add_annotation(paper_id, start, start + len(passage), colour, comment).annotation


def test_highlight_keeps_offsets_quote_colour_and_comment(seeded_library):
    note = highlight(seeded_library, SOUPS, "averaging the weights", "green", "uniform soup")
    stored = seeded_library.get(SOUPS).annotations
    assert stored == (note,)
    assert seeded_library.get(SOUPS).abstract[note.start:note.end] == "averaging the weights"
    assert (note.quote, note.colour, note.comment, note.anchored) == (
        "averaging the weights", "green", "uniform soup", True)


def test_highlighted_passages_and_comments_are_searchable(seeded_library):
    highlight(seeded_library, SOUPS, "averaging the weights", comment="uniform soup recipe")
    assert seeded_library.search("annotation:recipe").ids == [SOUPS]
    assert seeded_library.search('annotation:"averaging the weights"').ids == [SOUPS]
    hit = seeded_library.search("recipe uniform").hits[0]
    assert hit.paper_id == SOUPS and hit.snippet_field == "annotation"
    assert [s.text for s in hit.snippet if s.hit] == ["uniform", "recipe"]


def test_editing_and_deleting_a_highlight_updates_search(seeded_library):
    note = highlight(seeded_library, SOUPS, "model soups", comment="first")
    seeded_library.update_annotation(note.id, colour="pink", comment="second thoughts")
    assert seeded_library.get(SOUPS).annotations[0].colour == "pink"
    assert seeded_library.search("annotation:first").ids == []
    assert seeded_library.search("annotation:thoughts").ids == [SOUPS]
    removed = seeded_library.delete_annotation(note.id).annotation
    assert seeded_library.get(SOUPS).annotations == ()
    assert seeded_library.search("annotation:thoughts").ids == []
    restored = seeded_library.restore_annotation(removed).annotation  # undo
    assert (restored.quote, restored.colour, restored.comment) == (
        "model soups", "pink", "second thoughts")
    assert seeded_library.search("annotation:thoughts").ids == [SOUPS]


def test_highlight_moves_with_its_passage_when_the_abstract_is_corrected(seeded_library):
    note = highlight(seeded_library, SOUPS, "averaging the weights")
    old = seeded_library.get(SOUPS).abstract
    seeded_library.update(SOUPS, abstract="Corrected intro. " + old)
    moved = seeded_library.get(SOUPS).annotations[0]
    assert moved.start == note.start + len("Corrected intro. ")
    assert moved.anchored
    assert seeded_library.get(SOUPS).abstract[moved.start:moved.end] == note.quote


def test_highlight_whose_passage_is_gone_is_kept_and_flagged(seeded_library):
    highlight(seeded_library, SOUPS, "averaging the weights", comment="keep me")
    seeded_library.update(SOUPS, abstract="A completely rewritten abstract.")
    kept = seeded_library.get(SOUPS).annotations
    assert len(kept) == 1
    assert not kept[0].anchored
    assert kept[0].quote == "averaging the weights"
    assert seeded_library.search("annotation:keep").ids == [SOUPS]


def test_annotations_view_filters_by_colour_and_tag(seeded_library):
    highlight(seeded_library, SOUPS, "model soups", "green")
    highlight(seeded_library, 1, "conversational AI", "yellow")
    seeded_library.add_tags(1, "dialogue")
    assert [a.paper_id for a in seeded_library.annotations("green")] == [SOUPS]
    assert [a.paper_id for a in seeded_library.annotations(tag="dialogue")] == [1]
    assert len(seeded_library.annotations()) == 2


@pytest.mark.parametrize("start,end", [(-1, 5), (10, 5), (0, 10**6)])
def test_highlight_outside_the_abstract_is_refused(seeded_library, start, end):
    with pytest.raises(ReadinglistError, match="inside the abstract"):
        seeded_library.add_annotation(SOUPS, start, end)
    assert seeded_library.get(SOUPS).annotations == ()


def test_unknown_colour_is_refused(seeded_library):
    with pytest.raises(ReadinglistError, match="unknown colour"):
        seeded_library.add_annotation(SOUPS, 0, 5, colour="chartreuse")


def test_deleting_a_paper_deletes_its_highlights(seeded_library):
    highlight(seeded_library, SOUPS, "model soups")
    seeded_library.delete(SOUPS)
    assert seeded_library.annotations() == []
