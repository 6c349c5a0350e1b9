"""RIS export: what each field becomes, that nothing breaks a record, and round trips
through the RIS importer and whole libraries (API and command line)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from readinglist.domain import Attachment, Paper, Status
from readinglist.exporters import FORMATS, ExportContext
from readinglist.exporters import ris as ris_export
from readinglist.importers import ris as ris_import
from readinglist.library.service import Library

FIXTURES = Path(__file__).parent / "fixtures"
RIS_FILES = sorted((FIXTURES / "ris").glob("*.ris"))
TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")

FULL = Paper(
    id=1,
    title="Über BERT: Tuning & Testing",
    authors=("Jörg Müller", "Ludwig van Beethoven", "Martin Luther King Jr.",
             "{Google DeepMind}", "OpenAI"),
    year=2024,
    venue="Proceedings of the Konferenz",
    doi="10.1145/1234.5678",
    url="https://example.org/paper",
    abstract="First paragraph.\n\nSecond paragraph.",
    links=("https://github.com/example/code",),
    tags=("nlp", "peft"),
    note="# Reading notes\n\n- point one\n- point two",
    status=Status.READ,
    added=datetime(2024, 5, 1, 9, 0),
    entry_type="inproceedings",
    citation_key="mueller2024uber",
    extra={"editor": "Hinrich Schütze and {Association for Computational Linguistics}",
           "eventtitle": "Konferenz 2024", "series": "LNCS", "volume": "12", "number": "3",
           "pages": "101--117", "month": "June", "publisher": "ACM", "address": "München",
           "isbn": "978-1-2345-6789-7", "issn": "1234-5678", "language": "de",
           "shorttitle": "Über BERT", "urldate": "2024-01-15", "ris_c1": "Custom value",
           "note": "Accepted at ACL"},
    attachments=(Attachment("/home/ana/Papers/Müller 2024.pdf"),),
)


def export_one(paper: Paper) -> str:
    return ris_export.export([paper])


# -- what each field becomes -----------------------------------------------------------------


def test_every_field_ris_can_hold():
    assert export_one(FULL).splitlines() == [
        "TY  - CONF",
        "ID  - mueller2024uber",
        "TI  - Über BERT: Tuning & Testing",
        "ST  - Über BERT",
        "AU  - Müller, Jörg",
        "AU  - van Beethoven, Ludwig",
        "AU  - King, Martin Luther, Jr.",
        "AU  - Google DeepMind,",
        "AU  - OpenAI,",
        "A2  - Schütze, Hinrich",
        "A2  - Association for Computational Linguistics,",
        "T2  - Konferenz 2024",
        "C3  - Proceedings of the Konferenz",
        "T3  - LNCS",
        "PY  - 2024",
        "DA  - 2024/06//",
        "VL  - 12",
        "IS  - 3",
        "SP  - 101",
        "EP  - 117",
        "PB  - ACM",
        "CY  - München",
        "LA  - de",
        "SN  - 1234-5678",
        "SN  - 978-1-2345-6789-7",
        "DO  - 10.1145/1234.5678",
        "UR  - https://example.org/paper",
        "UR  - https://github.com/example/code",
        "Y2  - 2024/01/15/",
        "L1  - /home/ana/Papers/Müller 2024.pdf",
        "AB  - First paragraph. Second paragraph.",
        "KW  - nlp",
        "KW  - peft",
        "N1  - <p># Reading notes</p><p>- point one<br>- point two</p>",
        "N1  - Accepted at ACL",
        "C1  - Custom value",
        "ER  - ",
        "",
    ]


def test_the_importer_reads_every_field_back():
    (record,) = ris_import.parse(export_one(FULL), "x.ris").records
    assert record.title == FULL.title
    assert record.authors == list(FULL.authors)
    assert (record.year, record.venue, record.doi) == (2024, FULL.venue, FULL.doi)
    assert (record.entry_type, record.citation_key) == ("inproceedings", "mueller2024uber")
    assert (record.url, record.links) == (FULL.url, list(FULL.links))
    assert record.tags == list(FULL.tags)
    assert record.note == FULL.note + "\nAccepted at ACL"
    assert record.abstract == "First paragraph. Second paragraph."
    assert record.extra == {
        "editor": FULL.extra["editor"], "eventtitle": "Konferenz 2024", "series": "LNCS",
        "volume": "12", "number": "3", "pages": "101--117", "month": "6", "publisher": "ACM",
        "address": "München", "isbn": "978-1-2345-6789-7", "issn": "1234-5678",
        "language": "de", "shorttitle": "Über BERT", "urldate": "2024-01-15",
        "ris_c1": "Custom value",
    }


@pytest.mark.parametrize(("entry_type", "ty", "back"), [
    ("article", "JOUR", "article"), ("inproceedings", "CONF", "inproceedings"),
    ("book", "BOOK", "book"), ("incollection", "CHAP", "incollection"),
    ("phdthesis", "THES", "phdthesis"), ("mastersthesis", "THES", "mastersthesis"),
    ("techreport", "RPRT", "techreport"), ("online", "ELEC", "online"),
    ("unpublished", "UNPB", "unpublished"), ("patent", "PAT", "patent"),
    ("dataset", "DATA", "dataset"), ("software", "COMP", "software"), ("misc", "GEN", "misc"),
    ("", "GEN", "misc"), ("inbook", "CHAP", "incollection"),
])
def test_types(entry_type: str, ty: str, back: str):
    paper = Paper(id=1, title="T", entry_type=entry_type, venue="Somewhere")
    text = export_one(paper)
    assert text.startswith(f"TY  - {ty}\n")
    (record,) = ris_import.parse(text, "x.ris").records
    assert record.entry_type == back


def test_a_book_keeps_its_series_apart_from_the_venue():
    book = Paper(id=1, title="Deep Learning", entry_type="book",
                 extra={"series": "Adaptive Computation", "publisher": "MIT Press"})
    (record,) = ris_import.parse(export_one(book), "x.ris").records
    assert (record.venue, record.extra["series"]) == ("", "Adaptive Computation")


def test_thesis_school_and_report_institution_are_the_publisher():
    thesis = Paper(id=1, title="T", entry_type="mastersthesis", extra={"school": "Oslo"})
    text = export_one(thesis)
    assert "PB  - Oslo\n" in text and "M3  - Master's thesis\n" in text
    (record,) = ris_import.parse(text, "x.ris").records
    assert (record.entry_type, record.extra["school"]) == ("mastersthesis", "Oslo")


@pytest.mark.parametrize(("paper", "accession"), [
    (Paper(id=1, title="T", arxiv_id="2401.04088"), "AN  - arXiv:2401.04088"),
    (Paper(id=1, title="T", arxiv_id="2401.04088", url="https://arxiv.org/abs/2401.04088"),
     None),
    (Paper(id=1, title="T", arxiv_id="2401.04088", doi="10.48550/arxiv.2401.04088"), None),
    (Paper(id=1, title="T", extra={"wos_ut": "WOS:000355286600030"}),
     "AN  - WOS:000355286600030"),
])
def test_arxiv_ids_and_accession_numbers(paper: Paper, accession: str | None):
    text = export_one(paper)
    assert [ln for ln in text.splitlines() if ln.startswith("AN")] == (
        [accession] if accession else [])
    (record,) = ris_import.parse(text, "x.ris").records
    assert record.arxiv_id == paper.arxiv_id
    assert record.extra.get("wos_ut", "") == paper.extra.get("wos_ut", "")
    assert "ris_an" not in record.extra


@pytest.mark.parametrize(("author", "written"), [
    ("Jörg Müller", "Müller, Jörg"),
    ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
    ("Martin Luther King Jr.", "King, Martin Luther, Jr."),
    ("{Google DeepMind}", "Google DeepMind,"),
    ("Plato", "Plato,"),
    ("J. A. Smith", "Smith, J. A."),
])
def test_names(author: str, written: str):
    assert ris_export.ris_name(author) == written
    assert ris_import.parse(f"TY  - JOUR\nTI  - T\nAU  - {written}\nER  - \n",
                            "x.ris").records[0].authors == [author]


# -- nothing breaks a record -----------------------------------------------------------------


NASTY = Paper(
    id=2,
    title="A title\nER  - with a fake end\x00 and a NUL",
    authors=("Ann\tTab",),
    abstract="Line one\r\nTY  - JOUR\rline three\x1b[31m escape\x85 next line\u2028 separator",
    tags=("tag\nwith newline",),
    note="First line\nER  - \nlast <b>line</b>",
    url="https://example.org/a\nb",
    extra={"publisher": "\x07Bell\x7f Labs", "volume": "\x0c12"},
    attachments=(Attachment("/tmp/odd\nname.pdf"),),
)


def test_no_control_characters_and_no_false_tags():
    papers = [NASTY, FULL, NASTY]
    text = ris_export.export(papers)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", text)
    lines = [ln for ln in text.split("\n") if ln]
    assert all(TAG_LINE.match(ln) or ln == "ER  - " for ln in lines), lines
    assert sum(ln.startswith("TY  - ") for ln in lines) == len(papers)
    assert sum(ln == "ER  - " for ln in lines) == len(papers)
    result = ris_import.parse(text, "x.ris")
    assert result.problems == []
    nasty_title = "A title ER  - with a fake end and a NUL"
    assert [r.title for r in result.records] == [nasty_title, FULL.title, nasty_title]
    nasty = result.records[0]
    assert nasty.extra["publisher"] == "Bell Labs" and nasty.extra["volume"] == "12"
    assert nasty.authors == ["Ann Tab"] and nasty.tags == ["tag with newline"]
    assert nasty.abstract == ("Line one TY  - JOUR line three [31m escape next line "
                              "separator")
    assert nasty.note == "First line\nER  -\nlast <b>line</b>"
    assert "L1  - file:///tmp/odd%0Aname.pdf" in text


def test_attachments_come_back_when_the_files_exist(tmp_path: Path):
    files = [tmp_path / "a paper.pdf", tmp_path / "Müller; notes.pdf"]
    for f in files:
        f.write_bytes(b"%PDF-1.4\n")
    paper = Paper(id=1, title="With files", attachments=tuple(Attachment(str(f)) for f in files))
    text = export_one(paper)
    assert [ln for ln in text.splitlines() if ln.startswith("L1")] == [
        f"L1  - {f}" for f in files]
    (record,) = ris_import.parse(text, "x.ris").records
    assert record.files == [str(f) for f in files]


def test_registry_and_empty_export():
    fmt = FORMATS["ris"]
    assert (fmt.extension, fmt.export) == (".ris", ris_export.export)
    assert "RIS" in fmt.description
    assert fmt.export(iter([FULL]), ExportContext()) == export_one(FULL)
    assert fmt.export([], None) == ""


def test_citation_keys_are_unique_within_an_export():
    twins = [Paper(id=i, title="Attention", authors=("Ashish Vaswani",), year=2017)
             for i in (1, 2)]
    keys = re.findall(r"^ID  - (.+)$", ris_export.export(twins), re.MULTILINE)
    assert keys == ["vaswani2017attention", "vaswani2017attentiona"]


# -- round trips through whole libraries --------------------------------------------------------


def bibliography(library: Library) -> list[tuple]:
    return sorted(
        (p.title, p.authors, p.year, p.venue, p.doi, p.arxiv_id, p.extra.get("volume", ""),
         p.extra.get("pages", ""), p.abstract, p.citation_key, p.entry_type, tuple(p.tags),
         p.url, p.links, p.note)
        for p in library.list()
    )


def test_ris_files_round_trip_through_two_libraries(tmp_path: Path):
    assert len(RIS_FILES) >= 4
    with Library.open(tmp_path / "first") as first:
        report = first.import_files(RIS_FILES)
        assert len(report.added) >= 25, report.summary()
        out = tmp_path / "out.ris"
        out.write_text(first.export("ris"), encoding="utf-8")
        with Library.open(tmp_path / "second") as second:
            again = second.import_files([out])
            assert not again.failed and not again.unreadable, again.to_dict()
            assert second.count() == first.count() == len(again.added)
            assert bibliography(second) == bibliography(first)
            # Everything else the RIS files held comes back too, field by field.
            extras = {p.title: dict(p.extra) for p in first.list()}
            assert {p.title: dict(p.extra) for p in second.list()} == extras


def test_web_of_science_records_round_trip_through_ris(tmp_path: Path):
    with Library.open(tmp_path / "first") as first:
        imported = first.import_files([FIXTURES / "wos" / "savedrecs.txt"])
        # The untitled correction notice is kept, titled by its venue.
        assert [(w.line, w.reason) for w in imported.warnings] == [
            (207, "WOS:000530000000042: has no title; titled 'JOURNAL OF IMAGING' from its venue")]
        out = tmp_path / "wos.ris"
        out.write_text(first.export("ris"), encoding="utf-8")
        with Library.open(tmp_path / "second") as second:
            report = second.import_files([out])
            assert len(report.added) == first.count() == 10
            assert report.warnings == []  # the stand-in title went out as its TI line
            assert bibliography(second) == bibliography(first)
            assert sorted(p.extra["wos_ut"] for p in second.list()) == sorted(
                p.extra["wos_ut"] for p in first.list())


def test_command_line_export_and_import(tmp_path: Path):
    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "readinglist", *map(str, args)], capture_output=True,
            text=True, encoding="utf-8", timeout=120, check=False,
            env={"QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8",
                 "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
                 "PATH": "/usr/bin:/bin"},
        )

    source = FIXTURES / "ris" / "endnote_x9_bom_crlf.ris"
    done = run("--library", tmp_path / "a", "import", source)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out.ris"
    done = run("--library", tmp_path / "a", "export", "--format", "ris", "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8").count("TY  - ") == 12
    done = run("--library", tmp_path / "b", "import", out)
    assert done.returncode == 0, done.stderr
    assert "12 added" in done.stdout and "0 failed" in done.stdout
