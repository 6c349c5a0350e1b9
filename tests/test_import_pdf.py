"""PDF import: metadata from Info/XMP when sane, else from page 1; broken files reported."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdf_factory import (
    Text,
    extract_all_text,
    pdf_bytes,
    write_empty_password_pdf,
    write_encrypted_pdf,
    write_non_pdf,
    write_pdf,
    write_truncated_pdf,
)
from pypdf import PasswordType, PdfReader

from readinglist.importers import pdf
from readinglist.importers.pdf import looks_like_bytes, parse_folder, parse_pdf

STAMP = Text("arXiv:2401.12345v2  [cs.CL]  3 Jan 2024", 20, rotated=True)

# Page 1 of a NeurIPS-style preprint: stamp in the margin, running header, a two-line
# title in 17 pt bold, authors with affiliation marks, addresses, the abstract (with a
# word hyphenated across lines), the first section, the venue footer.
ARXIV_PAGE_1 = [
    STAMP,
    ("Preprint. Under review.", 8),
    Text("Sparse Mixtures of Retrieval Experts for", 17, bold=True),
    Text("Long-Context Question Answering", 17, bold=True),
    ("Jörg Müller1, Ana María López2*, Ludwig van Beethoven1", 11),
    ("1University of Tübingen   2Google DeepMind", 9),
    ("{joerg.mueller,ludwig}@uni-tuebingen.de", 9),
    Text("Abstract", 12, bold=True),
    "We present SMoRE, a sparse mixture of retrieval experts. Our trans-",
    "former routes each query to a few experts (cost -40%).",
    "Code is available at https://github.com/example/smore.",
    Text("1 Introduction", 12, bold=True),
    "Long documents are hard for every transformer we tried (Vaswani et al., 2017).",
    ("37th Conference on Neural Information Processing Systems (NeurIPS 2023).", 8),
]
ARXIV_PAGE_2 = [
    "We evaluate on NarrativeQA and QuALITY against self-",
    "attention baselines; self-attention is costly and quadratic.",
    "Zanzibar is a word that only appears on page two.",
]
ARXIV_TITLE = "Sparse Mixtures of Retrieval Experts for Long-Context Question Answering"


def only_record(result: pdf.ParseResult) -> pdf.PaperRecord:
    assert result.problems == []
    assert len(result.records) == 1
    return result.records[0]


# --- the factory itself ------------------------------------------------------------------


def test_factory_writes_pdfs_pypdf_reads_back(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "f.pdf",
        [[("Große Überschrift (draft)", 18), "body line \\ one"], ["second page"]],
        info={"Title": "Ein Titel", "Author": "Jörg Müller"},
    )
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    assert reader.metadata is not None
    assert reader.metadata.title == "Ein Titel"
    assert reader.metadata.author == "Jörg Müller"
    text = extract_all_text(path)
    for line in ("Große Überschrift (draft)", "body line \\ one", "second page"):
        assert line in text


def test_factory_encryption_helpers(tmp_path: Path) -> None:
    locked = PdfReader(write_encrypted_pdf(tmp_path / "l.pdf", [["hidden words"]]))
    assert locked.is_encrypted
    assert locked.decrypt("") == PasswordType.NOT_DECRYPTED
    assert locked.decrypt("secret") != PasswordType.NOT_DECRYPTED
    assert "hidden words" in locked.pages[0].extract_text()
    open_one = write_empty_password_pdf(tmp_path / "o.pdf", [["open words"]])
    assert PdfReader(open_one).is_encrypted
    assert "open words" in extract_all_text(open_one)


def test_factory_truncated_file_does_not_load(tmp_path: Path) -> None:
    path = write_truncated_pdf(tmp_path / "t.pdf", [["some text"] * 5])
    assert path.read_bytes().startswith(b"%PDF-")
    with pytest.raises(Exception):  # noqa: B017 - which pypdf error does not matter here
        PdfReader(path).pages[0].extract_text()


# --- sniffing ------------------------------------------------------------------------------


def test_looks_like_bytes() -> None:
    assert looks_like_bytes(pdf_bytes([["x"]])[:1024])
    assert looks_like_bytes(b"\r\n\x00junk before the header %PDF-1.7\n")
    assert not looks_like_bytes(b"")
    assert not looks_like_bytes(b"<!DOCTYPE html><html><body>Sign in</body></html>")
    assert not looks_like_bytes(b" " * 1024 + b"%PDF-1.4")


# --- metadata from page 1 --------------------------------------------------------------


@pytest.mark.parametrize("scaled", [False, True], ids=["Tf-size", "matrix-size"])
def test_arxiv_style_paper(tmp_path: Path, scaled: bool) -> None:
    path = write_pdf(tmp_path / "smore.pdf", [ARXIV_PAGE_1, ARXIV_PAGE_2], scaled=scaled)
    result = parse_pdf(path, attach_mode="link")
    record = only_record(result)
    assert result.warnings == []
    assert record.title == ARXIV_TITLE
    assert record.authors == ["Jörg Müller", "Ana María López", "Ludwig van Beethoven"]
    assert record.arxiv_id == "2401.12345"
    assert record.year == 2024  # from the arXiv id: the file has no CreationDate
    assert record.abstract == (
        "We present SMoRE, a sparse mixture of retrieval experts. Our transformer routes "
        "each query to a few experts (cost -40%). Code is available at "
        "https://github.com/example/smore."
    )
    assert record.files == [str(path.resolve())]
    assert record.attach_mode == "link"
    assert record.source == "smore.pdf"
    assert record.doi == ""


def test_fulltext_has_every_page_and_repairs_hyphenation(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "p.pdf", [ARXIV_PAGE_1, ARXIV_PAGE_2])
    text = only_record(parse_pdf(path)).fulltext
    assert "Zanzibar" in text  # page 2
    assert "Long documents are hard" in text
    # "trans-/former" is joined because "transformer" occurs elsewhere; "self-/attention"
    # keeps its hyphen because the text spells it "self-attention" elsewhere.
    assert "Our transformer routes" in text
    assert "against self-attention baselines" in text
    assert "trans-" not in text
    assert "\n\nWe evaluate" in text  # pages joined by a blank line


def test_hyphenation_without_evidence_is_left_alone(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "h.pdf", [[("A Study of Things", 16),
                                           "We use cross-", "lingual transfer here."]])
    text = only_record(parse_pdf(path)).fulltext
    assert "cross-\nlingual" in text


def test_title_from_first_lines_when_all_text_is_one_size(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "plain.pdf", [[
        "Published as a conference paper at ICLR 2024",
        "3",
        "Learning to Route Queries Between Experts for",
        "Efficient Long-Document Reading",
        "Carol White, David Black",
        "ABSTRACT",
        "Routing matters. We show how to do it with little data.",
        "1 INTRODUCTION",
        "Text of the introduction.",
    ]])
    record = only_record(parse_pdf(path))
    assert record.title == (
        "Learning to Route Queries Between Experts for Efficient Long-Document Reading"
    )
    assert record.authors == ["Carol White", "David Black"]
    assert record.abstract == "Routing matters. We show how to do it with little data."


def test_ieee_style_run_in_abstract_ends_at_index_terms(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "ieee.pdf", [[
        ("Robust Beamforming for Dense Urban Cells", 20),
        ("Émile Zola and François Truffaut", 11),
        "Abstract—We design a beamformer that survives multipath.",
        "It is cheap to run.",
        "Index Terms—beamforming, MIMO",
        "I. INTRODUCTION",
    ]])
    record = only_record(parse_pdf(path))
    assert record.title == "Robust Beamforming for Dense Urban Cells"
    assert record.authors == ["Émile Zola", "François Truffaut"]
    assert record.abstract == "We design a beamformer that survives multipath. It is cheap to run."


@pytest.mark.parametrize("lines", [
    # Names and affiliations interleaved (one column per author): which is which is a guess.
    ["Alice Smith", "Stanford", "Bob Jones", "Abstract", "Text."],
    # No separators: one long name or several short ones?
    ["Alice Smith Bob Jones Carol White", "Abstract", "Text."],
    # Not names at all.
    ["Department of Computer Science, ETH Zürich", "Abstract", "Text."],
], ids=["interleaved", "no-separators", "affiliation"])
def test_authors_are_not_guessed(tmp_path: Path, lines: list[str]) -> None:
    path = write_pdf(tmp_path / "a.pdf", [[("A Careful Title for Testing", 18), *lines]])
    record = only_record(parse_pdf(path))
    assert record.title == "A Careful Title for Testing"
    assert record.authors == []


def test_doi_on_page_one(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "kdd.pdf", [[
        ("Graph Sampling at Scale", 18),
        "KDD '23, August 6-10, 2023, Long Beach, CA, USA",
        "https://doi.org/10.1145/3580305.3599876.",
        "Abstract",
        "We sample graphs.",
    ]])
    record = only_record(parse_pdf(path))
    assert record.doi == "10.1145/3580305.3599876"
    assert record.title == "Graph Sampling at Scale"


@pytest.mark.parametrize(("line", "doi"), [
    ("DOI: 10.18653/V1/2023.ACL-LONG.1", "10.18653/v1/2023.acl-long.1"),
    ("(doi:10.1038/s41586-021-03819-2).", "10.1038/s41586-021-03819-2"),
    ("https://dx.doi.org/10.1002/(SICI)1097-4636(199706)35:4",
     "10.1002/(sici)1097-4636(199706)35:4"),
])
def test_doi_forms(tmp_path: Path, line: str, doi: str) -> None:
    path = write_pdf(tmp_path / "acl.pdf", [[("Parsing With Tiny Grammars", 18), line, "Body."]])
    assert only_record(parse_pdf(path)).doi == doi


@pytest.mark.parametrize(("name", "expected", "year"), [
    ("2310.06825v1.pdf", "2310.06825", 2023),
    ("arXiv-2106.09685.pdf", "2106.09685", 2021),
    ("cs_0112017v1.pdf", "cs/0112017", 2001),
    ("2023.12345.pdf", "", None),  # month 23: not an arXiv id
    ("paper1234567.pdf", "", None),  # "paper" is no arXiv archive
])
def test_arxiv_id_from_file_name(tmp_path: Path, name: str, expected: str,
                                 year: int | None) -> None:
    path = write_pdf(tmp_path / name, [[("Some Paper About Things", 18), "Body."]])
    record = only_record(parse_pdf(path))
    assert record.arxiv_id == expected
    assert record.year == year


# --- metadata from the PDF's own fields --------------------------------------------------


def test_good_info_fields_are_used(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "x.pdf",
        [[("What the Page Shows", 18), "Body."]],
        info={
            "Title": "Deep Residual Learning for Image Recognition",
            "Author": "Kaiming He, Xiangyu Zhang, Shaoqing Ren and Jian Sun",
            "CreationDate": "D:20151210043000Z",
            "Keywords": "residual networks; image recognition",
        },
    )
    record = only_record(parse_pdf(path))
    assert record.title == "Deep Residual Learning for Image Recognition"
    assert record.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert record.year == 2015
    assert record.extra == {"keywords": "residual networks; image recognition"}


def test_info_authors_in_last_first_form(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "x.pdf", [[("A Title Here", 18)]],
                     info={"Author": "Müller, Jörg; van Beethoven, Ludwig"})
    assert only_record(parse_pdf(path)).authors == ["Jörg Müller", "Ludwig van Beethoven"]


@pytest.mark.parametrize("junk", [
    "Microsoft Word - final.docx",
    "Microsoft Word - draft3.docx",
    "untitled",
    "Title",
    "paper.pdf",
    "main.dvi",
    "arXiv:2401.1234v1",
    "CVPR2024_0123",
    "ACL",
    "Formatting Instructions For NeurIPS 2023",
    "C:\\Users\\jo\\Desktop\\paper",
])
def test_junk_info_title_falls_back_to_page_text(tmp_path: Path, junk: str) -> None:
    path = write_pdf(tmp_path / "x.pdf", [ARXIV_PAGE_1], info={"Title": junk})
    assert only_record(parse_pdf(path)).title == ARXIV_TITLE


@pytest.mark.parametrize("junk", ["Administrator", "user", "LaTeX with hyperref", "jsmith",
                                  "Microsoft Office User"])
def test_junk_info_author_is_ignored(tmp_path: Path, junk: str) -> None:
    path = write_pdf(tmp_path / "x.pdf", [[("Plain Title of a Paper", 18), "Body."]],
                     info={"Author": junk})
    assert only_record(parse_pdf(path)).authors == []


def test_xmp_title_and_creators_when_info_has_none(tmp_path: Path) -> None:
    xmp = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Scaling Laws for Señor Models</rdf:li>
   </rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Zoë Durand</rdf:li><rdf:li>Ola Nordmann</rdf:li>
   </rdf:Seq></dc:creator>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    path = write_pdf(tmp_path / "x.pdf", [[("Something Else Entirely", 18)]],
                     info={"Title": "untitled"}, xmp=xmp)
    record = only_record(parse_pdf(path))
    assert record.title == "Scaling Laws for Señor Models"
    assert record.authors == ["Zoë Durand", "Ola Nordmann"]


# --- files that cannot be imported, or only partly ---------------------------------------


def test_password_protected_pdf_is_reported(tmp_path: Path) -> None:
    path = write_encrypted_pdf(tmp_path / "locked.pdf", [ARXIV_PAGE_1])
    result = parse_pdf(path)
    assert result.records == []
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.source, problem.line) == ("locked.pdf", None)
    assert problem.reason == "encrypted: needs a password, not imported"


def test_pdf_encrypted_with_empty_password_imports(tmp_path: Path) -> None:
    path = write_empty_password_pdf(tmp_path / "open.pdf", [ARXIV_PAGE_1, ARXIV_PAGE_2])
    record = only_record(parse_pdf(path))
    assert record.title == ARXIV_TITLE
    assert "Zanzibar" in record.fulltext


class RootRecords(logging.Handler):
    """What reaches the root logger's handlers: what an application would print."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def root_records() -> Iterator[RootRecords]:
    # Not caplog: pytest also hooks its handler onto non-propagating loggers, so it sees
    # records no application handler would.
    handler = RootRecords()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_truncated_pdf_is_reported_quietly(tmp_path: Path, root_records: RootRecords) -> None:
    path = write_truncated_pdf(tmp_path / "cut.pdf", [ARXIV_PAGE_1, ARXIV_PAGE_2])
    result = parse_pdf(path)
    assert result.records == []
    [problem] = result.problems
    assert problem.source == "cut.pdf"
    assert problem.reason.startswith("not a readable PDF (the file is cut short")
    # pypdf's own complaint ("EOF marker not found") is in the reason, not on the console.
    assert [r.getMessage() for r in root_records.records if r.name.startswith("pypdf")] == []


