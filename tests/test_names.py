"""Authors and papers as display text (readinglist.text.names), with names as they come in
real libraries: "Last, First", "First Last", particles, organisations in braces,
suffixes and non-Latin scripts."""

from __future__ import annotations

import pytest

from readinglist.domain import Paper, Status
from readinglist.text.names import format_authors, paper_details, paper_text, short_authors

VASWANI = ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"]


def authors(count: int) -> list[str]:
    return [f"Author{i} Family{i}" for i in range(1, count + 1)]


# -- format_authors: the paper table's Authors column ---------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["Ashish Vaswani"], "Ashish Vaswani"),
        (VASWANI[:2], "Ashish Vaswani, Noam Shazeer"),
        (VASWANI[:3], "Ashish Vaswani, Noam Shazeer, Niki Parmar"),
        (VASWANI, "Ashish Vaswani, Noam Shazeer, Niki Parmar et al."),
    ],
)
def test_format_authors_lists_up_to_three_then_et_al(names: list[str], expected: str) -> None:
    assert format_authors(names) == expected


def test_format_authors_of_fifty_names_shows_the_first_three() -> None:
    assert format_authors(authors(50)) == (
        "Author1 Family1, Author2 Family2, Author3 Family3 et al.")


def test_format_authors_takes_a_limit_and_any_sequence() -> None:
    assert format_authors(tuple(VASWANI), limit=1) == "Ashish Vaswani et al."
    assert format_authors(VASWANI, limit=4) == ", ".join(VASWANI)


@pytest.mark.parametrize(
    "name",
    [
        "Vaswani, Ashish",
        "van der Waals, Johannes Diderik",
        "Johannes Diderik van der Waals",
        "Harry L. Baldwin, Jr.",
        "Erdős, Paul",
        "李飞飞",
        "Zoë Ñúñez-Öztürk",
    ],
)
def test_format_authors_shows_a_single_name_as_written(name: str) -> None:
    assert format_authors([name]) == name


def test_format_authors_joins_names_unchanged() -> None:
    # As the table has always shown them: braces stay and "Last, First" is not
    # rewritten, so two such names read as four parts.
    assert format_authors(["{Google DeepMind}", "Jörg Müller"]) == (
        "{Google DeepMind}, Jörg Müller")
    assert format_authors(["Vaswani, Ashish", "Shazeer, Noam"]) == (
        "Vaswani, Ashish, Shazeer, Noam")


# -- short_authors: "Vaswani et al." ----------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["Ashish Vaswani"], "Vaswani"),
        (VASWANI[:2], "Vaswani & Shazeer"),
        (VASWANI[:3], "Vaswani et al."),
        (VASWANI, "Vaswani et al."),
    ],
)
def test_short_authors_by_count(names: list[str], expected: str) -> None:
    assert short_authors(names) == expected


def test_short_authors_of_fifty_names() -> None:
    assert short_authors(authors(50)) == "Family1 et al."


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Vaswani, Ashish", "Vaswani"),
        ("Ashish Vaswani", "Vaswani"),
        ("van der Waals, Johannes Diderik", "van der Waals"),
        ("de la Fontaine, Jean", "de la Fontaine"),
        # Written "First Last", a particle cannot be told from a middle name: the last
        # word is taken (as for citation keys).
        ("Johannes Diderik van der Waals", "Waals"),
        ("Harry L. Baldwin, Jr.", "Baldwin"),
        ("Edwin V. Bell II", "Bell"),
        ("Erdős, Paul", "Erdős"),
        ("Jörg Müller", "Müller"),
        ("Fei-Fei Li", "Li"),
        ("李飞飞", "李飞飞"),
    ],
)
def test_short_authors_uses_the_family_name(name: str, family: str) -> None:
    assert short_authors([name]) == family


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["{Google DeepMind}"], "Google DeepMind"),
        (["{Barnes and Noble}"], "Barnes and Noble"),
        (["OpenAI"], "OpenAI"),
        (["{Google DeepMind}", "Jörg Müller"], "Google DeepMind & Müller"),
        (["{IEEE}", "{ACM}", "W3C"], "IEEE et al."),
    ],
)
def test_short_authors_keeps_organisations_whole(names: list[str], expected: str) -> None:
    assert short_authors(names) == expected


def test_short_authors_skips_blank_names() -> None:
    assert short_authors(["  ", "Ada Lovelace"]) == "Lovelace"
    assert short_authors(["", "Ada Lovelace", " ", "Alan Turing"]) == "Lovelace & Turing"
    assert short_authors([" "]) == ""


# -- a paper as one line, and as a tooltip ------------------------------------------------------


ATTENTION = Paper(
    12,
    "  Attention  Is\nAll You Need ",
    ("Ashish Vaswani", "Noam Shazeer", "{Google Brain}"),
    2017,
    venue="NeurIPS",
    doi="10.5555/3295222.3295349",
    arxiv_id="1706.03762",
    tags=("nlp", "transformers"),
    status=Status.READ,
)


def test_paper_text_is_title_id_year_and_short_authors() -> None:
    assert paper_text(ATTENTION) == "Attention Is All You Need #12, 2017, Vaswani et al."


def test_paper_text_leaves_out_what_is_missing() -> None:
    assert paper_text(Paper(3, "Untitled")) == "Untitled #3"
    assert paper_text(Paper(4, "On Gases", ("van der Waals, J. D.",))) == (
        "On Gases #4, van der Waals")
    assert paper_text(Paper(5, "Report", ("{Google DeepMind}",), 2023)) == (
        "Report #5, 2023, Google DeepMind")


def test_paper_details_lists_the_identifying_fields() -> None:
    assert paper_details(ATTENTION).splitlines() == [
        "  Attention  Is",
        "All You Need ",
        "Ashish Vaswani, Noam Shazeer, Google Brain",
        "Year: 2017",
        "Venue: NeurIPS",
        "DOI: 10.5555/3295222.3295349",
        "arXiv: 1706.03762",
        "Tags: nlp, transformers",
        "Status: Read",
    ]


def test_paper_details_leaves_out_empty_fields() -> None:
    assert paper_details(Paper(2, "Untitled")) == "Untitled\nStatus: Inbox"
    assert paper_details(Paper(7, "Über Gase", ("Jörg Müller",))) == (
        "Über Gase\nJörg Müller\nStatus: Inbox")
