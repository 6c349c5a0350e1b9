"""A paper as a formatted reference (APA-like plain text) and as a web link."""

from __future__ import annotations

from readinglist.domain import Paper
from readinglist.text.reference import apa_author, apa_authors, reference, web_link


def test_authors_are_family_name_and_initials():
    assert apa_author("Ashish Vaswani") == "Vaswani, A."
    assert apa_author("Vaswani, Ashish") == "Vaswani, A."
    assert apa_author("Jean-Pierre Dupont") == "Dupont, J.-P."
    assert apa_author("Harry L. Baldwin, Jr.") == "Baldwin, H. L., Jr."
    assert apa_author("{Google DeepMind}") == "Google DeepMind"
    assert apa_author("OpenAI") == "OpenAI"


def test_author_lists_join_with_an_ampersand_and_shorten_past_twenty():
    assert apa_authors(["Ashish Vaswani"]) == "Vaswani, A."
    assert apa_authors(["Ashish Vaswani", "Noam Shazeer"]) == "Vaswani, A., & Shazeer, N."
    many = [f"Ann Author{i}" for i in range(25)]
    text = apa_authors(many)
    assert text.startswith("Author0, A., Author1, A.,")
    assert "Author18, A., … Author24, A." in text
    assert "Author19," not in text


def test_a_reference_has_authors_year_title_venue_and_the_doi_link():
    paper = Paper(id=1, title="Attention Is All You Need",
                  authors=("Ashish Vaswani", "Noam Shazeer"), year=2017, venue="NeurIPS",
                  doi="10.5555/3295222", url="https://example.org/a")
    assert reference(paper) == ("Vaswani, A., & Shazeer, N. (2017). Attention Is All You "
                                "Need. NeurIPS. https://doi.org/10.5555/3295222")


def test_a_reference_without_doi_venue_or_year():
    paper = Paper(id=2, title="Why? ", authors=("Ada Lovelace",), arxiv_id="2101.00001")
    assert reference(paper) == "Lovelace, A. (n.d.). Why? https://arxiv.org/abs/2101.00001"
    assert reference(Paper(id=3, title="Anonymous notes", year=1999)) == (
        "Anonymous notes. (1999).")


def test_the_web_link_is_the_url_then_the_doi_then_arxiv():
    assert web_link(Paper(id=1, title="t", url=" https://a.org ", doi="10.1/x")) == (
        "https://a.org")
    assert web_link(Paper(id=1, title="t", doi="10.1/x", arxiv_id="2101.1")) == (
        "https://doi.org/10.1/x")
    assert web_link(Paper(id=1, title="t", arxiv_id="2101.1")) == (
        "https://arxiv.org/abs/2101.1")
    assert web_link(Paper(id=1, title="t")) == ""
