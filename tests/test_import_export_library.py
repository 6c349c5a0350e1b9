"""Issue 4 end to end through the library service: every format into one library,
duplicates across formats, round trips out and back in, PDFs with searchable full text,
and arXiv/DOI lookups answered by recorded responses on a local HTTP server."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pdf_factory import Text, write_pdf

from readinglist.library.service import Library

FIXTURES = Path(__file__).parent / "fixtures" / "import"

DEEP_LEARNING = {
    "bib": """@article{lecun2015deep,
  title = {Deep learning},
  author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},
  journal = {Nature}, year = 2015, volume = {521}, pages = {436--444},
  doi = {10.1038/nature14539}, keywords = {review, deep learning}
}
""",
    "ris": "TY  - JOUR\nTI  - Deep Learning\nAU  - LeCun, Yann\nAU  - Bengio, Yoshua\n"
           "PY  - 2015\nT2  - Nature\nAB  - Deep learning allows computational models that "
           "are composed of multiple processing layers to learn representations.\n"
           "KW  - classic\nER  - \n",
    "json": json.dumps([{"id": "lecun", "type": "article-journal", "title": "Deep learning.",
                         "author": [{"family": "LeCun", "given": "Yann"}],
                         "issued": {"date-parts": [[2015, 5]]},
                         "DOI": "https://doi.org/10.1038/NATURE14539",
                         "note": "read for the reading group"}]),
    "csv": "Title,Authors,Year,DOI,Tags,Status\n"
           "\"Deep learning\",\"LeCun, Yann; Bengio, Yoshua\",2015,,survey,read\n",
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- every format, and duplicates across formats ----------------------------------------


def test_the_same_paper_from_four_formats_is_added_once_and_merged_three_times(
    empty_library, tmp_path
):
    paths = [_write(tmp_path, f"deep.{ext}", text) for ext, text in DEEP_LEARNING.items()]
    report = empty_library.import_files(paths)
    assert [t for _, t in report.added] == ["Deep learning"], report.to_dict()
    assert len(report.merged) + len(report.duplicates) == 3
    paper = empty_library.get(report.added[0][0])
    assert paper.doi == "10.1038/nature14539" and paper.venue == "Nature"
    assert paper.authors[:2] == ("Yann LeCun", "Yoshua Bengio")
    assert paper.extra["pages"] == "436--444"
    # Tags from every file were added; the CSV's status did not overwrite anything.
    assert {"review", "deep learning", "classic", "survey"} <= {t.lower() for t in paper.tags}
    assert paper.abstract.startswith("Deep learning allows")  # filled from the RIS file
    assert paper.note == "read for the reading group"  # the first note, as none was there
    assert empty_library.count() == 1


def test_every_fixture_file_imports_with_its_problems_named(empty_library):
    files = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix != ".md")
    report = empty_library.import_files(files)
    assert len(report.added) > 40, report.summary()
    # Broken entries are named by file and line or item, and did not stop the rest.
    failed = [str(p) for p in report.failed]
    assert any("malformed.bib:" in f for f in failed), failed
    assert any("bad_rows.csv:" in f for f in failed), failed
    assert any("bad_items.json" in f and "item" in f for f in failed), failed
    # Files that cannot be read at all are reported, not fatal.
    assert any("malformed.json" in m for m in report.unreadable), report.unreadable
    assert any("no_title.csv" in m for m in report.unreadable), report.unreadable
    # Nothing came in twice, even though the fixtures share papers.
    titles = [p.title.casefold() for p in empty_library.list()]
    assert len(titles) == len(report.added)


def test_latin1_bibtex_is_read_correctly_not_as_mojibake(empty_library):
    report = empty_library.import_files([FIXTURES / "bibtex" / "latin1.bib"])
    assert report.added and not report.unreadable
    text = json.dumps([p.to_dict() for p in empty_library.list()], ensure_ascii=False)
    assert "Ã" not in text  # the classic UTF-8-read-as-Latin-1 garbage
    assert any(ch in text for ch in "éüöäß")


# -- round trips ----------------------------------------------------------------------------


def _bibliography(library: Library) -> list[tuple]:
    return sorted(
        (p.title, p.authors, p.year, p.doi, p.arxiv_id, p.venue, tuple(sorted(p.tags)),
         p.citation_key, p.extra.get("pages", ""), p.entry_type)
        for p in library.list()
    )


@pytest.mark.parametrize("fixture", ["accents.bib", "strings_crossref.bib", "zotero_bbt.bib",
                                     "jabref.bib"])
def test_bibtex_export_round_trips_through_the_importer(tmp_path, fixture):
    with Library.open(tmp_path / "a") as first:
        first.import_files([FIXTURES / "bibtex" / fixture])
        first.set_status(first.list()[0].id, "read")
        first.set_note(first.list()[0].id, "A *Markdown* note\n\n- with a list\n- of 50% things")
        out = _write(tmp_path, "out.bib", first.export("bibtex"))
        with Library.open(tmp_path / "b") as second:
            report = second.import_files([out])
            assert not report.failed, [str(p) for p in report.failed]
            assert _bibliography(second) == _bibliography(first)
            assert second.get(1).status.value == first.list()[0].status.value
            assert second.list()[0].note == first.list()[0].note


def test_bibtex_keys_are_unique_and_stable(seeded_library):
    first = seeded_library.export("bibtex")
    seeded_library.update(28, title="A retitled paper")
    second = seeded_library.export("bibtex")
    keys = [line.split("{", 1)[1].rstrip(",") for line in first.splitlines()
            if line.startswith("@")]
    assert len(keys) == 68 and len(set(keys)) == 68
    assert keys == [line.split("{", 1)[1].rstrip(",") for line in second.splitlines()
                    if line.startswith("@")]


def test_csv_and_csljson_exports_import_back_into_an_empty_library(seeded_library, tmp_path):
    seeded_library.change_tags(28, add=["soup", "ensembles"])
    seeded_library.set_status(28, "reading")
    for fmt, ext in (("csv", "csv"), ("csljson", "json")):
        out = _write(tmp_path, f"out.{ext}", seeded_library.export(fmt))
        with Library.open(tmp_path / fmt) as copy:
            report = copy.import_files([out])
            assert len(report.added) == 68 and not report.failed
            assert sorted(p.title for p in copy.list()) == sorted(
                p.title for p in seeded_library.list())
            soups = copy.get(next(i for i, t in report.added if t.startswith("Model soups")))
            assert set(soups.tags) == {"soup", "ensembles"}
            if fmt == "csv":
                assert soups.status.value == "reading"


def test_export_selects_by_query_tag_and_status(seeded_library):
    seeded_library.change_tags(28, add=["soup"])
    seeded_library.set_status(24, "read")
    assert seeded_library.select_ids(tag="soup") == [28]
    assert seeded_library.select_ids(status="read") == [24]
    assert seeded_library.select_ids(query='title:"model soups"') == [28]
    rows = list(csv.DictReader(io.StringIO(
        seeded_library.export("csv", seeded_library.select_ids(tag="soup")))))
    assert [r["title"][:11] for r in rows] == ["Model soups"]


def test_markdown_export_has_notes_and_highlights_per_paper(seeded_library):
    seeded_library.set_note(28, "Averaging works.")
    quote = seeded_library.get(28).abstract[:25]
    seeded_library.add_annotation(28, 0, 25, "green", "key claim")
    text = seeded_library.export("markdown", [28])
    assert "Model soups" in text and "Averaging works." in text
    assert f"> {quote}" in text and "key claim" in text


# -- PDFs ---------------------------------------------------------------------------------


def _paper_pdf(path: Path, title: str, secret: str, arxiv: str = "2401.00001") -> Path:
    return write_pdf(path, [
        [Text(f"arXiv:{arxiv}v1 [cs.LG] 3 Jan 2024", 8, rotated=True),
         (title, 17), "Ada Lovelace, Charles Babbage", "Abstract",
         "We study engines that compute.", "1 Introduction", "Engines are old."],
        [f"The second page mentions {secret} only here."],
    ])


def test_pdf_import_copies_the_file_and_makes_its_text_searchable(empty_library, tmp_path):
    pdf = _paper_pdf(tmp_path / "engine.pdf", "Analytical Engines Revisited", "zorbulator")
    report = empty_library.import_files([pdf])
    [(paper_id, title)] = report.added
    assert title == "Analytical Engines Revisited"
    paper = empty_library.get(paper_id)
    assert paper.arxiv_id == "2401.00001"
    [attachment] = paper.attachments
    assert attachment.kind == "copy" and Path(attachment.path).read_bytes() == pdf.read_bytes()
    results = empty_library.search("zorbulator")
    assert results.ids == [paper_id]
    assert results.hits[0].snippet_field == "fulltext"
    assert "zorbulator" in results.hits[0].snippet_text()


def test_pdf_folder_import_reports_broken_and_encrypted_files(empty_library, tmp_path):
    from pdf_factory import write_encrypted_pdf, write_truncated_pdf

    folder = tmp_path / "papers"
    _paper_pdf(folder / "a.pdf", "First Engine Paper", "alpha")
    _paper_pdf(folder / "sub" / "b.pdf", "Second Engine Paper", "beta", "2401.00002")
    write_encrypted_pdf(folder / "locked.pdf", [["secret"]], "pw")
    write_truncated_pdf(folder / "cut.pdf", [["cut short"]])
    report = empty_library.import_files([folder], attach="link")
    assert sorted(t for _, t in report.added) == ["First Engine Paper", "Second Engine Paper"]
    reasons = " ".join(str(p) for p in report.failed)
    assert "locked.pdf" in reasons and "password" in reasons
    assert "cut.pdf" in reasons
    linked = {Path(empty_library.get(i).attachments[0].path) for i, _ in report.added}
    assert linked == {(folder / "a.pdf").resolve(), (folder / "sub" / "b.pdf").resolve()}
    assert {empty_library.get(i).attachments[0].kind for i, _ in report.added} == {"link"}


def test_cancelling_a_pdf_folder_import_changes_nothing(empty_library, tmp_path):
    folder = tmp_path / "many"
    for n in range(6):
        _paper_pdf(folder / f"{n}.pdf", f"Engine paper number {n}", f"word{n}",
                   f"2401.0001{n}")
    seen: list[int] = []
    report = empty_library.import_files(
        [folder], progress=lambda done, total: seen.append(done),
        cancelled=lambda: len(seen) >= 3)
    assert report.cancelled and empty_library.count() == 0
    assert not (empty_library.folder / "files").exists() or not any(
        (empty_library.folder / "files").iterdir())


# -- arXiv and DOI lookups (recorded responses, local server) ------------------------------


def test_adding_an_arxiv_url_fetches_its_details(empty_library, lookup_server):
    paper, message = empty_library.add_identifier("https://arxiv.org/abs/1706.03762v5")
    assert paper.title == "Attention Is All You Need" and message == ""
    assert paper.authors[0] == "Ashish Vaswani" and paper.year == 2017
    assert paper.arxiv_id == "1706.03762"
    assert empty_library.search("author:vaswani").ids == [paper.id]


def test_adding_a_paper_already_in_the_library_completes_it(seeded_library, lookup_server):
    paper, message = seeded_library.add_identifier("arXiv:2203.05482")
    assert paper.id == 28 and seeded_library.count() == 68
    assert "authors" in message and paper.authors[0] == "Mitchell Wortsman"
    assert paper.arxiv_id == "2203.05482"


def test_offline_a_doi_is_added_alone_and_completed_later(empty_library, tmp_path, monkeypatch):
    from lookup_server import closed_port_url, serve_recorded

    monkeypatch.setenv("READINGLIST_CROSSREF_API", closed_port_url())
    paper, message = empty_library.add_identifier("https://doi.org/10.1038/NATURE14539")
    assert paper.doi == "10.1038/nature14539" and "10.1038/nature14539" in paper.title
    assert "later" in message
    with serve_recorded() as base:
        monkeypatch.setenv("READINGLIST_CROSSREF_API", base)
        completed, filled = empty_library.fetch_details(paper.id)
    assert completed.title == "Deep learning" and completed.year == 2015
    assert completed.authors[0] == "Yann LeCun" and "authors" in filled
    assert empty_library.count() == 1


def test_a_list_of_identifiers_is_looked_up_on_import(empty_library, tmp_path, lookup_server):
    ids = _write(tmp_path, "queue.ids", "# to read\n1706.03762\n10.1038/nature14539\n"
                 "not an id\n")
    report = empty_library.import_files([ids])
    assert sorted(t for _, t in report.added) == ["Attention Is All You Need", "Deep learning"]
    assert any("queue.ids:4" in str(p) for p in report.failed)


def test_a_list_of_identifiers_offline_adds_minimal_entries_with_one_warning(
    empty_library, tmp_path, offline
):
    ids = _write(tmp_path, "queue.ids", "1706.03762\n2203.05482\n")
    report = empty_library.import_files([ids])
    assert len(report.added) == 2
    assert sum("no network" in str(w) for w in report.warnings) == 1