def test_pypdf_logging_outside_an_import_still_reaches_handlers(
    tmp_path: Path, root_records: RootRecords
) -> None:
    parse_pdf(write_truncated_pdf(tmp_path / "cut.pdf", [["x"]]))  # installs the router
    logging.getLogger("pypdf._reader").warning("a message from elsewhere")
    assert [r.getMessage() for r in root_records.records] == ["a message from elsewhere"]


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "not a readable PDF (the file is empty)"),
    (b"%PDF-1.4\n%garbage with no objects at all\n", "not a readable PDF ("),
    (b"PK\x03\x04\x14\x00\x00\x00", "not a readable PDF (it is a ZIP archive)"),
])
def test_broken_files_are_reported(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    result = parse_pdf(path)
    assert result.records == []
    [problem] = result.problems
    assert problem.source == "bad.pdf"
    assert problem.reason.startswith(reason)


def test_web_page_saved_as_pdf_is_reported(tmp_path: Path) -> None:
    result = parse_pdf(write_non_pdf(tmp_path / "download.pdf"))
    assert result.records == []
    [problem] = result.problems
    assert "web page" in problem.reason
    assert problem.reason.startswith("not a readable PDF")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    [problem] = parse_pdf(tmp_path / "gone.pdf").problems
    assert problem.source == "gone.pdf"
    assert problem.reason.startswith("cannot read the file")


def test_scanned_pdf_imports_with_file_name_as_title(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "Smith 1998 scanned.pdf", [[], []])
    result = parse_pdf(path)
    record = only_record(result)
    assert record.title == "Smith 1998 scanned"
    assert record.fulltext.strip() == ""
    assert record.files == [str(path.resolve())]
    [warning] = result.warnings
    assert "no text layer (scanned?)" in warning.reason


def test_scanned_pdf_keeps_a_good_info_title(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "scan0001.pdf", [[]],
                     info={"Title": "On Computable Numbers"})
    assert only_record(parse_pdf(path)).title == "On Computable Numbers"


def test_long_text_is_capped_with_a_warning(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "MAX_FULLTEXT", 300)
    words = [f"line {i} with a few words" for i in range(20)]
    pages = [[("Long Book Title Here", 18), *words] for _ in range(5)]
    result = parse_pdf(write_pdf(tmp_path / "book.pdf", pages))
    record = only_record(result)
    assert 0 < len(record.fulltext) <= 300
    assert record.title == "Long Book Title Here"
    assert any("only the first part is kept" in w.reason for w in result.warnings)


# --- folders -------------------------------------------------------------------------------


def make_library_folder(root: Path) -> Path:
    folder = root / "papers"
    write_pdf(folder / "b-second.pdf", [[("Second Paper Title", 18), "Body."]])
    write_pdf(folder / "A-first.PDF", [[("First Paper Title", 18), "Body."]])
    write_pdf(folder / "2023" / "nested" / "c-third.pdf", [[("Third Paper Title", 18)]])
    write_encrypted_pdf(folder / "2023" / "locked.pdf", [["secret"]])
    write_pdf(folder / ".trash" / "deleted.pdf", [[("Deleted Paper Title", 18)]])
    write_pdf(folder / "._b-second.pdf", [["macOS resource fork"]])
    (folder / "notes.txt").write_text("not a pdf", encoding="utf-8")
    return folder


def test_folder_import_walks_nested_folders(tmp_path: Path) -> None:
    folder = make_library_folder(tmp_path)
    calls: list[tuple[int, int]] = []
    result = parse_folder(folder, attach_mode="link",
                          progress=lambda done, total: calls.append((done, total)))
    assert [r.title for r in result.records] == [
        "Third Paper Title", "First Paper Title", "Second Paper Title",
    ]
    assert all(r.attach_mode == "link" for r in result.records)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    [problem] = result.problems
    assert problem.source == "2023/locked.pdf"
    assert problem.reason == "encrypted: needs a password, not imported"
    assert result.cancelled is False
    assert result.files == 4


def test_folder_import_stops_when_cancelled(tmp_path: Path) -> None:
    folder = make_library_folder(tmp_path)
    calls: list[tuple[int, int]] = []
    result = parse_folder(folder, progress=lambda d, t: calls.append((d, t)),
                          cancelled=lambda: len(calls) >= 2)
    assert result.cancelled is True
    assert calls == [(1, 4), (2, 4)]
    # Sorted order: 2023/locked.pdf (a problem), 2023/nested/c-third.pdf, then stop.
    assert [r.title for r in result.records] == ["Third Paper Title"]
    assert [p.source for p in result.problems] == ["2023/locked.pdf"]


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    result = parse_folder(tmp_path / "nowhere")
    assert result.records == []
    [problem] = result.problems
    assert problem.reason == "no such folder"
