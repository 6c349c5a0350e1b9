"""Searching the library: the query language, ranking, snippets and query errors.

Expected ids were worked out by reading resources/sample/daily_papers_sample.txt
(ids 1..68 in page order), e.g. paper 28 is "Model soups: averaging weights ...".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist import Library, QueryError, SearchHit
from readinglist.domain import Segment
from readinglist.search.snippets import ELLIPSIS

# Papers whose title or abstract says "LoRA" (3 of them in the title: 24, 42, 65).
LORA = [7, 19, 24, 25, 42, 44, 49, 53, 56, 59, 61, 65]
# Papers with a word starting "diff": diffusion, different, difference, ...
DIFF = [
    1, 3, 4, 6, 8, 9, 10, 11, 13, 17, 19, 20, 21, 22, 23, 25, 28, 29, 30, 31, 32, 35, 37,
    38, 40, 43, 45, 46, 49, 50, 52, 55, 56, 57, 58, 60, 61, 62, 64,
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The seed library, shared by the read-only tests of this module (fast)."""
    from readinglist.system.locations import sample_page_path

    lib = Library.open(tmp_path_factory.mktemp("search") / "lib")
    assert len(lib.import_file(sample_page_path()).added) == 68
    yield lib
    lib.close()


def ids(lib: Library, query: str) -> list[int]:
    return sorted(lib.search(query, limit=None).ids)


# -- the query language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # one word, stemmed: captioning / captions / captioner
        ("captioning", [18, 30, 45, 47, 48]),
        ("garment", [49]),
        # case does not matter
        ("LoRA", LORA),
        ("lora", LORA),
        # words must all match
        ("lora diffusion", [19, 25, 49, 56, 61]),
        ("lora garment", [49]),
        ("lora dialogue", [24]),
        ("garment soups", []),
        # phrases
        ('"model soups"', [28, 46]),
        ('"prompt tuning"', [14, 59, 67]),
        ('title:"model soups"', [28]),
        # fields
        ("title:lora", [24, 42, 65]),
        ("abstract:lora", LORA),
        ("abstract:garment", [49]),
        ("title:zeroth", [2]),
        ("abstract:zeroth", [2, 6]),
        ("title:captioning", [18, 45, 47, 48]),
        ("TITLE:captioning", [18, 45, 47, 48]),
        ("title:(lora OR soups)", [24, 28, 42, 65]),
        # OR, NOT, minus
        ("zeroth OR garment", [2, 6, 49]),
        ("garment OR soups OR zeroth", [2, 6, 28, 46, 49]),
        ("(lora OR dialogue) diffusion", [19, 25, 49, 56, 61]),
        ("lora NOT diffusion", [7, 24, 42, 44, 53, 59, 65]),
        ("lora -diffusion", [7, 24, 42, 44, 53, 59, 65]),
        ("lora -title:lora", [7, 19, 25, 44, 49, 53, 56, 59, 61]),
        ("lora -lora", []),
        # stop words typed among the words do not have to match anywhere
        ("the garment", [49]),
        ("language models as black-box optimizers", [17, 38]),
        ("title:(language models as black-box optimizers)", [38]),
        ("lora OR", LORA),
        # a hyphen inside a word is not NOT
        ("garment-centric", [49]),
        # prefixes
        ("lora*", LORA),
        ("LORA*", LORA),
        ("diff*", DIFF),
        ("title:diff*", [3, 6, 8, 10, 17, 19, 20, 23, 25, 29, 58]),
    ],
)
def test_query_finds_exactly_these_papers(library, query, expected):
    assert ids(library, query) == expected


def test_pasted_title_finds_its_paper(library):
    for paper in library.list(sort="id"):
        if paper.id == 56:  # "DECOR:Decomposition ..." reads as the field DECOR:
            continue
        for query in (paper.title, f'"{paper.title}"', f'title:"{paper.title}"'):
            assert paper.id in library.search(query, limit=None).ids, query


def test_question_mark_ending_a_word_is_punctuation(library):
    assert ids(library, "Understand Each Other?") == [30]
    assert ids(library, "lora?") == LORA


def test_phrase_with_a_comma_searches_without_error(library):
    assert ids(library, '"efficient, scalable"') == [53]


def test_not_alone_finds_everything_else(library):
    assert ids(library, "NOT lora") == sorted(set(range(1, 69)) - set(LORA))
    assert ids(library, "-lora") == sorted(set(range(1, 69)) - set(LORA))


def test_empty_query_finds_nothing(library):
    results = library.search("   ")
    assert results.ids == []
    assert results.total == 0


