"""Reading RIS files as Zotero, Mendeley and EndNote write them, and as people break them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readinglist.importers import parse_path, ris
from readinglist.importers.base import ParseResult
from readinglist.importers.encoding import decode
from readinglist.library.service import Library

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

    first, untitled, last = result.records
    assert first.line == 4
    assert first.title == "A title that is long enough to wrap onto a second line"
    assert first.authors == ["Thị Minh Nguyễn", "{Google DeepMind}"]
    assert first.abstract == "First half of the abstract continues here."
    assert first.year is None
    assert first.venue == "Journal of Élan"
    # No TI line: the record is still returned, untitled (the import names it).
    assert (untitled.line, untitled.title, untitled.entry_type) == (17, "", "article")
    assert (untitled.authors, untitled.year) == (["Anne Nobody"], 2020)
    assert (untitled.key, untitled.citation_key) == ("untitled2020", "untitled2020")
    # The last record has no ER: imported anyway, with a warning.
    assert last.title == "Cut-off record at the end"
    assert last.arxiv_id == "2302.00001"
    assert last.line == 27

    problems = [(p.source, p.line) for p in result.problems]
    assert problems == [("junk_bom.ris", 23)]
    assert "without a TY line" in result.problems[0].reason

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


# -- real-world exports: every record arrives ----------------------------------------------

EXPORTS = Path(__file__).parent / "fixtures" / "ris"
# A TY line as any of the fixtures writes it: after a byte-order mark (also one misread as
# "ï»¿"), a no-break space or an indentation, with one or two spaces or a tab before "-".
_ANY_TY = re.compile(r"^(?:\ufeff|ï»¿|\s)*TY[ \t]{1,4}-")


def read_export(name: str) -> ParseResult:
    """Through parse_path, as the CLI and the GUI read it (decoding, sniffing)."""
    return parse_path(EXPORTS / name)


def test_endnote_export_with_bom_crlf_and_a_blank_first_line():
    raw = (EXPORTS / "endnote_x9_bom_crlf.ris").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\r\n") and b"ER  -   \r\n" in raw
    result = read_export("endnote_x9_bom_crlf.ris")
    assert [r.title for r in result.records] == [
        "Long Short-Term Memory",
        "Deep learning",
        "Attention is All you Need",
        "Deep Learning",
        "Learning internal representations by error propagation",
        "Training Recurrent Neural Networks",
        "Learning Multiple Layers of Features from Tiny Images",
        "Adam: A Method for Stochastic Optimization",
        "The Unreasonable Effectiveness of Recurrent Neural Networks",
        "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
        "Batch Normalization: Accelerating Deep Network Training by Reducing Internal "
        "Covariate Shift",
        "Distributed Representations of Words and Phrases and their Compositionality",
    ]
    assert result.problems == []
    assert [(w.line, "internal-pdf://" in w.reason) for w in result.warnings] == [(2, True)]
    assert [r.line for r in result.records][:3] == [2, 23, 42]


def test_endnote_dialect_fields():
    papers = by_title(read_export("endnote_x9_bom_crlf.ris"))
    lstm = papers["Long Short-Term Memory"]
    assert lstm.authors == ["Sepp Hochreiter", "Jürgen Schmidhuber"]
    assert (lstm.year, lstm.venue) == (1997, "Neural Computation")
    assert lstm.tags == ["recurrent neural networks", "memory"]
    # JO repeating JF is not kept twice; an unknown tag (RN, research notes) is kept.
    assert "ris_jo" not in lstm.extra and "shortjournal" not in lstm.extra
    assert lstm.extra["ris_rn"] == "Read twice; cited in chapter 2"
    nature = papers["Deep learning"]
    assert nature.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]  # A1
    assert nature.doi == "10.1038/nature14539"  # from M3
    assert (nature.year, nature.extra["month"]) == (2015, "5")  # Y1 2015/05/28/
    assert (nature.key, nature.citation_key) == ("2", "")
    assert nature.extra["ris_lb"] == "LeCun2015"
    assert "ris_ja" not in nature.extra
    dropout = papers["Dropout: A Simple Way to Prevent Neural Networks from Overfitting"]
    assert dropout.abstract == (
        "Deep neural nets with a large number of parameters are very powerful machine "
        "learning systems. However, overfitting is a serious problem in such networks."
    )
    assert dropout.extra["pages"] == "1929--1958"
    batchnorm = next(p for t, p in papers.items() if t.startswith("Batch Normalization"))
    assert batchnorm.tags == ["normalization", "training", "deep networks"]
    assert batchnorm.extra["ris_c6"] == "NIHMS123456"
    assert papers["Adam: A Method for Stochastic Optimization"].arxiv_id == "1412.6980"
    chapter = papers["Learning internal representations by error propagation"]
    assert chapter.entry_type == "incollection"
    assert chapter.venue.startswith("Parallel Distributed Processing")
    assert chapter.extra["editor"] == "David E. Rumelhart and James L. McClelland"
    thesis = papers["Training Recurrent Neural Networks"]
    assert (thesis.entry_type, thesis.extra["school"]) == ("phdthesis", "University of Toronto")
    blog = papers["The Unreasonable Effectiveness of Recurrent Neural Networks"]
    assert (blog.entry_type, blog.extra["urldate"]) == ("online", "2024-02-01")


def test_pubmed_export():
    result = read_export("pubmed.ris")
    assert [r.title for r in result.records] == [
        "Highly accurate protein structure prediction with AlphaFold",
        "Dermatologist-level classification of skin cancer with deep neural networks",
        "High-performance medicine: the convergence of human and artificial intelligence",
    ]
    assert result.problems == [] and result.warnings == []
    alphafold, skin, topol = result.records
    assert alphafold.doi == "10.1038/s41586-021-03819-2"
    assert "type" not in alphafold.extra  # M3 "doi: ..." repeats DO, it is no type of work
    assert alphafold.extra["ris_an"] == "34265844"  # the PubMed id, kept
    assert (alphafold.year, alphafold.extra["month"]) == (2021, "8")
    assert alphafold.tags == ["*Algorithms", "*Deep Learning", "Models, Molecular"]
    assert skin.authors[2] == "Roberto A Novoa"
    assert (topol.venue, topol.extra["shortjournal"]) == ("Nature medicine", "Nat Med")
    assert "DB" not in str(alphafold.extra) and "PubMed" not in alphafold.extra.values()


def test_scopus_export_with_bom():
    assert (EXPORTS / "scopus.ris").read_bytes().startswith(b"\xef\xbb\xbf")
    result = read_export("scopus.ris")
    assert [r.title for r in result.records] == [
        "BERT: Pre-training of deep bidirectional transformers for language understanding",
        "Mastering the game of Go without human knowledge",
        "Robust speech recognition via large-scale weak supervision",
    ]
    bert, go, whisper = result.records
    assert bert.authors == ["J. Devlin", "M.-W. Chang", "K. Lee", "K. Toutanova"]
    assert (bert.entry_type, bert.extra["type"]) == ("inproceedings", "Conference Paper")
    assert bert.venue.startswith("NAACL HLT 2019")
    assert bert.note.startswith("Cited By :45678; Conference name:")
    assert go.doi == "10.1038/nature24270" and go.extra["ris_c2"] == "29052630"
    assert whisper.extra["pages"] == "28492--28518"
    assert all(r.url.startswith("https://www.scopus.com/inward/record.uri") for r in result.records)


def test_joined_and_damaged_file_loses_no_record():
    raw = (EXPORTS / "messy_joined.ris").read_bytes()
    # Three byte-order marks: the file's own, a second file's, one read as Windows-1252.
    assert raw.count(b"\xef\xbb\xbf") == 2 and "ï»¿".encode() in raw and b"\r\n" in raw
    result = read_export("messy_joined.ris")
    assert [(r.line, r.title) for r in result.records] == [
        (5, "ImageNet Classification with Deep Convolutional Neural Networks"),
        (21, "Human-level control through deep reinforcement learning"),
        (39, "Generative Adversarial Nets"),
        (50, "U-Net: Convolutional Networks for Biomedical Image Segmentation"),
        (62, "Language Models are Few-Shot Learners"),
        (70, "Neural Machine Translation by Jointly Learning to Align and Translate"),
        (77, "Sequence to Sequence Learning with Neural Networks"),
        (87, ""),
        (97, "Proximal Policy Optimization Algorithms"),
    ]
    untitled = result.records[7]  # no TI line: returned untitled, for the import to name
    assert (untitled.authors, untitled.year) == (["Anne Nobody"], 2021)
    assert (untitled.key, untitled.citation_key) == ("notitle2021", "notitle2021")
    assert [(p.source, p.line) for p in result.problems] == [("messy_joined.ris", 93)]
    assert "without a TY line" in result.problems[0].reason
    assert [w.line for w in result.warnings] == [1, 48, 70]
    assert "no ER line" in result.warnings[2].reason
    papers = by_title(result)
    unet = papers["U-Net: Convolutional Networks for Biomedical Image Segmentation"]
    assert unet.authors == ["Olaf Ronneberger", "Philipp Fischer", "Thomas Brox"]
    assert unet.extra["pages"] == "234--241"  # the indented record's tags all counted
    gpt3 = papers["Language Models are Few-Shot Learners"]
    assert gpt3.authors == ["Tom B. Brown", "OpenAI"]
    assert gpt3.arxiv_id == "2005.14165"
    ppo = papers["Proximal Policy Optimization Algorithms"]
    assert {k: ppo.extra[k] for k in ("ris_xy", "ris_c7", "ris_z1")} == {
        "ris_xy": "vendor-specific value", "ris_c7": "1707.06347",
        "ris_z1": "custom tag from a lab database"}
    alexnet = papers["ImageNet Classification with Deep Convolutional Neural Networks"]
    assert alexnet.abstract.endswith("into the 1000 different classes.")


@pytest.mark.parametrize("folder", [EXPORTS, FIXTURES], ids=["exports", "import"])
def test_every_ty_line_becomes_a_record_or_a_problem_on_its_line(folder: Path):
    for path in sorted(folder.glob("*.ris")):
        text, _ = decode(path.read_bytes(), path.name)
        starts = [n for n, ln in enumerate(text.replace("\r\n", "\n").split("\n"), start=1)
                  if _ANY_TY.match(ln)]
        result = ris.parse(text, path.name)
        found = [r.line for r in result.records] + [
            p.line for p in result.problems if "without a TY line" not in p.reason]
        assert sorted(found) == starts, path.name
        assert all(p.source == path.name and p.line for p in result.problems)


# -- byte-order marks, wherever they are ----------------------------------------------------

TWO = "TY  - JOUR\nTI  - First\nER  - \n\nTY  - JOUR\nTI  - Second\nER  - \n"


@pytest.mark.parametrize("encoding", [None, "utf-8", "latin-1", "windows-1252"])
@pytest.mark.parametrize("suffix", [".ris", ".txt"])
@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_a_leading_bom_keeps_the_first_record(tmp_path: Path, encoding, suffix, eol):
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + TWO.replace("\n", eol).encode())
    result = parse_path(path, encoding=encoding)
    assert [r.title for r in result.records] == ["First", "Second"]
    assert result.problems == []


@pytest.mark.parametrize("prefix", ["\ufeff", "ï»¿", "\u00a0", "\u200b", "   ", "\t"])
def test_invisible_or_indented_start_of_a_record(prefix: str):
    text = prefix + TWO + prefix + TWO.replace("First", "Third").replace("Second", "Fourth")
    result = ris.parse(text, "x.ris")
    assert [r.title for r in result.records] == ["First", "Second", "Third", "Fourth"]
    assert result.problems == []


def test_a_bom_mid_file_after_a_record_without_er_starts_a_new_record():
    text = "TY  - JOUR\nTI  - Cut short\n\ufeffTY  - JOUR\nTI  - Next file\nER  - \n"
    result = ris.parse(text, "x.ris")
    assert [r.title for r in result.records] == ["Cut short", "Next file"]
    assert [w.line for w in result.warnings] == [1]


def test_indented_lines_of_an_unindented_record_stay_continuations():
    text = "TY  - JOUR\nTI  - Title\nAB  - Tools that\n  AU  - sound like tags\nER  - \n"
    (paper,) = ris.parse(text, "x.ris").records
    assert paper.abstract == "Tools that AU  - sound like tags"
    assert paper.authors == []


def test_bare_er_and_er_with_trailing_spaces_end_records():
    text = ("TY  - JOUR\nTI  - One\nER\nTY  - JOUR\nTI  - Two\nER  -     \n"
            "TY  - JOUR\nTI  - Three\nER")
    result = ris.parse(text, "x.ris")
    assert [r.title for r in result.records] == ["One", "Two", "Three"]
    assert result.warnings == []


def test_each_record_that_lost_its_ty_line_is_reported():
    text = ("TY  - JOUR\nTI  - A\nER  - \nTI  - Lost one\nER  - \n"
            "TI  - Lost two\nER  - \nTY  - JOUR\nTI  - B\nER  - \n")
    result = ris.parse(text, "x.ris")
    assert [r.title for r in result.records] == ["A", "B"]
    assert [p.line for p in result.problems] == [4, 6]


# -- dialect details ---------------------------------------------------------------------


def test_corporate_authors_and_editors_with_endnotes_trailing_comma():
    text = ("TY  - CHAP\nTI  - Report\nAU  - Google DeepMind,\nAU  - OpenAI,\nAU  - Smith, J.\n"
            "A2  - World Health Organization,\nER  - \n")
    (paper,) = ris.parse(text, "x.ris").records
    assert paper.authors == ["{Google DeepMind}", "OpenAI", "J. Smith"]
    assert paper.extra["editor"] == "{World Health Organization}"


def test_html_note_keeps_its_paragraphs():
    note = "<p>First paragraph<br>  - a list item</p><p>Second &amp; last</p>"
    (paper,) = ris.parse(f"TY  - JOUR\nTI  - T\nN1  - {note}\nER  - \n", "x.ris").records
    assert paper.note == "First paragraph\n  - a list item\n\nSecond & last"
    # Elsewhere (CSV notes) HTML is still read line by line, as before.
    assert ris.plain_note(note) == "First paragraph\n- a list item\nSecond & last"


# -- records without a title ---------------------------------------------------------------

# rispy's tests/data/example_bom.ris, byte for byte: a BOM and one record holding a DOI alone.
RISPY_EXAMPLE_BOM = b"\xef\xbb\xbfTY  - JOUR\nDO  - 10.1186/s40981-020-0316-0\nER  - \n\n"


def test_a_record_with_a_doi_alone_is_imported_titled_by_its_doi(
        empty_library: Library, offline: None, tmp_path: Path):
    path = tmp_path / "example_bom.ris"
    path.write_bytes(RISPY_EXAMPLE_BOM)
    report = empty_library.import_files([path], fetch=False)
    assert (report.added, report.failed, report.unreadable) == (
        [(1, "10.1186/s40981-020-0316-0")], [], [])
    (paper,) = empty_library.get_many(empty_library.list_ids(sort="id"))
    assert (paper.title, paper.doi) == ("10.1186/s40981-020-0316-0", "10.1186/s40981-020-0316-0")
    assert (paper.entry_type, paper.authors, paper.source) == (
        "article", (), "RIS (example_bom.ris)")
    assert [(w.source, w.line, w.reason) for w in report.warnings] == [
        ("RIS (example_bom.ris)", 1,
         "has no title; titled '10.1186/s40981-020-0316-0' from its DOI")]


def test_a_record_with_a_doi_alone_is_completed_from_crossref_when_fetching(
        empty_library: Library, lookup_server: str, tmp_path: Path):
    # Crossref has no recorded answer for the first DOI (a 404), and one for the second.
    path = tmp_path / "dois.ris"
    path.write_bytes(RISPY_EXAMPLE_BOM + b"TY  - JOUR\nDO  - 10.1038/nature14539\nER  - \n")
    report = empty_library.import_files([path], fetch=True)
    assert (report.added, report.failed) == (
        [(1, "10.1186/s40981-020-0316-0"), (2, "Deep learning")], [])
    unknown, nature = empty_library.get_many(empty_library.list_ids(sort="id"))
    assert (unknown.title, unknown.authors) == ("10.1186/s40981-020-0316-0", ())
    assert (nature.title, nature.doi) == ("Deep learning", "10.1038/nature14539")
    assert nature.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")
    assert (nature.year, nature.venue, nature.source) == (2015, "Nature", "RIS (dois.ris)")
    assert nature.abstract.startswith("Deep learning allows computational models")
    # Only the record Crossref could not complete is named by its DOI, with a warning
    # saying why the lookup did not help.
    assert [(w.source, w.line, w.reason) for w in report.warnings] == [
        ("RIS (dois.ris)", 1, "has no title, and no DOI 10.1186/s40981-020-0316-0 in "
         "Crossref (DOIs registered elsewhere, such as DataCite, are not there)"),
        ("RIS (dois.ris)", 1, "has no title; titled '10.1186/s40981-020-0316-0' from its DOI")]
    assert unknown.citation_key == "untitled"  # not "10", from the DOI
