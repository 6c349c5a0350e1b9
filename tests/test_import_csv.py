"""Reading CSV/TSV tables: Zotero's CSV export, spreadsheets, and broken rows among good ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.domain import ImportFailed
from readinglist.importers import csv_table
from readinglist.importers.base import ParseResult
from readinglist.library.service import Library

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "csv"


def load(name: str) -> ParseResult:
    # Plain UTF-8, so a BOM reaches the parser.
    return csv_table.parse((FIXTURES / name).read_bytes().decode("utf-8"), name)


# -- Zotero CSV ----------------------------------------------------------------------------


def test_zotero_csv_with_bom_and_multi_line_cells():
    assert (FIXTURES / "zotero.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    result = load("zotero.csv")
    assert result.problems == []
    # The second row's abstract and Extra span five lines, so the third starts on line 8.
    assert [(r.title, r.line) for r in result.records] == [
        ("Über die Stabilität neuronaler Netze", 2),
        ("Mixtral of Experts", 3),
        ("Deep Learning", 8),
    ]


def test_zotero_csv_columns_map_to_fields():
    paper = load("zotero.csv").records[0]
    assert paper.entry_type == "article"
    assert paper.authors == ["Jörg Müller", "Ludwig van Beethoven", "Martin Luther King Jr."]
    assert paper.year == 2021  # "Publication Year" wins over "Date"
    assert paper.venue == "Zeitschrift für Maschinelles Lernen"
    assert paper.doi == "10.1234/zml.2021.042"
    assert paper.url == "https://example.org/zml/42"
    assert paper.abstract == 'We revisit the stability of neural networks, "carefully".'
    assert paper.tags == ["stability", "neural networks"]  # Manual Tags only
    assert paper.key == "7XKQ2N4B"
    assert paper.extra["editor"] == "Hinrich Schütze"
    assert paper.extra["pages"] == "12--19"
    assert paper.extra["number"] == "3"  # Zotero's Issue
    assert paper.extra["shortjournal"] == "Z. Masch. Lern."
    assert paper.extra["date"] == "2021-05-03"  # the second date column is kept
    assert paper.extra["date_added"] == "2024-01-15 10:22:31"
    assert paper.extra["automatic_tags"] == "Computer Science"
    # Empty columns add nothing; the item key and catalogue are not bibliographic data.
    assert not {"key", "rights", "library_catalog", "isbn"} & set(paper.extra)


def test_zotero_csv_preprint_reads_extra_notes_and_missing_attachment():
    result = load("zotero.csv")
    paper = result.records[1]
    assert paper.entry_type == "misc"
    assert paper.arxiv_id == "2401.04088"
    assert paper.citation_key == "jiang2024mixtral"  # from "Citation Key:" in Extra
    assert paper.note == "Comment: 32 pages"  # Zotero's HTML note as text
    assert paper.abstract.startswith("We introduce Mixtral 8x7B,\na Sparse")
    assert paper.links == ["https://mistral.ai/news/mixtral-of-experts/"]
    assert paper.tags == ["Computer Science - Machine Learning", "to-read"]
    assert paper.files == []
    (warning,) = result.warnings
    assert warning.line == 3
    assert "Mixtral of Experts.pdf" in warning.reason and "not found" in warning.reason


def test_zotero_book_row():
    book = load("zotero.csv").records[2]
    assert book.entry_type == "book"
    assert book.authors == ["Ian Goodfellow", "Yoshua Bengio", "Aaron Courville"]
    assert book.extra["address"] == "Cambridge, MA"  # Zotero's Place
    assert book.extra["pagetotal"] == "775"
    assert book.extra["isbn"] == "978-0-262-03561-3"


# -- spreadsheets ---------------------------------------------------------------------------


def test_semicolon_table_with_reordered_aliases_and_crlf_cells():
    result = load("reading_list_semicolon.csv")
    assert result.problems == [] and result.warnings == []
    first, second, third = result.records
    assert first.title == "Ärger mit Umlauten: ein Überblick"
    assert first.authors == ["Gerhard Schröder", "Anders Ångström"]  # " and " between names
    assert first.year == 2019
    assert first.venue == "Journal of Élan"  # a "Journal" column
    assert first.note == "Zu lesen, wichtig"  # a quoted cell holding the comma
    assert first.status == "inbox"  # "to read"
    assert first.extra == {"project": "Alpha"}
    assert second.title == "Mehrzeilige Überschrift"
    assert second.note == "Zwei Zeilen\nNotiz"
    assert second.authors == ["Jean-Luc Picard", "Beverly Crusher"]
    assert second.status == "reading"
    assert third.status == "read"  # "READ"
    assert third.authors == []
    assert [r.line for r in result.records] == [2, 3, 6]


def test_tab_separated_file():
    result = load("papers.tsv")
    lovelace, turing = result.records
    assert lovelace.title == "Tab separated, with a comma"
    assert lovelace.tags == ["math", "history"]
    assert lovelace.year == 1843
    assert turing.authors == ["Alan Turing", "Alonzo Church"]
    assert turing.arxiv_id == "2101.00001"  # "arXiv:2101.00001v2" in an arxiv_id column
    assert "arxiv_id" not in turing.extra


def test_broken_rows_are_reported_and_good_rows_imported():
    result = load("bad_rows.csv")
    assert [r.title for r in result.records] == [
        "Good first paper", "", "Too many cells", "Multi-line title that spans",
        "Good last paper",
    ]
    assert [r.line for r in result.records] == [2, 3, 7, 8, 10]
    problems = {p.line: p.reason for p in result.problems}
    assert sorted(problems) == [4, 11]
    assert "cannot be read" in problems[4]
    assert "never closes" in problems[11] and "lines 11-12" in problems[11]
    warnings = {w.line: w.reason for w in result.warnings}
    assert "7 cells but the header has 5" in warnings[7]
    assert "'not a year'" in warnings[8]
    good_first, untitled, _, _, good_last = result.records
    assert good_first.extra == {"extra_column": "kept"}
    # The row without a title is returned untitled, for the import to name.
    assert (untitled.authors, untitled.year, untitled.doi) == (
        ["Anne Nobody"], 2021, "10.1000/notitle")
    assert good_last.doi == "10.1000/good2"
    assert good_last.authors == ["Ada Lovelace"]


def test_row_without_title_is_named_by_its_key(empty_library: Library, tmp_path: Path):
    text = "title,citation key,year\n,smith2020,2020\nFine,doe2021,2021\n"
    result = csv_table.parse(text, "k.csv")
    assert [r.citation_key for r in result.records] == ["smith2020", "doe2021"]
    assert [(r.line, r.title, r.year) for r in result.records] == [
        (2, "", 2020), (3, "Fine", 2021)]
    assert result.problems == []
    # Imported, the untitled row is titled by its key, with a warning on its line.
    path = tmp_path / "k.csv"
    path.write_text(text, encoding="utf-8")
    report = empty_library.import_files([path], fetch=False)
    assert (report.added, report.failed) == ([(1, "smith2020"), (2, "Fine")], [])
    assert [(w.source, w.line, w.reason) for w in report.warnings] == [
        ("CSV (k.csv)", 2, "smith2020: has no title; titled 'smith2020' from its key")]
    assert empty_library.get(1).citation_key == "smith2020"


def test_missing_title_column_names_the_columns_found():
    with pytest.raises(ImportFailed) as caught:
        load("no_title.csv")
    message = str(caught.value)
    assert "no_title.csv" in message
    assert "'Name', 'Authors', 'Year'" in message


def test_empty_file_fails_clearly():
    with pytest.raises(ImportFailed, match="header row"):
        csv_table.parse("\ufeff\n\n", "empty.csv")


def test_unknown_status_passes_through_lower_case_and_item_types_map():
    text = (
        "Title;Status;Item Type\nA;Skimmed;conferencePaper\nB;;phdthesis\nC;;Podcast\n"
    )
    a, b, c = csv_table.parse(text, "s.csv").records
    assert (a.status, a.entry_type) == ("skimmed", "inproceedings")
    assert (b.status, b.entry_type) == ("", "phdthesis")
    assert c.entry_type == "misc"


def test_attachments_that_exist_are_attached(tmp_path: Path):
    pdf = tmp_path / "Ada Lovelace - 1843.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    (tmp_path / "rel").mkdir()
    relative = tmp_path / "rel" / "paper.pdf"
    relative.write_bytes(b"%PDF-1.4\n")
    text = f'Title,File Attachments\nNotes,"{pdf}; rel/paper.pdf"\n'
    result = csv_table.parse(text, "f.csv", base_dir=tmp_path)
    assert result.records[0].files == [str(pdf), str(relative)]
    assert result.warnings == []


# -- helpers and sniffing -------------------------------------------------------------------


@pytest.mark.parametrize(("written", "names"), [
    ("Vaswani, Ashish; Shazeer, Noam", ["Ashish Vaswani", "Noam Shazeer"]),
    ("Ashish Vaswani and Noam Shazeer", ["Ashish Vaswani", "Noam Shazeer"]),
    ("Smith, John and Doe, Jane", ["John Smith", "Jane Doe"]),
    ("Ashish Vaswani, Noam Shazeer, Niki Parmar",
     ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]),
    ("Vaswani, Ashish", ["Ashish Vaswani"]),
    ("van Beethoven, Ludwig", ["Ludwig van Beethoven"]),
    ("Martin Luther King, Jr.", ["Martin Luther King Jr."]),
    ("Smith, John, Doe, Jane", ["John Smith", "Jane Doe"]),
    ("Laurel & Hardy", ["Laurel", "Hardy"]),
    ("Google DeepMind", ["Google DeepMind"]),
    ("", []),
])
def test_split_authors(written: str, names: list[str]):
    assert csv_table.split_authors(written) == names


@pytest.mark.parametrize(
    "name", ["zotero.csv", "reading_list_semicolon.csv", "papers.tsv", "bad_rows.csv"]
)
def test_looks_like_recognises_tables_with_a_title_column(name: str):
    assert csv_table.looks_like((FIXTURES / name).read_bytes().decode("utf-8"))


@pytest.mark.parametrize("text", [
    "Name,Authors,Year\nX,Y,2020\n",  # no title column
    "Title\nJust one column is a line of prose\n",
    "TY  - JOUR\nTI  - title, authors\nER  - \n",
    '[{"id": "x", "type": "book", "title": "CSL"}]',
    "@article{k, title = {BibTeX}, author = {A}}",
    "Daily Papers\n\nTitle, and more\n",
])
def test_looks_like_refuses_other_formats(text: str):
    assert not csv_table.looks_like(text)


def test_runaway_quote_in_a_long_file_loses_only_the_lines_it_swallowed():
    rows = "\n".join(f"Paper {i},Someone,2020" for i in range(20000))
    text = 'title,authors,year\nGood,A,2020\n"Unclosed,B,2021\n' + rows + "\n"
    result = csv_table.parse(text, "u.csv")
    (problem,) = result.problems
    assert problem.line == 3
    assert "never closes" in problem.reason
    assert result.records[0].title == "Good"
    # Reading resumes after the swallowed lines, with true line numbers.
    last = result.records[-1]
    assert (last.title, last.line) == ("Paper 19999", 20003)