def test_limit_caps_hits_but_total_counts_every_match(library):
    results = library.search("diff*", limit=5)
    assert len(results.hits) == 5
    assert results.total == len(DIFF)
    assert set(results.ids) <= set(DIFF)
    assert len(library.search("diff*", limit=None).hits) == len(DIFF)


def test_results_carry_the_query_and_scores_in_ranking_order(library):
    results = library.search("lora diffusion", limit=None)
    assert results.query == "lora diffusion"
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)


# -- ranking --------------------------------------------------------------------------


def test_title_matches_rank_above_abstract_only_matches(library):
    ranked = library.search("lora", limit=None).ids
    assert set(ranked[:3]) == {24, 42, 65}  # "LoRA" in the title
    ranked = library.search("captioning", limit=None).ids
    assert set(ranked[:4]) == {18, 45, 47, 48}  # "Captioning" in the title
    assert ranked[-1] == 30  # only the abstract speaks of captions


# -- snippets -------------------------------------------------------------------------


def hit_words(hit: SearchHit) -> list[str]:
    return [s.text for s in hit.snippet if s.hit]


def test_snippet_shows_where_the_word_matched(library):
    [hit] = library.search("garment").hits
    assert hit.paper_id == 49
    assert hit.snippet_field == "abstract"
    assert hit_words(hit)
    assert all(word.lower() == "garment" for word in hit_words(hit))
    assert "[garment]" in hit.snippet_text()


def test_every_hit_has_a_snippet_with_the_matched_word(library):
    results = library.search("lora", limit=None)
    assert len(results.hits) == len(LORA)
    for hit in results.hits:
        assert hit.snippet_field == "abstract"
        assert hit_words(hit), hit.paper_id
        assert all("lora" in word.lower() for word in hit_words(hit))


def test_snippet_is_a_verbatim_piece_of_the_abstract(library):
    for hit in library.search("diff*", limit=10).hits:
        abstract = library.get(hit.paper_id).abstract
        for piece in "".join(s.text for s in hit.snippet).split(ELLIPSIS):
            assert piece in abstract


def test_snippet_from_title_when_only_the_title_matched(library):
    [hit] = library.search('title:"model soups"').hits
    assert hit.snippet_field == "title"
    words = [w.lower() for w in hit_words(hit)]
    assert words[:2] == ["model", "soups"]
    assert set(words) <= {"model", "models", "soups"}  # "models" shares the stem


def test_snippets_can_be_skipped(library):
    hits = library.search("lora", snippets=False).hits
    assert {h.paper_id for h in hits} == set(LORA)
    assert all(h.snippet == () and h.snippet_field == "" for h in hits)


def test_user_text_in_snippets_is_never_markup(empty_library):
    paper = empty_library.add(
        "Markup", abstract="Use <b>bold</b> & <i>zebra</i> tags in <script>x</script> text."
    ).paper
    [hit] = empty_library.search("zebra").hits
    assert hit.paper_id == paper.id
    assert Segment("zebra", hit=True) in hit.snippet
    text = "".join(s.text for s in hit.snippet)
    assert "<i>" in text and "&" in text  # kept as typed, not interpreted or escaped
    assert "&amp;" not in text and "<strong>" not in text


def test_no_html_in_snippets_of_the_seed(library):
    for hit in library.search("lora OR soups", limit=None).hits:
        assert not re.search(r"</?\w+[^>]*>", hit.snippet_text())


# -- what users set through the service -----------------------------------------------


def test_tag_search_finds_tagged_papers_without_case(seeded_library):
    seeded_library.add_tags(24, "LLM", "to-read")
    seeded_library.add_tags(42, "llm", "Deep Learning")
    assert ids(seeded_library, "tag:llm") == [24, 42]
    assert ids(seeded_library, "tag:LLM") == [24, 42]
    assert ids(seeded_library, 'tag:"deep learning"') == [42]
    assert ids(seeded_library, "tag:deep") == []  # a tag matches whole
    assert ids(seeded_library, "tag:to-read") == [24]
    assert ids(seeded_library, "tag:llm -title:pro") == [42]
    assert ids(seeded_library, "tag:ll*") == [24, 42]


def test_status_search_follows_status_changes(seeded_library):
    assert ids(seeded_library, "status:read") == []
    seeded_library.set_status(5, "read")
    seeded_library.set_status(24, "read")
    seeded_library.set_status(6, "reading")
    assert ids(seeded_library, "status:read") == [5, 24]
    assert ids(seeded_library, "status:Read") == [5, 24]
    assert ids(seeded_library, "status:reading") == [6]
    inbox = ids(seeded_library, "status:inbox")
    assert inbox == sorted(set(range(1, 69)) - {5, 6, 24})
    assert ids(seeded_library, "status:unread") == inbox  # its name before schema 10
    assert ids(seeded_library, "status:New") == inbox  # what other tools call it
    assert ids(seeded_library, "status:read lora") == [24]


