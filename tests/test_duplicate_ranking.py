"""Find duplicates ranks pairs by evidence: identifiers, then title + first author + year;
numbered titles, recurring columns and other first authors are not pairs at all."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from readinglist import Library
from readinglist.domain import PaperRecord
from readinglist.matching.duplicates import (
    STRONG,
    DuplicatePair,
    DuplicateRow,
    find_pairs,
    title_numbers,
)


def row(paper_id: int, title: str, authors: tuple[str, ...] = ("Ada Lovelace",),
        year: int | None = 2020, **fields: Any) -> DuplicateRow:
    return DuplicateRow(paper_id, title, authors, year, fields.pop("doi", ""),
                        fields.pop("arxiv_id", ""), **fields)


TRICKS = "Neural networks: tricks of the trade"
# (name, first paper, second paper, expected: "strong", "weak" or None for not listed,
#  the reason expected, or None for "not listed").
CASES: list[tuple[str, DuplicateRow, DuplicateRow, str | None, str | None]] = [
    ("same DOI",
     row(1, "Attention is all you need", doi="10.1/att"),
     row(2, "Attention is all you need!", year=2017, doi="10.1/att"),
     "strong", "same DOI"),
    ("same arXiv id",
     row(1, "Attention is all you need", arxiv_id="1706.03762"),
     row(2, "Attention is all you need", year=2017, arxiv_id="1706.03762"),
     "strong", "same arXiv id"),
    ("same arXiv id, the title changed between versions",
     row(1, "Attention is all you need", arxiv_id="1706.03762"),
     row(2, "Attention: the transformer", arxiv_id="1706.03762"),
     "strong", "same arXiv id; titles differ"),
    ("a proceedings volume's DOI on two unrelated papers",
     row(1, "Graph kernels", authors=("Nils Kriege",), doi="10.1007/978-3-030-1"),
     row(2, "Sparse coding", authors=("Bruno Olshausen",), doi="10.1007/978-3-030-1"),
     "weak", "same DOI; titles differ, different first authors"),
    ("same title, first author and year",
     row(1, "Deep residual learning", authors=("Kaiming He", "X Zhang")),
     row(2, "Deep Residual Learning.", authors=("He, Kaiming",)),
     "strong", "same title, first author and year"),
    ("a typo in the title",
     row(1, "Scaling laws for neural language models"),
     row(2, "Scaling laws for neural language model"),
     "strong", "similar titles (98%), same first author and year"),
    ("a version mark is no number",
     row(1, "Model soups: averaging weights of fine-tuned models"),
     row(2, "Model soups: averaging weights of fine-tuned models v2"),
     "strong", "similar titles (97%), same first author and year"),
    ("a preprint and its journal version",
     row(1, "Graph attention networks", year=2017, venue="arXiv"),
     row(2, "Graph attention networks", year=2018, venue="ICLR"),
     "weak", "same title and first author; years differ (2017/2018), venues differ"),
    ("similar titles, years differ",
     row(1, "Learning to rank with partially labeled data", year=2010),
     row(2, "Learning to rank with partially-labelled data", year=2011),
     "weak", "similar titles (98%), same first author; years differ (2010/2011)"),
    ("a page that gives no authors",
     row(1, "Model soups", authors=()),
     row(2, "Model soups"),
     "weak", "same title and year; no authors to compare"),
    ("the same title and abstract, no authors",
     row(1, "Model soups", authors=(), abstract="We average weights."),
     row(2, "Model soups", authors=(), abstract="We average weights."),
     "strong", "same title, year and abstract"),
    ("tricks II and III",
     row(1, f"{TRICKS} II", year=2010), row(2, f"{TRICKS} III", year=2011), None, None),
    ("tricks II and III of one year",
     row(1, f"{TRICKS} II"), row(2, f"{TRICKS} III"), None, None),
    ("contents of two years' issues",
     row(1, "Contents of issues 2–3/2012", authors=(), year=2012, venue="Acta"),
     row(2, "Contents of issues 2–3/2014", authors=(), year=2014, venue="Acta"),
     None, None),
    ("part 2 and part 3", row(1, "Optimal transport, part 2"),
     row(2, "Optimal transport, part 3"), None, None),
    ("a sequel without a number", row(1, "The deep learning handbook"),
     row(2, "The deep learning handbook 2"), None, None),
    ("the second and the third look", row(1, "A second look at batch normalization"),
     row(2, "A third look at batch normalization"), None, None),
    ("same title, other first author",
     row(1, "Introduction", authors=("Ann Smith",)),
     row(2, "Introduction", authors=("Bob Jones",)), None, None),
    ("same title, same journal, another volume",
     row(1, "Book reviews", venue="Nature", volume="3"),
     row(2, "Book reviews", venue="Nature", volume="4"), None, None),
    ("similar titles with two DOIs",
     row(1, "Scaling laws for neural language models", doi="10.1/a"),
     row(2, "Scaling laws for neural language model", doi="10.1/b"), None, None),
]


def outcome(pairs: list[DuplicatePair]) -> tuple[str | None, str | None]:
    assert len(pairs) <= 1
    if not pairs:
        return None, None
    return ("strong" if pairs[0].strong else "weak"), pairs[0].reason


@pytest.mark.parametrize(("a", "b", "strength", "reason"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_kind_of_pair_is_weighed_as_the_rules_say(a, b, strength, reason):
    assert outcome(find_pairs([a, b])) == (strength, reason)
    # The order of the two papers does not matter (identity.judge is asked both ways).
    swapped = find_pairs([replace(a, id=2), replace(b, id=1)])
    assert outcome(swapped)[0] == strength


def test_real_duplicates_rank_by_evidence_and_false_pairs_are_left_out():
    rows = [
        row(1, "Attention is all you need", ("Ashish Vaswani",), 2017, doi="10.1/att"),
        row(2, "Attention is all you need.", ("A. Vaswani",), 2017, doi="10.1/att"),
        row(3, "BERT: pre-training of deep bidirectional transformers", ("Jacob Devlin",),
            2018, arxiv_id="1810.04805"),
        row(4, "BERT: pre-training of deep bidirectional transformers", ("Jacob Devlin",),
            2019, arxiv_id="1810.04805"),
        row(5, "Deep residual learning for image recognition", ("Kaiming He",), 2016),
        row(6, "Deep Residual Learning for Image Recognition", ("He, K.",), 2016),
        row(7, "Scaling laws for neural language models", ("Jared Kaplan",), 2020),
        row(8, "Scaling laws for neural language model", ("Jared Kaplan",), 2020),
        row(9, f"{TRICKS} II", ("Grégoire Montavon",), 2010),
        row(10, f"{TRICKS} III", ("Grégoire Montavon",), 2011),
        row(11, "Contents of issues 2–3/2012", (), 2012, venue="Acta Numerica"),
        row(12, "Contents of issues 2–3/2014", (), 2014, venue="Acta Numerica"),
        row(13, "Graph attention networks", ("Petar Veličković",), 2017, venue="arXiv"),
        row(14, "Graph attention networks", ("Petar Velickovic",), 2018, venue="ICLR"),
    ]
    pairs = find_pairs(rows)
    assert [(p.keep, p.other, p.strong) for p in pairs] == [
        (1, 2, True), (3, 4, True), (5, 6, True), (7, 8, True), (13, 14, False)]
    assert [p.reason for p in pairs] == [
        "same DOI", "same arXiv id", "same title, first author and year",
        "similar titles (98%), same first author and year",
        "same title and first author; years differ (2017/2018), venues differ"]
    scores = [p.score for p in pairs]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)
    assert all(0 <= s <= 1 for s in scores) and scores[-1] < STRONG <= scores[-2]


def test_many_papers_with_one_identifier_are_one_star_of_pairs():
    rows = [row(n, "Attention is all you need", year=2017 + n, arxiv_id="1706.03762")
            for n in range(1, 5)]
    pairs = find_pairs(rows)
    assert [(p.keep, p.other, p.reason) for p in pairs] == [
        (1, n, "same arXiv id") for n in (2, 3, 4)]


def test_forty_years_of_one_editors_column_are_no_pairs():
    rows = [row(n, "Editorial comments", authors=("Eda Editor",), year=1980 + n,
                venue="Journal of Things", volume=str(n), pages=f"{n}-{n + 1}")
            for n in range(1, 41)]
    assert find_pairs(rows) == []
    # Nor when the column keeps one volume number but the year moves on.
    assert find_pairs([replace(r, volume="") for r in rows]) == []


def test_only_lists_the_pairs_involving_the_given_papers():
    rows = [row(1, "Model soups"), row(2, "Model soups"),
            row(3, "Graph kernels", doi="10.1/g"), row(4, "Graph kernels", doi="10.1/g")]
    assert [(p.keep, p.other) for p in find_pairs(rows)] == [(3, 4), (1, 2)]
    assert [(p.keep, p.other) for p in find_pairs(rows, only=[2])] == [(1, 2)]
    assert find_pairs(rows, only=[]) == []


@pytest.mark.parametrize(("title", "numbers"), [
    ("neural networks tricks of the trade ii", (2,)),
    ("contents of issues 2 3 2012", (2, 3, 2012)),
    ("part iv and part 4", (4, 4)),
    ("gpt3 the second coming", (2, 3)),
    ("model soups v2", ()),
    ("mix of experts", ()),  # a word that only looks like a numeral elsewhere
])
def test_title_numbers(title, numbers):
    assert title_numbers(title) == numbers


def test_the_library_judges_on_venue_volume_and_pages_from_the_database(empty_library):
    lib: Library = empty_library
    for volume in ("12", "13"):
        lib.import_records([PaperRecord(
            title="Editorial comments", authors=["Eda Editor"], year=2001,
            venue="Journal of Things", extra={"volume": volume, "pages": "1--2"})])
    soups = lib.add("Model soups", authors=["Mitchell Wortsman"], year=2022,
                    venue="ICML", extra={"number": "7"}).paper
    twin = lib.add("Model soups", authors=["Wortsman, M."], year=2022, extra={"issue": "8"}).paper
    assert lib.count() == 4
    # Without the volumes the two columns would be one record, a strong pair.
    pairs = lib.find_duplicates()
    assert [(p.keep, p.other, p.reason) for p in pairs] == [
        (soups.id, twin.id, "same title, first author and year; numbers differ (7/8)")]
    assert not pairs[0].strong


def test_an_imports_possible_duplicates_are_found_by_their_ids(empty_library):
    lib: Library = empty_library
    old = lib.add("Graph attention networks", authors=["Petar Veličković"], year=2017,
                  venue="arXiv").paper
    lib.add("Graph attention networks", authors=["Someone Else"], year=2018)
    lib.add("Unrelated", doi="10.1/u")
    lib.add("Also unrelated", doi="10.1/u")
    report = lib.import_records([PaperRecord(
        title="Graph Attention Networks", authors=["Veličković, Petar"], year=2018,
        venue="ICLR")])
    assert [(o, r) for _n, o, r in report.possible] == [(old.id, report.possible[0][2])]
    new = report.possible[0][0]
    pairs = lib.find_duplicates(ids=[new])
    assert [(p.keep, p.other) for p in pairs] == [(old.id, new)]
    assert pairs[0].reason.startswith("same title and first author; years differ")
    assert not pairs[0].strong
    assert len(lib.find_duplicates()) == 2  # the whole library also has the DOI pair
