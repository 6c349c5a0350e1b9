"""Reading RIS files as Zotero, Mendeley and EndNote write them, and as people break them."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.importers import ris
from readinglist.importers.base import ParseResult

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "ris"


def load(name: str) -> ParseResult:
    # Decoded as plain UTF-8 so a BOM reaches the parser, as it would from other callers.
    return ris.parse((FIXTURES / name).read_bytes().decode("utf-8"), name)


def by_title(result: ParseResult) -> dict:
    return {r.title: r for r in result.records}


# -- Zotero ---------------------------------------------------------------------------


def test_zotero_export_reads_every_record():
    result = load("zotero.ris")
    assert [r.title for r in result.records] == [
        "Attention is all you need",
        "Mixtral of Experts",
        "Über die Stabilität neuronaler Netze",
        "Deep Learning",
        "Learning to read: a thesis in several parts",
    ]
    assert result.problems == []
    assert [r.line for r in result.records] == [1, 22, 44, 61, 74]


def test_zotero_journal_article_fields():
    paper = load("zotero.ris").records[0]
    assert paper.entry_type == "article"
    assert paper.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"]
    assert paper.year == 2017
    assert paper.venue == "Advances in Neural Information Processing Systems"
    assert paper.url == "https://papers.nips.cc/paper/7181-attention-is-all-you-need"
    assert paper.links == ["https://github.com/tensorflow/tensor2tensor"]  # from the abstract
    assert paper.tags == ["Computer Science - Computation and Language", "Transformers"]
    assert paper.extra["pages"] == "5998--6008"
    assert paper.extra["volume"] == "30"
    assert paper.extra["issn"] == "1049-5258"
    assert paper.extra["urldate"] == "2024-01-15"
    # The database it was fetched from is not part of the reference.
    assert not any(k.startswith("ris_") for k in paper.extra)
    assert "month" not in paper.extra  # DA 2017/// has no month
    assert paper.source == "RIS (zotero.ris)"


def test_zotero_preprint_gets_arxiv_id_doi_and_plain_note():
    result = load("zotero.ris")
    paper = by_title(result)["Mixtral of Experts"]
    assert paper.arxiv_id == "2401.04088"
    assert paper.doi == "10.48550/arxiv.2401.04088"
    assert paper.entry_type == "misc"  # PREPRINT is no RIS type we map
    assert paper.url == "http://arxiv.org/abs/2401.04088"
    assert paper.extra["shorttitle"] == "Mixtral"
    assert paper.extra["month"] == "1"
    # Zotero's HTML note is read as text; the two N1 lines stay two lines.
    assert paper.note.splitlines() == [
        "Comment: See more details at https://mistral.ai/news/mixtral-of-experts/ & code",
        "arXiv:2401.04088 [cs]",
    ]
    # The PDF in Zotero's storage is not on this machine: reported, not attached.
    assert paper.files == []
    missing = [w for w in result.warnings if "not found" in w.reason]
    assert len(missing) == 1
    assert missing[0].line == 22
    assert "Jiang et al. - 2024 - Mixtral of Experts.pdf" in missing[0].reason


def test_names_with_accents_particles_and_suffixes():
    paper = by_title(load("zotero.ris"))["Über die Stabilität neuronaler Netze"]
    assert paper.authors == ["Jörg Müller", "Ludwig van Beethoven", "Martin Luther King Jr."]
    assert paper.extra["editor"] == "Hinrich Schütze"
    assert paper.entry_type == "inproceedings"
    # Zotero: T2 is the conference, C3 the proceedings.
    assert paper.venue == "Proceedings of the Konferenz für Maschinelles Lernen"
    assert paper.extra["eventtitle"] == "Konferenz für Maschinelles Lernen"
    assert paper.extra["address"] == "München"
    assert paper.extra["month"] == "5"
    assert paper.extra["pages"] == "12--19"
    assert paper.extra["language"] == "de"
    assert paper.citation_key == paper.key == "muller2021stabilitat"


def test_book_series_is_not_a_venue_and_thesis_type_follows_m3():
    papers = by_title(load("zotero.ris"))
    book = papers["Deep Learning"]
    assert book.entry_type == "book"
    assert book.venue == ""
    assert book.extra["series"] == "Adaptive Computation and Machine Learning series"
    assert book.extra["isbn"] == "978-0-262-03561-3"
    assert book.extra["publisher"] == "MIT Press"
    thesis = papers["Learning to read: a thesis in several parts"]
    assert thesis.entry_type == "mastersthesis"
    assert thesis.extra["school"] == "Universitetet i Oslo"
    assert thesis.authors == ["Siri Ødegaard"]


# -- Mendeley and EndNote --------------------------------------------------------------


def test_mendeley_export_with_crlf_a1_authors_and_continued_abstract():
    assert b"\r\n" in (FIXTURES / "mendeley.ris").read_bytes()
    result = load("mendeley.ris")
    bert, chapter = result.records
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert bert.year == 2018
    assert bert.abstract == (
        "We introduce a new language representation model called BERT, which stands for "
        "Bidirectional Encoder Representations from Transformers."
    )
    assert bert.arxiv_id == "1810.04805"  # from "JO - arXiv preprint arXiv:1810.04805"
    assert bert.tags == ["nlp", "language models"]
    assert bert.citation_key == "Devlin2018"
    assert not any("\r" in v for v in (bert.title, bert.abstract, *bert.authors))
    assert chapter.entry_type == "incollection"
    assert chapter.venue == "Mathematical Perspectives on Neural Networks"
    assert chapter.extra["editor"] == "Paul Smolensky and Michael C. Mozer"
    assert chapter.extra["pages"] == "1--42"
    assert chapter.url == "https://example.org/mackay.pdf"
    assert chapter.links == ["https://example.org/mackay-mirror.pdf"]
    assert chapter.line == 17


def test_endnote_odd_spacing_doi_in_m3_and_numeric_ids():
    result = load("endnote.ris")
    lstm, report = result.records
    assert lstm.title == "Long Short-Term Memory"  # "TY - JOUR" with one space
    assert lstm.authors == ["S. Hochreiter", "J. Schmidhuber"]
    assert lstm.doi == "10.1162/neco.1997.9.8.1735"
    assert lstm.venue == "Neural Computation"
    assert lstm.extra["shortjournal"] == "Neural Comput."
    assert lstm.extra["month"] == "11"
    assert (lstm.extra["volume"], lstm.extra["number"]) == ("9", "8")
    assert lstm.key == "123"
    assert lstm.citation_key == ""  # EndNote record numbers are no citation keys
    assert report.line == 16  # "TY<tab>- RPRT"
    assert report.title == "Technical Report on Things"  # "TI  -Technical": no letter lost
    assert report.entry_type == "techreport"
    assert report.extra["institution"] == "Bell Labs"
    assert any(w.line == 16 and "internal-pdf://" in w.reason for w in result.warnings)


# -- damaged files -----------------------------------------------------------------------


def test_bom_junk_missing_title_orphan_lines_and_missing_er():
    text = (FIXTURES / "junk_bom.ris").read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    result = ris.parse(text, "junk_bom.ris")

    first, last = result.records
    assert first.line == 4
    assert first.title == "A title that is long enough to wrap onto a second line"
    assert first.authors == ["Thị Minh Nguyễn", "{Google DeepMind}"]
    assert first.abstract == "First half of the abstract continues here."
    assert first.year is None
    assert first.venue == "Journal of Élan"
    # The last record has no ER: imported anyway, with a warning.
    assert last.title == "Cut-off record at the end"
    assert last.arxiv_id == "2302.00001"
    assert last.line == 27

    problems = [(p.source, p.line) for p in result.problems]
    assert problems == [("junk_bom.ris", 17), ("junk_bom.ris", 23)]
    assert "'untitled2020'" in result.problems[0].reason
    assert "no title" in result.problems[0].reason
    assert "without a TY line" in result.problems[1].reason

    warnings = {w.line: w.reason for w in result.warnings}
    assert "Provider: Example Publisher" in warnings[1]
    assert "junk between records" in warnings[15]
    assert "in press" in warnings[4]
    assert "no ER line" in warnings[27]


def test_crlf_and_lf_give_the_same_records():
    text = (FIXTURES / "zotero.ris").read_text(encoding="utf-8")
    lf = ris.parse(text, "z.ris")
    crlf = ris.parse(text.replace("\n", "\r\n"), "z.ris")
    old_mac = ris.parse(text.replace("\n", "\r"), "z.ris")
    assert [r.__dict__ for r in crlf.records] == [r.__dict__ for r in lf.records]
    assert [r.__dict__ for r in old_mac.records] == [r.__dict__ for r in lf.records]


def test_one_broken_record_does_not_stop_the_rest(monkeypatch):
    real_loads = ris.rispy.loads

    def fragile_loads(text: str, **kw):
        if "BROKEN" in text:
            raise ValueError("simulated parser failure")
        return real_loads(text, **kw)

    monkeypatch.setattr(ris.rispy, "loads", fragile_loads)
    text = (
        "TY  - JOUR\nTI  - Before\nER  - \n"
        "TY  - JOUR\nTI  - BROKEN\nER  - \n"
        "TY  - JOUR\nTI  - After\nER  - \n"
    )
    result = ris.parse(text, "f.ris")
    assert [r.title for r in result.records] == ["Before", "After"]
    assert len(result.problems) == 1
    assert result.problems[0].line == 4
    assert "simulated parser failure" in result.problems[0].reason


def test_loose_spacing_only_for_known_tags_and_unknown_tags_are_kept():
    text = (
        "TY  - JOUR\n"
        "TI  - Known tags only\n"
        "AB  - Tools that are\n"
        "AI - driven are popular.\n"  # a continuation line, not an "AI" tag
        "C1  - Custom value\n"
        "XY  - Vendor tag\n"
        "DB  - Some database\n"
        "ER  - \n"
    )
    (paper,) = ris.parse(text, "x.ris").records
    assert paper.abstract == "Tools that are AI - driven are popular."
    assert paper.extra["ris_c1"] == "Custom value"
    assert paper.extra["ris_xy"] == "Vendor tag"
    assert "ris_db" not in paper.extra


def test_blank_lines_inside_a_record_add_nothing():
    text = "TY  - JOUR\n\nTI  - Spaced out\n\nKW  - one\n\nKW  - two\n\nER  - \n"
    (paper,) = ris.parse(text, "x.ris").records
    assert paper.title == "Spaced out"
    assert paper.tags == ["one", "two"]


def test_semicolon_separated_keywords_and_missing_er_before_next_record():
    text = "TY  - GEN\nTI  - First\nKW  - a; b\nTY  - GEN\nTI  - Second\nER  - \n"
    result = ris.parse(text, "x.ris")
    assert [r.title for r in result.records] == ["First", "Second"]
    assert result.records[0].tags == ["a", "b"]
    assert result.records[0].entry_type == "misc"
    assert [w.line for w in result.warnings] == [1]


def test_empty_and_junk_only_files_give_no_records():
    assert ris.parse("", "e.ris").records == []
    junk = ris.parse("nothing here\nat all\n", "j.ris")
    assert junk.records == [] and junk.problems == []
    assert [w.line for w in junk.warnings] == [1]


# -- attachments --------------------------------------------------------------------------


def test_local_files_are_attached_when_they_exist(tmp_path: Path):
    pdf = tmp_path / "Vaswani et al - 2017.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4\n")
    url = "file://" + str(pdf).replace(" ", "%20")
    text = f"TY  - JOUR\nTI  - With files\nL1  - {url}\nL1  - {other}\nER  - \n"
    result = ris.parse(text, "f.ris")
    assert result.records[0].files == [str(pdf), str(other)]
    assert result.warnings == []


def test_relative_file_paths_need_the_files_folder(tmp_path: Path):
    (tmp_path / "files" / "12").mkdir(parents=True)
    pdf = tmp_path / "files" / "12" / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    text = "TY  - JOUR\nTI  - Relative\nL1  - files/12/paper.pdf\nER  - \n"
    without = ris.parse(text, "r.ris")
    assert without.records[0].files == []
    assert "cannot be located" in without.warnings[0].reason
    with_dir = ris.parse(text, "r.ris", base_dir=tmp_path)
    assert with_dir.records[0].files == [str(pdf)]


# -- sniffing and helpers ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zotero.ris", "mendeley.ris", "endnote.ris", "junk_bom.ris"])
def test_looks_like_recognises_real_exports(name: str):
    assert ris.looks_like((FIXTURES / name).read_bytes().decode("utf-8"))


@pytest.mark.parametrize("text", [
    "@article{key,\n  title = {A BibTeX entry},\n}\n",
    "title,authors,year\nA paper,Someone,2020\n",
    '[{"id": "x", "type": "book", "title": "CSL"}]',
    "Daily Papers\n\nA title\n\nAn abstract that mentions TY - JOUR in passing.\n",
])
def test_looks_like_refuses_other_formats(text: str):
    assert not ris.looks_like(text)


@pytest.mark.parametrize(("written", "shown"), [
    ("Müller, Jörg", "Jörg Müller"),
    ("van Beethoven, Ludwig", "Ludwig van Beethoven"),
    ("King, Martin Luther, Jr.", "Martin Luther King Jr."),
    ("King, Jr., Martin Luther", "Martin Luther King Jr."),
    ("Martin Luther King, Jr.", "Martin Luther King Jr."),
    ("{Google DeepMind}", "{Google DeepMind}"),
    ("OpenAI", "OpenAI"),
    ("Smith,John", "John Smith"),
    ("Smith, V.", "V. Smith"),
    ("  Doe ,  Jane  ", "Jane Doe"),
])
def test_display_name(written: str, shown: str):
    assert ris.display_name(written) == shown


@pytest.mark.parametrize(("text", "year"), [
    ("2021///", 2021), ("2021/05/03/", 2021), ("1997-11-15", 1997), ("Spring 2019", 2019),
    ("in press", None), ("", None), ("12345", None),
])
def test_year_of(text: str, year: int | None):
    assert ris.year_of(text) == year


@pytest.mark.parametrize(("text", "arxiv_id"), [
    ("https://arxiv.org/abs/2401.12345v2", "2401.12345"),
    ("http://arxiv.org/pdf/2401.12345.pdf", "2401.12345"),
    ("10.48550/arXiv.2401.12345", "2401.12345"),
    ("arXiv preprint arXiv:1810.04805", "1810.04805"),
    ("arXiv: 2401.12345 [cs.CL]", "2401.12345"),
    ("arXiv:hep-th/9901001", "hep-th/9901001"),
    ("Journal of Things 2401.12345", ""),
])
def test_find_arxiv_id(text: str, arxiv_id: str):
    assert ris.find_arxiv_id(text) == arxiv_id