def test_changed_paper_is_found_once(seeded_library):
    assert ids(seeded_library, "status:read") == []  # a search before the change
    seeded_library.set_status(24, "read")
    assert ids(seeded_library, "status:read") == [24]
    assert 24 not in ids(seeded_library, "status:inbox")
    seeded_library.set_note(24, "again")
    assert seeded_library.search("lora", limit=None).ids.count(24) == 1
    assert seeded_library.search("*", limit=None).total == 68


def test_note_search_finds_the_note(seeded_library):
    seeded_library.set_note(7, "Compare with the tuned baseline; the zebra example is great.")
    assert ids(seeded_library, "note:zebra") == [7]
    assert ids(seeded_library, "notes:zebras") == [7]
    assert ids(seeded_library, "zebra") == [7]
    [hit] = seeded_library.search("zebra").hits
    assert hit.snippet_field == "note"
    assert hit_words(hit) == ["zebra"]
    seeded_library.set_note(7, "")
    assert ids(seeded_library, "zebra") == []


# -- names and stemming ---------------------------------------------------------------


def test_author_names_are_found_without_accents(empty_library):
    paper = empty_library.add("Foundations", authors=["Hinrich Schütze", "Jane Doe"]).paper
    empty_library.add("Other", authors=["Christopher Manning"])
    for query in ("author:schutze", "author:Schütze", "authors:SCHUTZE", "schutze",
                  "author:hinrich", 'author:"hinrich schutze"'):
        assert ids(empty_library, query) == [paper.id], query
    assert ids(empty_library, "author:doe") == [paper.id]
    assert ids(empty_library, "author:manning") == [paper.id + 1]


def test_words_are_found_by_their_stem(empty_library):
    tuned = empty_library.add("A study", abstract="We tuned the models carefully.").paper
    empty_library.add("Another study", abstract="We trained the models from scratch.")
    assert ids(empty_library, "tuning") == [tuned.id]
    assert ids(empty_library, "tunes") == [tuned.id]
    assert ids(empty_library, "model") == [tuned.id, tuned.id + 1]


def test_identifier_fields_ignore_case(empty_library):
    paper = empty_library.add(
        "Identified", doi="https://doi.org/10.1000/ABC.Def", arxiv_id="arXiv:2401.12345v2"
    ).paper
    assert ids(empty_library, "doi:10.1000/abc.def") == [paper.id]
    assert ids(empty_library, "doi:10.1000/ABC.Def") == [paper.id]
    assert ids(empty_library, "arxiv:2401.12345") == [paper.id]


def test_year_field_and_ranges(empty_library):
    old = empty_library.add("Old paper", year=2019).paper
    new = empty_library.add("New paper", year=2024).paper
    assert ids(empty_library, "year:2019") == [old.id]
    assert ids(empty_library, "year:>2020") == [new.id]
    assert ids(empty_library, "paper year:[2018 to 2025]") == [old.id, new.id]


# -- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"model soups', "the quote opened at column 1 is never closed"),
        ('lora "model soups', "the quote opened at column 6 is never closed"),
        ("lora diffusion)", "unmatched ')' at column 15"),
        ("(lora OR soups", "the '(' at column 1 is never closed"),
        ("((lora)", "the '(' at column 1 is never closed"),
        ("foo:bar", "unknown field 'foo:' at column 1"),
        ("lora Foo:bar", "unknown field 'Foo:' at column 6"),
        ("a*", "'a*' is too short: type at least 2 letters before *"),
        ("lora x*", "'x*' is too short"),
    ],
)
def test_unreadable_query_says_what_is_wrong(library, query, message):
    with pytest.raises(QueryError) as caught:
        library.search(query)
    assert message in str(caught.value)


def test_unknown_field_error_lists_the_fields(library):
    with pytest.raises(QueryError, match="fields are: title:, author:, abstract:"):
        library.search("foo:bar")


def test_field_names_inside_phrases_and_urls_are_just_text(library):
    assert ids(library, '"foo:bar"') == []
    assert ids(library, "Model soups: averaging weights") == [28]  # a colon then a space
    assert ids(library, "https://github.com/mlfoundations/model-soups") == [28]


def test_search_before_the_index_is_built_says_so(tmp_path: Path, seed_path):
    with Library.open(tmp_path / "lib") as lib:
        lib.import_file(seed_path)
    with Library.open(tmp_path / "lib", build_index=False) as lib:
        lib.index.close()
        with pytest.raises(QueryError, match="search is available when it is done"):
            lib.search("lora")
