"""Web of Science exports: the tagged plain text (savedrecs.txt, .ciw) and the tab-delimited
table, as Clarivate writes them and as they arrive after being joined and damaged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readinglist.importers import detect_format, parse_path, wos
from readinglist.importers.base import ParseResult
from readinglist.system.locations import sample_page_path

FIXTURES = Path(__file__).parent / "fixtures" / "wos"
RIS_FIXTURES = [*(Path(__file__).parent / "fixtures" / "ris").glob("*.ris"),
                *(Path(__file__).parent / "fixtures" / "import" / "ris").glob("*.ris")]


def load(name: str) -> ParseResult:
    return parse_path(FIXTURES / name)


def by_title(result: ParseResult) -> dict:
    return {r.title: r for r in result.records}


# -- the plain text export ------------------------------------------------------------------


def test_plain_text_export_reads_every_record():
    raw = (FIXTURES / "savedrecs.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\nVR 1.0\n")
    result = load("savedrecs.txt")
    assert [(r.line, r.title) for r in result.records] == [
        (3, "Deep learning"),
        (59, "Highly accurate protein structure prediction with AlphaFold"),
        (89, "Deep Residual Learning for Image Recognition"),
        (124, "Long Short-Term Memory"),
        (147, "Pattern Recognition and Machine Learning"),
        (164, "LEARNING INTERNAL REPRESENTATIONS BY ERROR PROPAGATION"),
        (178, "Method for node ranking in a linked database"),
        (187, "Apprentissage profond pour la traduction automatique des résumés scientifiques"),
        (207, ""),
        (216, "Attention Is All You Need, revisited: a study of transformer architectures for "
              "sequence transduction"),
    ]
    # The correction notice has no title: returned untitled, for the import to name.
    notice = result.records[8]
    assert (notice.key, notice.extra["wos_ut"]) == ("WOS:000530000000042", "WOS:000530000000042")
    assert (notice.authors, notice.year, notice.venue) == (["Anonymous"], 2020,
                                                          "JOURNAL OF IMAGING")
    assert (notice.entry_type, notice.extra["wos_dt"]) == ("article", "Correction")
    assert result.problems == []
    assert result.warnings == []


def test_journal_article_fields():
    paper = load("savedrecs.txt").records[0]
    assert paper.entry_type == "article"
    assert paper.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]  # from AF
    assert (paper.year, paper.venue) == (2015, "NATURE")
    assert paper.doi == "10.1038/nature14539"
    assert paper.abstract == (
        "Deep learning allows computational models that are composed of multiple processing "
        "layers to learn representations of data with multiple levels of abstraction."
    )
    # Author keywords (wrapped over two lines) first, then Keywords Plus not already there.
    assert paper.tags == ["deep learning", "representation learning", "neural networks",
                          "NEURAL-NETWORKS", "BACKPROPAGATION"]
    assert paper.source == "Web of Science (savedrecs.txt)"
    assert paper.key == "WOS:000355286600030"
    extra = paper.extra
    assert {k: extra[k] for k in ("volume", "number", "pages", "month", "issn", "eissn",
                                  "publisher", "address", "shortjournal", "pmid", "language",
                                  "pagetotal", "wos_ut", "wos_tc", "wos_dt")} == {
        "volume": "521", "number": "7553", "pages": "436--444", "month": "5",
        "issn": "0028-0836", "eissn": "1476-4687", "publisher": "NATURE PORTFOLIO",
        "address": "BERLIN", "shortjournal": "Nature", "pmid": "26017442",
        "language": "English", "pagetotal": "9", "wos_ut": "WOS:000355286600030",
        "wos_tc": "41203", "wos_dt": "Review",
    }
    # Four addresses, one a line; the cited references are not kept.
    assert extra["affiliation"].count("; [") == 3
    assert extra["affiliation"].startswith("[LeCun, Yann] Facebook AI Res")
    assert "wos_cr" not in extra and "wos_fn" not in extra and "wos_vr" not in extra
    assert all(k == k.lower() for k in extra)


def test_early_access_group_author_and_article_number():
    paper = by_title(load("savedrecs.txt"))[
        "Highly accurate protein structure prediction with AlphaFold"]
    assert paper.authors == ["John Jumper", "Richard Evans", "Alexander Pritzel",
                             "{AlphaFold Team}"]
    assert paper.year == 2021  # no PY: the early access year
    assert paper.extra["month"] == "7"  # EA JUL 2021
    assert paper.extra["eid"] == "583"
    assert "pages" not in paper.extra
    assert paper.extra["wos_oa"] == "Green Published, hybrid"


def test_proceedings_paper_in_a_series():
    paper = by_title(load("savedrecs.txt"))["Deep Residual Learning for Image Recognition"]
    assert paper.entry_type == "inproceedings"
    assert paper.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert paper.venue == "2016 IEEE CONFERENCE ON COMPUTER VISION AND PATTERN RECOGNITION (CVPR)"
    assert paper.extra["editor"] == "R. Bajcsy and F. F. Li"  # BE, initials only
    assert paper.extra["series"] == "IEEE Conference on Computer Vision and Pattern Recognition"
    assert paper.extra["eventtitle"].startswith("29th IEEE Conference")
    assert (paper.extra["eventdate"], paper.extra["venue"]) == ("JUN 27-30, 2016", "Seattle, WA")
    assert (paper.extra["isbn"], paper.extra["pages"]) == ("978-1-4673-8851-1", "770--778")
    assert paper.doi == "10.1109/cvpr.2016.90"


def test_book_chapter_whole_book_conference_and_patent():
    papers = by_title(load("savedrecs.txt"))
    chapter = papers["Long Short-Term Memory"]
    assert chapter.entry_type == "incollection"
    assert chapter.venue == "SUPERVISED SEQUENCE LABELLING WITH RECURRENT NEURAL NETWORKS"
    assert chapter.extra["volume"] == "385"
    book = papers["Pattern Recognition and Machine Learning"]
    assert (book.entry_type, book.venue) == ("book", "")
    assert book.authors == ["Christopher M. Bishop"]
    assert book.extra["series"] == "Information Science and Statistics"
    assert "wos_so" not in book.extra  # SO only repeats the title
    old = papers["LEARNING INTERNAL REPRESENTATIONS BY ERROR PROPAGATION"]
    assert old.entry_type == "inproceedings"
    assert old.authors == ["D. E. RUMELHART", "G. E. HINTON", "R. J. WILLIAMS"]  # AU only
    assert old.extra["eventtitle"] == "Workshop on Parallel Distributed Processing"
    patent = papers["Method for node ranking in a linked database"]
    assert (patent.entry_type, patent.authors) == ("patent", ["Lawrence Page"])
    assert patent.extra["wos_pn"] == "US6285999-B1"


def test_accents_hyphenated_initials_and_keyword_case():
    paper = next(r for r in load("savedrecs.txt").records if r.title.startswith("Apprentissage"))
    assert paper.authors == ["J.-P. Dupont", "M. L. Lefevre"]
    assert paper.extra["language"] == "French"
    assert paper.extra["month"] == "3"  # PD MAR-APR
    # "TRADUCTION AUTOMATIQUE" repeats an author keyword in capitals: kept once.
    assert paper.tags == ["apprentissage profond", "Traduction automatique", "CORPUS"]


def test_arxiv_doi_gives_the_arxiv_id():
    paper = load("savedrecs.txt").records[-1]
    assert paper.doi == "10.48550/arxiv.1706.03762"
    assert paper.arxiv_id == "1706.03762"


# -- joined and damaged files -----------------------------------------------------------------


def test_two_exports_joined_with_crlf_and_damage():
    raw = (FIXTURES / "joined_damaged.ciw").read_bytes()
    assert raw.count(b"\xef\xbb\xbfFN Clarivate") == 2 and b"\r\n" in raw
    result = load("joined_damaged.ciw")
    assert [(r.line, r.title) for r in result.records] == [
        (3, "Mastering the game of Go without human knowledge"),
        (23, "Adam: A Method for Stochastic Optimization"),
        (33, "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"),
        (51, "Generative Adversarial Networks"),
        (71, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal "
             "Covariate Shift"),
    ]
    assert [(p.source, p.line) for p in result.problems] == [("joined_damaged.ciw", 66)]
    assert "without a PT line" in result.problems[0].reason
    assert [w.line for w in result.warnings] == [23, 48, 71]
    assert "no ER line" in result.warnings[0].reason
    assert "Saved from Web of Science" in result.warnings[1].reason
    assert "cut short" in result.warnings[2].reason
    adam = result.records[1]
    assert adam.authors == ["Diederik P. Kingma", "Jimmy Ba"]
    assert "wos_pt" not in adam.extra and adam.extra["wos_ut"] == "WOS:000111111100001"


@pytest.mark.parametrize("name", ["savedrecs.txt", "joined_damaged.ciw"])
def test_every_pt_line_becomes_a_record_or_a_problem_on_its_line(name: str):
    text = (FIXTURES / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    starts = [n for n, ln in enumerate(text.split("\n"), start=1) if re.match(r"^PT [A-Z]$", ln)]
    result = wos.parse(text, name)
    found = [r.line for r in result.records] + [
        p.line for p in result.problems if "without a PT line" not in p.reason]
    assert sorted(found) == starts


def test_continuation_lines_are_values_for_names_and_wrapped_text_otherwise():
    text = ("PT J\nAU Smith, J\n   Doe, A\nTI A title\n   that wraps\nC1 Univ A\n   Univ B\n"
            "AB First line\n   second line.\nSO JOURNAL\n   OF WRAPS\nER\n")
    (paper,) = wos.parse(text, "x.txt").records
    assert paper.authors == ["J. Smith", "A. Doe"]
    assert paper.title == "A title that wraps"
    assert paper.abstract == "First line second line."
    assert paper.venue == "JOURNAL OF WRAPS"
    assert paper.extra["affiliation"] == "Univ A; Univ B"


def test_a_repeated_tag_keeps_both_values():
    text = "PT J\nTI Twice\nEA JUL 2021\nEA AUG 2021\nEA JUL 2021\nER\n"
    (paper,) = wos.parse(text, "x.txt").records
    assert paper.extra["wos_ea"] == "JUL 2021; AUG 2021"


@pytest.mark.parametrize(("pt", "dt", "entry_type"), [
    ("J", "Article", "article"), ("J", "Article; Proceedings Paper", "article"),
    ("B", "Book", "book"), ("B", "Article; Book Chapter", "incollection"),
    ("B", "Proceedings Paper", "inproceedings"), ("S", "Proceedings Paper", "inproceedings"),
    ("S", "Book Chapter", "incollection"), ("C", "", "inproceedings"), ("P", "", "patent"),
    ("X", "", "misc"),
])
def test_entry_types(pt: str, dt: str, entry_type: str):
    (paper,) = wos.parse(f"PT {pt}\nTI T\nDT {dt}\nER\n", "x.txt").records
    assert paper.entry_type == entry_type


# -- the tab-delimited export ---------------------------------------------------------------


def test_tab_delimited_export():
    raw = (FIXTURES / "savedrecs_tab.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfPT\tAU\tBA\t") and b"\r\n" in raw
    result = load("savedrecs_tab.txt")
    assert [(r.line, r.title) for r in result.records] == [
        (2, "Deep learning"),
        (3, "Deep Residual Learning for Image Recognition"),
        (4, ""),
        (5, "Pattern Recognition and Machine Learning"),
    ]
    assert result.problems == []
    nature, resnet, notice, book = result.records
    # The untitled correction notice is returned untitled, for the import to name.
    assert (notice.key, notice.authors, notice.year, notice.venue) == (
        "WOS:000530000000042", ["W. Zhang"], 2020, "JOURNAL OF IMAGING")
    assert nature.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert nature.tags == ["deep learning", "representation learning", "NEURAL-NETWORKS"]
    assert (nature.extra["pages"], nature.extra["wos_ut"]) == ("436--444", "WOS:000355286600030")
    assert "wos_cr" not in nature.extra
    assert (resnet.entry_type, resnet.extra["venue"]) == ("inproceedings", "Seattle, WA")
    assert (book.entry_type, book.venue) == ("book", "")


# -- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["savedrecs.txt", "joined_damaged.ciw", "savedrecs_tab.txt"])
def test_detected_as_wos(name: str):
    text = (FIXTURES / name).read_bytes().decode("utf-8-sig")
    assert wos.looks_like(text)
    assert detect_format(FIXTURES / name, text) == "wos"


def test_a_wos_txt_is_not_read_as_daily_papers_and_the_sample_page_still_is(tmp_path: Path):
    copy = tmp_path / "export.txt"
    copy.write_bytes((FIXTURES / "savedrecs.txt").read_bytes())
    result = parse_path(copy)
    assert {r.source for r in result.records} == {"Web of Science (export.txt)"}
    assert len(result.records) == 10
    sample = sample_page_path()
    assert not wos.looks_like(sample.read_text("utf-8"))
    assert detect_format(sample, sample.read_text("utf-8")) == "dailypapers"
    assert {r.source.split(" (")[0] for r in parse_path(sample).records} != {"Web of Science"}


def test_header_alone_or_records_alone_are_enough():
    records = "PT J\nAU Smith, J\nTI Without the file header\nSO JOURNAL\nER\n"
    assert wos.looks_like(records)
    assert wos.looks_like("\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\nEF\n")
    assert [r.title for r in wos.parse(records, "x.txt").records] == ["Without the file header"]


@pytest.mark.parametrize("text", [
    "TY  - JOUR\nTI  - RIS\nER  - \n",
    "PT J\nTI  - RIS lines after a PT\nTY  - JOUR\nER  - \n",
    "@article{k, title = {BibTeX}}\n",
    "title,authors\nA,B\n",
    "2401.12345\n10.1038/nature14539\n",
    "Daily Papers\n\nPT J is a phrase in a title\n\nAn abstract mentions PT and ER.\n",
    "FN my notes\nsome text\n",
])
def test_looks_like_refuses_other_formats(text: str):
    assert not wos.looks_like(text)


@pytest.mark.parametrize("path", RIS_FIXTURES, ids=lambda p: p.name)
def test_no_ris_file_is_taken_for_wos(path: Path):
    text = path.read_bytes().decode("utf-8")
    assert not wos.looks_like(text)
    assert detect_format(path.with_suffix(".txt"), text) == "ris"


# -- into a library ---------------------------------------------------------------------------


def test_import_into_a_library(empty_library):
    report = empty_library.import_files([FIXTURES / "savedrecs.txt"])
    assert len(report.added) == 10, report.summary()
    assert report.failed == []
    # The untitled correction notice is titled by its venue, with a warning on its line.
    assert report.added[8] == (9, "JOURNAL OF IMAGING")
    assert [(w.source, w.line, w.reason) for w in report.warnings] == [
        ("Web of Science (savedrecs.txt)", 207,
         "WOS:000530000000042: has no title; titled 'JOURNAL OF IMAGING' from its venue")]
    notice = empty_library.get(9)
    assert (notice.venue, notice.year, notice.extra["wos_ut"]) == (
        "JOURNAL OF IMAGING", 2020, "WOS:000530000000042")
    paper = empty_library.get(report.added[0][0])
    assert paper.title == "Deep learning" and paper.extra["wos_ut"] == "WOS:000355286600030"
    assert paper.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")
