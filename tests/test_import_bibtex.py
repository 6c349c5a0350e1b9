"""Reading BibTeX/BibLaTeX: real-world exports (JabRef, Zotero Better BibTeX, Google
Scholar), macros and crossref, LaTeX to Unicode, names, identifiers, attached files,
and broken entries among good ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.domain import ImportFailed, PaperRecord
from readinglist.importers import bibtex, encoding, latex_text
from readinglist.importers.base import ParseResult

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "bibtex"


def parse_fixture(name: str) -> ParseResult:
    path = FIXTURES / name
    text, warnings = encoding.decode(path.read_bytes(), path.name)
    assert warnings == [], "fixture should be UTF-8"
    return bibtex.parse(text, path.name, base_dir=FIXTURES)


def by_key(result: ParseResult) -> dict[str, PaperRecord]:
    return {r.key: r for r in result.records}


def parse(text: str, **kwargs) -> ParseResult:
    return bibtex.parse(text, "refs.bib", **kwargs)


def one(text: str) -> PaperRecord:
    result = parse(text)
    assert len(result.records) == 1, (result.problems, result.warnings)
    return result.records[0]


# --- module contract ----------------------------------------------------------------


def test_module_contract():
    assert bibtex.FORMAT == "bibtex"
    assert bibtex.EXTENSIONS == (".bib", ".bibtex", ".biblatex")


@pytest.mark.parametrize(
    "name", ["jabref.bib", "zotero_bbt.bib", "scholar.bib", "strings_crossref.bib"]
)
def test_looks_like_bibtex_files(name):
    assert bibtex.looks_like((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nTI  - Attention Is All You Need\nER  - \n",
        '[{"id": "vaswani2017", "type": "article-journal", "title": "@article{x, y}"}]',
        "title,authors,year\nAttention Is All You Need,Vaswani,2017\n",
        "Attention Is All You Need\n\nThe dominant sequence transduction models ...\n",
        "@string{acl = {Association for Computational Linguistics}}\n",
        "Write to me @ home {or, at work}\n",
        "",
    ],
)
def test_looks_like_rejects_other_formats(text):
    assert not bibtex.looks_like(text)


# --- real-world exports -------------------------------------------------------------


def test_jabref_file():
    result = parse_fixture("jabref.bib")
    papers = by_key(result)
    assert list(papers) == ["Vaswani2017", "He2016", "Touvron2023"]  # @comment blocks ignored
    assert result.problems == []

    vaswani = papers["Vaswani2017"]
    assert vaswani.title == "Attention Is All You Need"
    assert vaswani.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert "Łukasz Kaiser" in vaswani.authors and "Aidan N. Gomez" in vaswani.authors
    assert len(vaswani.authors) == 8
    assert vaswani.year == 2017
    assert vaswani.venue == "Advances in Neural Information Processing Systems"
    assert vaswani.entry_type == "article"  # "@Article" lower-cased
    assert vaswani.citation_key == "Vaswani2017"
    assert vaswani.line == 3
    assert vaswani.status == "read"
    assert vaswani.tags == ["attention", "transformers", "sequence modelling"]
    # The abstract's line breaks are the file's layout, not paragraphs.
    assert vaswani.abstract.startswith("The dominant sequence transduction models are based on")
    assert "\n" not in vaswani.abstract and "  " not in vaswani.abstract
    assert vaswani.url.startswith("https://proceedings.neurips.cc/paper/2017/")
    # JabRef's own fields are kept, nothing dropped.
    assert vaswani.extra["pages"] == "5998--6008"
    assert vaswani.extra["volume"] == "30"
    assert vaswani.extra["comment"] == "Re-read section 3.2 before the reading group."
    assert vaswani.extra["groups"] == "Transformers"
    assert vaswani.rating == 5 and "ranking" not in vaswani.extra  # JabRef's rank5
    assert vaswani.extra["owner"] == "mara"
    # Its PDF is not next to the fixture: a warning naming entry and path.
    assert vaswani.files == []
    [missing] = [w for w in result.warnings if "Vaswani2017" in w.reason]
    assert missing.line == 3
    assert "file not found" in missing.reason
    assert "Vaswani2017 - Attention Is All You Need.pdf" in missing.reason

    he = papers["He2016"]
    assert he.venue == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert he.doi == "10.1109/cvpr.2016.90"
    assert he.status == "skimmed"
    assert he.tags == ["resnet", "computer vision"]  # semicolon separated
    assert he.extra["month"] == "June"  # the jun macro
    assert he.extra["publisher"] == "IEEE"

    llama = papers["Touvron2023"]
    assert llama.title == "LLaMA: Open and Efficient Foundation Language Models"
    assert llama.arxiv_id == "2302.13971"
    assert llama.status == "reading"  # readinglist-status, lower-cased
    assert "Timothée Lacroix" in llama.authors and "Baptiste Rozière" in llama.authors
    assert llama.extra == {"primaryclass": "cs.CL"}  # eprint and its prefix became arxiv_id


def test_zotero_better_bibtex_export():
    result = parse_fixture("zotero_bbt.bib")
    papers = by_key(result)
    assert result.problems == []

    bert = papers["devlinBERTPretrainingDeep2019"]
    assert bert.title == (
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    )
    assert bert.year == 2019  # from the BibLaTeX date
    assert bert.arxiv_id == "1810.04805"  # eprinttype = arxiv
    assert bert.doi == "10.48550/arxiv.1810.04805"
    assert bert.note == "Comment: 13 pages"  # annotation
    assert bert.tags == ["Computer Science - Computation and Language"]
    assert bert.extra["shorttitle"] == "BERT"
    assert bert.extra["date"] == "2019-05-24"
    assert bert.extra["urldate"] == "2024-01-15"
    assert bert.extra["pubstate"] == "preprint"
    # Zotero's storage is not on this machine: both files reported, none attached.
    assert bert.files == []
    assert len([w for w in result.warnings if "devlinBERTPretrainingDeep2019" in w.reason]) == 2

    semantic = papers["schutzeSemanticEmbeddings2021"]
    assert semantic.title == "Semantic Embeddings for München and Zürich: A Case Study"
    assert semantic.authors == ["Hinrich Schütze", "María José García", "Søren Østergaard"]
    assert semantic.year == 2021
    assert semantic.venue.startswith("Proceedings of the 16th Conference of the European")
    assert semantic.extra["location"] == "Online"
    assert semantic.extra["publisher"] == "Association for Computational Linguistics"
    assert semantic.tags == ["embeddings", "german", "read-later"]

    book = papers["goodfellowDeepLearning2016"]
    assert book.venue == ""  # a book has none; publisher stays a publisher
    assert book.extra["publisher"] == "The MIT Press"
    assert book.extra["isbn"] == "978-0-262-03561-3"
    assert book.extra["series"] == "Adaptive Computation and Machine Learning"


def test_google_scholar_snippets():
    result = parse_fixture("scholar.bib")
    papers = by_key(result)
    assert len(papers) == 4 and result.problems == [] and result.warnings == []

    ouyang = papers["ouyang2022training"]
    assert ouyang.arxiv_id == "2203.02155"  # from "arXiv preprint arXiv:2203.02155"
    assert ouyang.venue == "arXiv preprint arXiv:2203.02155"
    assert len(ouyang.authors) == 10 and "others" not in ouyang.authors
    assert ouyang.authors[-1] == "Alex Ray"

    assert papers["kingma2014adam"].arxiv_id == "1412.6980"  # from howpublished
    assert papers["he2016deep"].extra["pages"] == "770--778"
    assert papers["vaswani2017attention"].authors[5] == "Aidan N Gomez"


# --- macros, concatenation, crossref --------------------------------------------------


def test_strings_concatenation_and_crossref():
    result = parse_fixture("strings_crossref.bib")
    papers = by_key(result)
    emnlp = "Proceedings of the Conference on Empirical Methods in Natural Language Processing"

    # The parent is a real entry with a title: imported too.
    parent = papers["emnlp2020"]
    assert parent.title == f"{emnlp} (EMNLP)"
    assert parent.entry_type == "proceedings"
    assert parent.extra["publisher"] == "Association for Computational Linguistics"
    assert parent.extra["month"] == "November"

    child = papers["karpukhin2020dense"]
    assert child.venue == f"{emnlp} (EMNLP)"
    assert child.year == 2020
    assert child.extra["editor"] == "Webber, Bonnie and Cohn, Trevor and He, Yulan and Liu, Yang"
    assert child.extra["publisher"] == "Association for Computational Linguistics"
    assert child.extra["address"] == "Online"
    assert child.extra["pages"] == "6769--6781"
    assert child.authors[1] == "Barlas Oğuz"
    # The volume's own identity is not the paper's: no shared DOI to merge them on.
    assert child.doi == ""
    assert "crossref" not in child.extra

    # Quoted values, crossref keys in another case, a macro joined to a literal.
    wolf = papers["wolf2020transformers"]
    assert wolf.title == "Transformers: State-of-the-Art Natural Language Processing"
    assert wolf.venue == f"{emnlp} (EMNLP)"
    assert wolf.extra["month"] == "November 16–20"
    assert wolf.extra["pages"] == "38--45"

    # A crossref to an entry that is not there: imported, with a warning.
    lost = papers["lost2021"]
    assert lost.year == 2021 and lost.venue == ""
    [warning] = [w for w in result.warnings if "lost2021" in w.reason]
    assert warning.line == 38 and "acl2021" in warning.reason

    # BibLaTeX xdata: fields shared, the @xdata container never imported itself.
    knuth = papers["knuth1984"]
    assert knuth.extra["publisher"] == "Springer"
    assert knuth.extra["series"] == "Lecture Notes in Computer Science"
    assert "springer-lncs" not in papers
    # An undefined macro: its name is kept as text, and said so.
    assert knuth.note == "Reprinted in jcomp"
    assert any("jcomp" in w.reason and w.line == 51 for w in result.warnings)

    assert result.problems == []  # @preamble, @comment and loose text are no problems
    assert len(papers) == 5


def test_month_macros_and_overriding_them():
    record = one(
        '@string{may = "Mai"}\n'
        "@misc{a, title = {T}, month = may, note = apr # { and } # dec}\n"
    )
    assert record.extra["month"] == "Mai"  # a file's @string wins over the built-in
    assert record.note == "April and December"


def test_string_names_are_case_insensitive_and_may_be_redefined():
    record = one(
        '@string{conf = "Old Name"}\n@STRING{Conf = "New Name"}\n'
        "@inproceedings{a, title = {T}, booktitle = CONF # { 2024}}\n"
    )
    assert record.venue == "New Name 2024"


def test_crossref_chain_and_cycle_do_not_hang():
    result = parse(
        "@inproceedings{a, title = {A}, crossref = {b}}\n"
        "@proceedings{b, title = {B}, crossref = {a}, year = 2001}\n"
    )
    papers = by_key(result)
    assert papers["a"].year == 2001
    assert papers["a"].venue == "B"
    assert any("refers back" in w.reason for w in result.warnings)


def test_crossref_parent_without_title_is_imported_titled_from_what_it_has():
    result = parse(
        "@inproceedings{a, title = {A}, crossref = {vol}}\n"
        "@proceedings{vol, booktitle = {Volume}, year = 1999}\n"
    )
    assert [r.key for r in result.records] == ["a", "vol"]
    assert result.records[0].venue == "Volume" and result.records[0].year == 1999
    assert result.records[1].title == "Volume"
    assert result.problems == []
    [warning] = result.warnings
    assert warning.line == 2 and "has no title; titled 'Volume' from its booktitle" in (
        warning.reason)


# --- LaTeX, names ---------------------------------------------------------------------


def test_accents_math_dashes_and_names():
    result = parse_fixture("accents.bib")
    papers = by_key(result)

    assert papers["erdos1959"].authors == ["Paul Erdős", "Alfréd Rényi"]
    assert papers["erdos1959"].title == "On Random Graphs I"

    mueller = papers["mueller2019"]
    assert mueller.authors == ["Jörg Müller", "Jean-Luc François", "Bjørn Straßer",
                               "Karl Johan Åström"]
    assert mueller.title == "Über die Größe von α-Stabilen Verteilungen — eine Übersicht"
    assert mueller.venue == "Zeitschrift für Wahrscheinlichkeitstheorie & Verwandte Gebiete"
    assert mueller.note == "In German. Costs about 5% of the usual runtime."

    names = papers["beethoven1824"]
    assert names.authors == [
        "Ludwig van Beethoven",
        "Martin Luther King Jr.",
        "Google DeepMind",
        "The LIGO Scientific Collaboration",
        "Jean de la Fontaine",
    ]
    assert names.extra["publisher"] == "Editions Étienne"
    # A year range is no year: imported without one, said so, kept for export.
    # A range: the first year to sort and compare by, the range kept as written.
    assert names.year == 1824
    assert names.extra["year"] == "1824--1827"
    assert not any("beethoven1824" in w.reason and "year" in w.reason for w in result.warnings)

    smith = papers["smith2022"]
    assert smith.title == "“Quoted” Titles, Ties and Dashes – a Study"
    assert smith.authors == ["John A. Smith", "Cathy O'Neil"]
    assert smith.extra["howpublished"] == "https://example.org/smith_2022"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\"o}", "ö"),
        (r"\"{o}", "ö"),
        (r"\'e", "é"),
        (r"\c{c}", "ç"),
        (r"\ss", "ß"),
        (r"\&", "&"),
        (r"\%", "%"),
        ("a~b", "a b"),
        ("a---b", "a—b"),
        ("a--b", "a–b"),
        (r"$\alpha$", "α"),
        ("{BERT}: Pre-training", "BERT: Pre-training"),
        (r"\emph{Deep} Learning", "Deep Learning"),
        (r"\mbox{GPT}-4", "GPT-4"),
        (r"\textsc{Bert} and \href{https://x.org}{link}", "Bert and link"),
        (r"\emph{Fast} $O(n \log n)$ sorting at 5% cost", "Fast O(n log n) sorting at 5% cost"),
        (r"Typesetting with \LaTeX{} and Stra\ss e", "Typesetting with LaTeX and Straße"),
    ],
)
def test_latex_to_unicode(latex, text):
    assert one(f"@misc{{k, title = {{{latex}}}}}").title == text


@pytest.mark.parametrize(
    "latex",
    [
        r"M{\"u}ller", r"M\"{u}ller", r"M\"uller", r"Fran{\c c}ois", r"Fran\c{c}ois",
        r"Stra\ss e", r"\ss{}e", r"{\o}ystein", r"\O rsted", r"\AA{}ngstr\"om", r"{\v C}ech",
        r"\v{C}ech", r"Mart{\'\i}nez", r"\'{\i}", r"{\L}ukasz", r"Erd\H{o}s", r"Ko{\c{c}}",
        r"P{\'e}rez \& Co", r"50\% off", r"a\_b", r"\"A\"O\"U", r"Jos\'e--Maria~Ruiz",
    ],
)
def test_accent_shortcut_agrees_with_pylatexenc(latex):
    # Accent-only values skip pylatexenc for speed; they must read exactly the same.
    assert latex_text.latex_to_text(latex) == latex_text.decode_latex(latex)
    assert "\\" not in latex_text.latex_to_text(latex)


def test_malformed_latex_degrades_instead_of_failing():
    record = one(r"@misc{k, title = {A \href{only-one-argument} title \unknownmacro{x}}}")
    assert record.title.startswith("A ")
    assert "\\" not in record.title


# --- identifiers ------------------------------------------------------------------------


def test_identifiers():
    result = parse_fixture("identifiers.bib")
    papers = by_key(result)

    # eprints on other servers are not arXiv ids: kept in extra.
    pubmed = papers["pubmedpaper"]
    assert pubmed.arxiv_id == ""
    assert pubmed.extra["eprint"] == "32526193"
    assert pubmed.extra["eprinttype"] == "pubmed"
    hal = papers["halpaper"]
    assert hal.arxiv_id == ""
    assert hal.extra["eprint"] == "hal-01234567"
    assert hal.extra["archiveprefix"] == "HAL"
    assert hal.title == "Un article déposé sur HAL"

    assert papers["doiurl"].doi == "10.1038/s41586-021-03819-2"  # DOI written as a URL
    only_url = papers["doionlyurl"]
    assert only_url.doi == "10.1145/3442188.3445922"
    assert only_url.url == "https://dx.doi.org/10.1145/3442188.3445922"  # kept as well
    assert papers["arxivurl"].arxiv_id == "2307.09288"
    assert papers["bareeprint"].arxiv_id == "2401.00001"
    escaped = papers["underscore"]
    assert escaped.doi == "10.5555/abc_123"
    assert escaped.url == "https://example.org/files/paper_v2.pdf"


def test_arxiv_prefix_is_case_insensitive():
    record = one("@misc{k, title = {T}, eprint = {2106.09685}, archivePrefix = {ARXIV}}")
    assert record.arxiv_id == "2106.09685"


def test_old_style_arxiv_id():
    record = one("@misc{k, title = {T}, eprint = {hep-th/9711200v3}, eprinttype = {arXiv}}")
    assert record.arxiv_id == "hep-th/9711200"


def test_year_from_biblatex_date_and_bad_year():
    assert one("@online{k, title = {T}, date = {2021-05-03}}").year == 2021
    result = parse("@misc{k, title = {T}, year = {to appear}}")
    [record] = result.records
    assert record.year is None
    assert record.extra["year"] == "to appear"
    assert "not a number" in result.warnings[0].reason and "'k'" in result.warnings[0].reason


def test_notes_are_joined_and_status_lower_cased():
    record = one(
        "@misc{k, title = {T}, note = {Published note.}, annote = {My own remark.},"
        " readstatus = {Read}}"
    )
    assert record.note == "Published note.\n\nMy own remark."
    assert record.status == "read"


def test_paragraphs_in_abstract_are_kept():
    record = one("@misc{k, title = {T}, abstract = {First   paragraph\nwraps.\n\nSecond.}}")
    assert record.abstract == "First paragraph wraps.\n\nSecond."


def test_extra_keeps_every_other_field_by_lower_case_name():
    record = one(
        "@techreport{TR1, Title = {T}, Institution = {MIT}, Number = {TR-42},"
        " Address = {Cambridge, {MA}}, Edition = {Second}, ISBN = {978-3-16-148410-0},"
        " Language = {english}, X-Custom = {Kept {As} Text}}"
    )
    assert record.entry_type == "techreport"
    assert record.venue == "MIT"  # a report's institution is where it appeared
    assert record.extra == {
        "number": "TR-42",
        "address": "Cambridge, MA",
        "edition": "Second",
        "isbn": "978-3-16-148410-0",
        "language": "english",
        "x-custom": "Kept As Text",
    }


# --- files ------------------------------------------------------------------------------


def test_file_field_existing_and_missing(tmp_path):
    (tmp_path / "papers").mkdir()
    pdf = tmp_path / "papers" / "attention.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    absolute = tmp_path / "elsewhere.pdf"
    absolute.write_bytes(b"%PDF-1.4\n")
    text = (
        "@article{jab, title = {JabRef style},\n"
        "  file = {Full text:papers/attention.pdf:PDF;Supplement:papers/missing.pdf:PDF}}\n"
        "@article{zot, title = {Zotero style},\n"
        f"  file = {{{absolute}}}}}\n"
        "@article{gone, title = {Nothing there}, file = {:gone.pdf:PDF}}\n"
    )
    result = parse(text, base_dir=tmp_path)
    papers = by_key(result)
    assert papers["jab"].files == [str(pdf.resolve())]
    assert papers["zot"].files == [str(absolute.resolve())]
    assert papers["gone"].files == []  # still imported
    reasons = {w.reason for w in result.warnings}
    assert f"entry 'jab': file not found: {tmp_path / 'papers' / 'missing.pdf'}; "\
        "imported without it" in reasons
    assert any("'gone'" in r and "gone.pdf" in r for r in reasons)
    assert all(Path(f).is_absolute() for r in result.records for f in r.files)


def test_file_field_with_escaped_colons_and_mendeley_paths(tmp_path):
    odd = tmp_path / "notes: draft.pdf"
    odd.write_bytes(b"%PDF-1.4\n")
    escaped = str(odd).replace(":", "\\:")  # JabRef escapes colons inside paths
    jabref = one(f"@misc{{k, title = {{T}}, file = {{Draft:{escaped}:PDF}}}}")
    assert jabref.files == [str(odd.resolve())]
    # Mendeley Desktop writes absolute paths without their leading slash.
    mendeley = one(f"@misc{{k, title = {{T}}, file = {{:{escaped[1:]}:pdf}}}}")
    assert mendeley.files == [str(odd.resolve())]


def test_file_field_relative_to_jabref_file_directory(tmp_path):
    (tmp_path / "pdfs").mkdir()
    pdf = tmp_path / "pdfs" / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    result = parse(
        "@misc{k, title = {T}, file = {:x.pdf:PDF}}\n"
        "@Comment{jabref-meta: fileDirectory:pdfs;}\n",
        base_dir=tmp_path,
    )
    assert result.records[0].files == [str(pdf.resolve())]


def test_relative_file_defaults_to_current_folder(tmp_path, monkeypatch):
    (tmp_path / "here.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.chdir(tmp_path)
    record = one("@misc{k, title = {T}, file = {here.pdf}}")
    assert record.files == [str((tmp_path / "here.pdf").resolve())]


# --- Latin-1 ------------------------------------------------------------------------------


def test_latin1_file_through_encoding_decode():
    path = FIXTURES / "latin1.bib"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    text, warnings = encoding.decode(data, path.name)
    assert len(warnings) == 1
    assert warnings[0].reason.startswith("read as Windows-1252 (Latin-1)")
    result = bibtex.parse(text, path.name)
    papers = by_key(result)
    assert papers["goedel1931"].authors == ["Kurt Gödel"]
    assert papers["goedel1931"].title.startswith("Über formal unentscheidbare Sätze")
    assert papers["goedel1931"].venue == "Monatshefte für Mathematik und Physik"
    assert papers["goedel1931"].line == 3  # CRLF line ends count once
    assert papers["cohen2010"].authors[1] == "David Guéry-Odelin"
    assert papers["cohen2010"].title == "Advances in Atomic Physics – An Overview"
    assert papers["cohen2010"].note == "The “blue book”."
    assert papers["cohen2010"].line == 12


# --- broken input -------------------------------------------------------------------------


def test_malformed_entries_among_good_ones():
    result = parse_fixture("malformed.bib")
    # The second 'good1' is another work: kept under a key of its own, with a warning.
    assert [r.key for r in result.records] == ["good1", "good2", "notitle", "good1-2",
                                                "twotitles", "good3"]
    assert result.records[0].title == "A Good Paper Before the Trouble"  # the first good1
    assert result.records[1].title == "Recovered After the Broken Entry"

    problems = [(p.line, p.reason) for p in result.problems]
    assert all(p.source == "malformed.bib" for p in result.problems)
    assert [line for line, _ in problems] == [7, 30, 44]
    unclosed, nocomma, eof = (reason for _, reason in problems)
    assert "'unclosed'" in unclosed and "not closed" in unclosed
    # Legal BibTeX without a title: imported under its key, with a warning.
    assert result.records[2].title == "notitle" and result.records[2].year == 2019
    assert any(w.line == 20 and "no title; titled 'notitle' from its citation key"
               in w.reason for w in result.warnings)
    assert result.records[3].line == 25
    assert any(w.line == 25 and "duplicate key (first used on line 1) for another title; "
               "imported as 'good1-2'" in w.reason for w in result.warnings)
    assert "'nocomma'" in nocomma and "comma" in nocomma
    assert "'eof'" in eof and "end of the file" in eof

    twotitles = result.records[4]
    assert twotitles.title == "First Title Wins"
    assert twotitles.line == 32
    warnings = [w.reason for w in result.warnings if w.line == 32]
    assert any("repeated (title)" in w for w in warnings)
    assert any("'hmm' is not a number" in w for w in warnings)


@pytest.mark.parametrize(
    "text",
    [
        "@article{",
        "@article{k,",
        "@article{k, title = {unbalanced}}}}",
        '@article{k, title = "unterminated}',
        "@article{k, title = {A} # }",
        "@article{k, author = {Smith, John, Jr., Extra}, title = {Too many commas}}",
        "@article{k, author = {{Unbalanced brace}, title = {T}}",
        "@@@@{}{}{}",
        "@string{x = }",
        "\x00\x01 binary-ish junk @ {",
        "@misc{k, title = {T}, title = {U}, file = {::::;;;}}",
    ],
)
def test_broken_input_never_crashes(text):
    result = parse(text)
    assert isinstance(result, ParseResult)
    for problem in [*result.problems, *result.warnings]:
        assert problem.source == "refs.bib"
        assert problem.line is None or problem.line >= 1


def test_entry_with_a_key_alone_is_imported_under_its_key():
    result = parse("@misc{onlykey}\n@misc{good, title = {Good}}\n")
    assert [(r.key, r.title) for r in result.records] == [("onlykey", "onlykey"),
                                                           ("good", "Good")]
    assert result.problems == []
    assert result.warnings[0].line == 1 and "'onlykey'" in result.warnings[0].reason


def test_parenthesised_entries():
    record = one("@article(paren, title = {Round Brackets}, year = 1999)")
    assert record.title == "Round Brackets" and record.year == 1999


def test_import_failed_is_the_only_exception_for_a_whole_file(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("internal parser state")

    monkeypatch.setattr(bibtex.bibtexparser, "parse_string", explode)
    with pytest.raises(ImportFailed, match=r"refs\.bib"):
        parse("@misc{k, title = {T}}")


def test_entries_without_keys_are_imported_and_not_duplicates():
    result = parse("@misc{,title={First}}\n@misc{,title={Second}}\n")
    assert [r.title for r in result.records] == ["First", "Second"]
    assert result.problems == []


def test_long_crossref_chain_is_bounded():
    chain = "".join(
        f"@inproceedings{{k{i}, title = {{T{i}}}, crossref = {{k{i + 1}}}}}\n" for i in range(3000)
    )
    result = parse(chain + "@proceedings{k3000, title = {Root}, year = 1990}\n")
    assert len(result.records) == 3001
    assert result.records[-2].year == 1990  # short chains still inherit
    assert any("too long" in w.reason for w in result.warnings)


def test_our_status_field_wins_over_jabrefs_which_is_kept():
    record = one("@misc{k, title = {T}, readstatus = {skimmed}, readinglist-status = {queued}}")
    assert record.status == "queued"
    assert record.extra == {"readstatus": "skimmed"}
