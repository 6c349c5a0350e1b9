"""Reading CSL-JSON as Zotero and citeproc-js write it, and telling it from our own JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.domain import ImportFailed
from readinglist.importers import csljson
from readinglist.importers.base import ParseResult
from readinglist.library.service import Library

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "csljson"


def load(name: str) -> ParseResult:
    return csljson.parse((FIXTURES / name).read_text(encoding="utf-8"), name)


def by_title(result: ParseResult) -> dict:
    return {r.title: r for r in result.records}


# -- a Zotero export -------------------------------------------------------------------


def test_zotero_export_reads_every_item_with_its_line():
    result = load("zotero.json")
    assert result.problems == [] and result.warnings == []
    assert [(r.title, r.line) for r in result.records] == [
        ("Über die Stabilität neuronaler Netze", 2),
        ("Mixtral of Experts", 26),
        ("Attention is All you Need", 45),
        ("Å lære å lese", 65),
        ("Deep Learning", 75),
    ]


def test_journal_article_fields_and_names():
    paper = load("zotero.json").records[0]
    assert paper.entry_type == "article"
    assert paper.authors == [
        "Jörg Müller", "Ludwig van Beethoven", "Martin Luther King Jr.", "Google DeepMind",
    ]
    assert paper.year == 2021
    assert paper.venue == "Zeitschrift für Maschinelles Lernen"
    assert paper.doi == "10.1234/zml.2021.042"  # resolver prefix dropped, lower case
    assert paper.tags == ["stability", "neural networks", "Lernen"]
    assert paper.links == ["https://github.com/example/stabil"]
    assert paper.extra == {
        "month": "5",
        "pages": "12--19",
        "issn": "1234-5678",
        "number": "3",
        "shortjournal": "Z. Masch. Lern.",
        "language": "de",
        "volume": "7",
        "urldate": "2024-01-15",
    }
    # The venue is not repeated in extra, and Zotero's catalogue name is dropped.
    assert not {"journal", "booktitle", "container_title", "source"} & set(paper.extra)
    # A Zotero item URL is an id, not a citation key; messages still name it.
    assert paper.citation_key == ""
    assert paper.key.endswith("/items/7XKQ2N4B")
    assert paper.source == "CSL-JSON (zotero.json)"


def test_preprint_arxiv_id_and_citation_key_from_zotero_note():
    paper = by_title(load("zotero.json"))["Mixtral of Experts"]
    assert paper.entry_type == "misc"  # CSL "article" is a preprint or working paper
    assert paper.arxiv_id == "2401.04088"
    assert paper.citation_key == "jiang2024mixtral"
    assert paper.authors == ["Albert Q. Jiang", "Teven Le Scao", "Diego de las Casas"]
    assert paper.note == "arXiv: 2401.04088\nCitation Key: jiang2024mixtral"
    assert "number" not in paper.extra  # "arXiv:2401.04088" is the arxiv_id, not a number
    assert paper.extra["shorttitle"] == "Mixtral"
    assert paper.extra["publisher"] == "arXiv"


def test_conference_paper_with_editors_and_raw_date():
    paper = by_title(load("zotero.json"))["Attention is All you Need"]
    assert paper.entry_type == "inproceedings"
    assert paper.citation_key == "vaswani2017attention"
    assert paper.year == 2017
    assert paper.extra["editor"] == "I. Guyon and U. V. von Luxburg"
    assert paper.extra["pages"] == "5998--6008"  # an en dash in the file
    assert paper.extra["eventtitle"] == "NeurIPS 2017"
    assert paper.extra["publisher"] == "Curran Associates, Inc."


def test_thesis_and_book():
    papers = by_title(load("zotero.json"))
    thesis = papers["Å lære å lese"]
    assert thesis.entry_type == "mastersthesis"
    assert thesis.year == 2019  # {"literal": "Spring 2019"}
    assert thesis.extra["school"] == "Universitetet i Oslo"
    assert thesis.extra["address"] == "Oslo"
    assert thesis.extra["type"] == "Master's thesis"
    book = papers["Deep Learning"]
    assert book.entry_type == "book"
    assert book.year == 2016
    assert "month" not in book.extra
    assert book.extra["series"] == "Adaptive Computation and Machine Learning series"
    assert book.extra["isbn"] == "978-0-262-03561-3"
    assert book.extra["pagetotal"] == "775"


# -- citeproc-js shape -------------------------------------------------------------------


def test_citeproc_items_object():
    result = load("citeproc_items.json")
    lstm, rfc = result.records
    assert lstm.extra["volume"] == "9" and lstm.extra["number"] == "8"  # JSON numbers
    assert lstm.extra["pages"] == "1735--1780"
    assert lstm.authors == ["Sepp Hochreiter", "Jürgen Schmidhuber"]
    assert lstm.line is None  # lines are only found for a top-level array
    assert rfc.entry_type == "techreport"
    assert (rfc.year, rfc.extra["month"]) == (2022, "6")  # "issued": "2022-06"
    assert rfc.extra["institution"] == "Internet Engineering Task Force"
    assert rfc.extra["number"] == "RFC 9110"


def test_items_keyed_by_id_and_a_single_item_object():
    keyed = {"items": {"a": {"id": "a", "type": "book", "title": "Keyed"}}}
    assert [r.title for r in csljson.parse(json.dumps(keyed), "k.json").records] == ["Keyed"]
    single = {"id": "s", "type": "article-journal", "title": "Alone"}
    assert csljson.looks_like(json.dumps(single))
    assert [r.title for r in csljson.parse(json.dumps(single), "s.json").records] == ["Alone"]


# -- bad input --------------------------------------------------------------------------


def test_malformed_json_names_line_and_column():
    with pytest.raises(ImportFailed) as caught:
        load("malformed.json")
    message = str(caught.value)
    assert message.startswith("malformed.json:10:")
    assert "column 5" in message
    assert "delimiter" in message


def test_bad_items_are_reported_and_the_rest_imported(empty_library: Library):
    result = load("bad_items.json")
    assert [r.title for r in result.records] == [
        "First good paper", "", "Odd shapes that still import", "", "Last good item",
    ]
    # Items without a title are returned untitled, for the import to name (or refuse).
    _, no_title, _, blank_title, _ = result.records
    assert (no_title.line, no_title.key, no_title.citation_key) == (10, "notitle2021",
                                                                    "notitle2021")
    assert (no_title.venue, no_title.year, no_title.entry_type) == (
        "Journal of Missing Titles", 2021, "article")
    assert (blank_title.line, blank_title.key, blank_title.entry_type) == (26, "", "online")
    assert (blank_title.authors, blank_title.year, blank_title.venue) == ([], None, "")
    assert [(p.line, p.reason) for p in result.problems] == [
        (9, "item 2 is a string, not an object; skipped"),
        (16, "item 4 is a number, not an object; skipped"),
    ]
    assert all(p.source == "bad_items.json" for p in result.problems)
    # Imported: item 3 is titled by its venue; item 6, with nothing to name it by, fails.
    report = empty_library.import_files([FIXTURES / "bad_items.json"], fetch=False)
    assert [title for _, title in report.added] == [
        "First good paper", "Journal of Missing Titles", "Odd shapes that still import",
        "Last good item"]
    assert [(w.source, w.line, w.reason) for w in report.warnings] == [
        ("CSL-JSON (bad_items.json)", 10,
         "notitle2021: has no title; titled 'Journal of Missing Titles' from its venue")]
    assert [(p.source, p.line) for p in report.failed] == [
        ("bad_items.json", 9), ("bad_items.json", 16), ("CSL-JSON (bad_items.json)", 26)]
    assert report.failed[2].reason == "has no title and nothing else to name it by"


def test_odd_field_shapes_are_coerced():
    papers = by_title(load("bad_items.json"))
    odd = papers["Odd shapes that still import"]
    assert odd.authors == ["Jane Doe"]  # "author": "Doe, Jane"
    assert odd.year == 2019  # "issued": 2019
    assert odd.tags == ["alpha", "beta"]  # a list, with a repeat
    assert odd.extra["pages"] == "7"
    assert odd.entry_type == "incollection"
    last = papers["Last good item"]
    assert (last.year, last.extra["month"]) == (2022, "3")  # date-parts as strings
    assert papers["First good paper"].authors == ["Karl Johan Åström"]


def test_item_with_unexpected_field_type_is_a_problem_not_a_crash():
    text = json.dumps([
        {"id": "bad", "type": "book", "title": {"not": "text"}},
        {"id": "good", "type": "book", "title": "Fine", "author": 5, "issued": [2020]},
    ])
    result = csljson.parse(text, "x.json")
    # A title that is no text is no title: the item is returned untitled.
    assert [r.title for r in result.records] == ["", "Fine"]
    assert (result.records[0].key, result.records[0].entry_type) == ("bad", "book")
    assert result.records[1].authors == []
    assert result.problems == []


def test_bom_and_not_csl_documents():
    text = "\ufeff" + (FIXTURES / "citeproc_items.json").read_text(encoding="utf-8")
    assert len(csljson.parse(text, "b.json").records) == 2
    with pytest.raises(ImportFailed, match="not CSL-JSON"):
        csljson.parse('{"hello": "world"}', "w.json")
    with pytest.raises(ImportFailed, match="Readinglist JSON"):
        csljson.parse('{"format": "readinglist", "version": 1, "papers": []}', "r.json")


# -- sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["zotero.json", "citeproc_items.json", "bad_items.json", "malformed.json"]
)
def test_looks_like_recognises_csl_even_when_broken(name: str):
    assert csljson.looks_like((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [
    # Readinglist's own export, even when its papers have CSL-like keys.
    json.dumps({"format": "readinglist", "version": 1,
                "papers": [{"type": "article", "title": "x"}],
                "items": [{"type": "book", "title": "y"}]}, indent=2),
    '{\n  "format": "readinglist",\n  "version": 1,\n  "papers": [\n',  # and broken
    "[]",
    "[1, 2, 3]",
    '[{"name": "no type here"}]',
    '{"hello": "world"}',
    "TY  - JOUR\nTI  - RIS\nER  - \n",
    "title,authors\nA,B\n",
    "@article{k, title={BibTeX}}",
])
def test_looks_like_refuses_other_documents(text: str):
    assert not csljson.looks_like(text)
