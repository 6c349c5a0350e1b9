"""Every entry arrives: imports never fold distinct papers together, never drop one
silently, and give back what they took (issue 9). Each test reproduces a loss seen on a
real bibliography, with a file written for the purpose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from readinglist.domain import Outcome, Status
from readinglist.library.service import Library

BIBTEX = Path(__file__).parent / "fixtures" / "import" / "bibtex"
_KEY = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^\s,]+)\s*,", re.MULTILINE)


def keys_in(path: Path) -> list[str]:
    """Citation keys of a .bib file's entries (not @string, @preamble, @comment)."""
    return [key for kind, key in _KEY.findall(path.read_text(encoding="utf-8"))
            if kind.lower() not in ("string", "preamble", "comment")]


def keys_of(library: Library) -> list[str]:
    return [p.citation_key for p in library.get_many(library.list_ids(sort="id"))]


def test_recurring_columns_over_forty_years_are_all_kept(empty_library: Library) -> None:
    path = BIBTEX / "journal_columns.bib"
    keys = keys_in(path)
    assert len(keys) == 226
    report = empty_library.import_files([path])
    assert (len(report.added), len(report.merged), len(report.duplicates)) == (226, 0, 0)
    assert report.possible == [] and report.failed == []
    assert keys_of(empty_library) == keys
    columns = [p for p in empty_library.get_many(empty_library.list_ids())
               if p.title == "Editorial comments"]
    assert len(columns) == 124  # 3 issues a year for 40 years, and 4 in a sister journal
    # Importing the file again adds nothing: every entry is already present.
    again = empty_library.import_files([path])
    assert (len(again.added), len(again.duplicates)) == (0, 226)
    assert empty_library.count() == 226


def test_minimal_full_and_crossref_entries_of_one_work_stay_three(empty_library) -> None:
    path = BIBTEX / "trio_crossref.bib"
    keys = keys_in(path)
    assert len(keys) == 18
    report = empty_library.import_files([path])
    assert len(report.added) == 18 and not report.merged and not report.failed
    assert keys_of(empty_library) == keys  # every citation key the user cites, kept
    possible = {(empty_library.get(new).citation_key, empty_library.get(old).citation_key)
                for new, old, _ in report.possible}
    assert ("paper-full", "paper-minimal") in possible
    assert ("paper-crossref", "paper-minimal") in possible
    assert "18 added (6 of them possible duplicates to review)" in report.summary()
    # Untitled entries are imported under a title made from what they have, with a word.
    by_key = {p.citation_key: p for p in empty_library.get_many(empty_library.list_ids())}
    assert by_key["misc-minimal"].title == "This is a minimal MISC entry"
    assert by_key["misc-howpublished"].title == "Handed out at O'Hare"
    assert by_key["misc-empty"].title == "misc-empty"
    assert by_key["untitled-chapter"].title == "The Art of Computer Programming"
    assert by_key["orphan-crossref"].title == "Proceedings of a Lost Workshop"
    assert by_key["review-of-missing"].title == "review-of-missing"
    assert by_key["review-of-missing"].entry_type == "review"
    untitled = [w for w in report.warnings if "has no title; titled" in w.reason]
    assert len(untitled) == 7 and all(w.line for w in untitled)
    again = empty_library.import_files([path])
    assert (len(again.added), len(again.duplicates), again.possible) == (0, 18, [])


def test_same_author_and_title_in_other_years_and_venues_are_two_papers(
        empty_library: Library) -> None:
    empty_library.import_files([BIBTEX / "trio_crossref.bib"])
    by_key = {p.citation_key: p for p in empty_library.get_many(empty_library.list_ids())}
    early, late = by_key["smith2001graphs"], by_key["smith2005graphs"]
    assert early.id != late.id and (early.year, late.year) == (2001, 2005)
    exported = empty_library.export("bibtex", [early.id, late.id])
    entry = exported[exported.index("@article{smith2001graphs"):]
    related = re.search(r"related\s*=\s*\{([^}]*)\}", entry)
    assert related is not None and related.group(1) == "smith2005graphs"


def test_custom_entry_types_are_entries_and_comments_are_not(empty_library) -> None:
    report = empty_library.import_files([BIBTEX / "custom_types.bib"])
    papers = empty_library.get_many(empty_library.list_ids(sort="id"))
    assert [(p.citation_key, p.entry_type) for p in papers] == [
        ("kept-1", "commented"), ("kept-2", "commented"), ("kept-3", "commentary"),
        ("kept-4", "commented"), ("rev-1", "review"), ("talk-1", "talk"),
        ("icon-1", "icon")]
    assert not report.failed
    assert all(p.title != "No" for p in papers)  # the entry inside @comment{...}
    exported = empty_library.export("bibtex")
    for kind, key in (("commented", "kept-1"), ("talk", "talk-1"), ("icon", "icon-1")):
        assert f"@{kind}{{{key}," in exported


def test_a_file_of_commented_entries_imports_every_one(empty_library: Library) -> None:
    report = empty_library.import_files([BIBTEX / "commented_only.bib"])
    assert [t for _, t in report.added] == [
        "First commented entry", "Second commented entry", "Third commented entry",
        "Fourth commented entry"]


@pytest.mark.parametrize(("name", "text", "read_as"), [
    ("strings.bib", '@string{tug = "TUGboat"}\n@comment{nothing here}\n', "bibtex"),
    ("commented.bib", "@comment{an old entry: @article{x, title={X}}}\n", "bibtex"),
    ("header_only.csv", "Title,Authors,Year\n", "csv"),
])
def test_a_file_without_entries_says_so(empty_library: Library, tmp_path: Path,
                                        name: str, text: str, read_as: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = empty_library.import_files([path])
    assert report.added == [] and empty_library.count() == 0
    [message] = report.unreadable
    assert message.startswith(f"no entries found in {path} (read as {read_as}; looked for")


def test_two_keys_of_one_file_with_one_doi_become_one_paper_with_an_alias(
        empty_library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "thesis.bib"
    bib.write_text(
        "@article{lecun2015, title={Deep learning}, author={LeCun, Yann}, year=2015,"
        " journal={Nature}, doi={10.1038/nature14539}}\n"
        "@article{deeplearning-review, title={Deep Learning}, author={Yann LeCun},"
        " year=2015, doi={10.1038/NATURE14539}, pages={436--444}}\n"
        "@article{hinton2006, title={Deep learning}, author={Hinton, Geoffrey},"
        " year=2006}\n", encoding="utf-8")
    report = empty_library.import_files([bib])
    assert len(report.added) == 2 and len(report.merged) == 1
    [merged] = [e for e in report.entries if e.outcome is Outcome.MERGED]
    assert (merged.key, merged.line) == ("deeplearning-review", 2)
    paper = empty_library.get(merged.paper_id)
    assert paper.citation_key == "lecun2015" and paper.extra["ids"] == "deeplearning-review"
    exported = empty_library.export("bibtex")
    assert re.search(r"ids\s*=\s*\{deeplearning-review\}", exported)
    # The export read back gives the same papers, and the original file is then present.
    out = tmp_path / "out.bib"
    out.write_text(exported, encoding="utf-8")
    with Library.open(tmp_path / "second") as second:
        back = second.import_files([out])
        assert len(back.added) == 2 and keys_of(second) == ["lecun2015", "hinton2006"]
        again = second.import_files([bib])
        assert (len(again.added), len(again.duplicates) + len(again.merged)) == (0, 3)


def test_no_merge_adds_every_entry_and_still_lists_the_pairs(seeded_library, seed_path):
    report = seeded_library.import_files([seed_path], merge=False)
    assert len(report.added) == 68 and seeded_library.count() == 136
    assert len(report.possible) == 68 and report.merged == report.duplicates == []
    new, old, reason = report.possible[27]
    assert (new, old) == (96, 28) and "not merged" in reason


def test_status_and_tag_chosen_for_an_import(seeded_library: Library, tmp_path) -> None:
    bib = tmp_path / "refs.bib"
    soups = seeded_library.get(28)
    bib.write_text(
        "@book{knuth1984, title={The {\\TeX}book}, author={Knuth, Donald E.}, year=1984}\n"
        "@misc{read-before, title={Something I read}, author={A. B}, year=2020,"
        " readinglist-status={reading}}\n"
        f"@misc{{soups, title={{{soups.title}}}, abstract={{{soups.abstract}}}}}\n",
        encoding="utf-8")
    report = seeded_library.import_files([bib], status="read", tag="thesis")
    assert len(report.added) == 2 and len(report.duplicates) + len(report.merged) == 1
    knuth = seeded_library.get(report.added[0][0])
    assert knuth.status is Status.READ and "thesis" in knuth.tags
    # A status the file gives is the user's own: it wins over the import's default.
    assert seeded_library.get(report.added[1][0]).status is Status.READING
    # The paper the library had keeps its status and gains the tag.
    assert seeded_library.get(28).status is Status.INBOX
    assert "thesis" in seeded_library.get(28).tags
    assert seeded_library.last_import_ids() == [report.added[0][0], report.added[1][0], 28]
    assert seeded_library.list_ids(last_import=True, sort="id") == sorted(
        seeded_library.last_import_ids())


def test_report_json_has_every_entry_with_file_line_and_outcome(empty_library) -> None:
    report = empty_library.import_files([BIBTEX / "trio_crossref.bib"])
    data = json.loads(json.dumps(report.to_dict()))
    outcomes = [e["outcome"] for e in data["entries"]]
    assert outcomes.count("added") == 12 and outcomes.count("possible duplicate") == 6
    assert outcomes.count("warning") == len(report.warnings) > 0
    assert data["counts"] == {"added": 12, "possible duplicate": 6, "merged": 0,
                              "already present": 0, "failed": 0,
                              "warning": len(report.warnings)}
    lines = [e["line"] for e in data["entries"]]
    assert lines == sorted(lines)  # in file order
    assert {e["source"] for e in data["entries"]} == {"trio_crossref.bib"}


# -- round trips -------------------------------------------------------------------------

_COMPARED = ("title", "authors", "year", "venue", "doi", "arxiv_id", "url", "abstract",
             "entry_type", "note", "links")


def _values(library: Library) -> dict[str, dict[str, object]]:
    """Every paper's bibliographic values, by citation key."""
    papers = library.get_many(library.list_ids(sort="id"))
    return {p.citation_key: {**{name: getattr(p, name) for name in _COMPARED},
                             "tags": sorted(p.tags), "extra": dict(p.extra),
                             "status": p.status} for p in papers}


@pytest.mark.parametrize("name", sorted(p.name for p in BIBTEX.glob("*.bib")))
def test_bibtex_round_trip_keeps_every_paper_key_and_value(name: str, tmp_path: Path) -> None:
    with Library.open(tmp_path / "first") as first:
        report = first.import_files([BIBTEX / name], encoding=None, fetch=False)
        assert report.added, report.to_dict()
        exported = tmp_path / "export.bib"
        exported.write_text(first.export("bibtex"), encoding="utf-8")
        before = _values(first)
    with Library.open(tmp_path / "second") as second:
        back = second.import_files([exported], fetch=False)
        assert not back.failed, back.failed
        after = _values(second)
    assert list(after) == list(before)  # the same papers, the same keys, in order
    for key, values in before.items():
        assert after[key] == values, key


def test_references_imported_as_read_are_not_counted_as_read_this_week(
        seeded_library: Library) -> None:
    report = seeded_library.import_files([BIBTEX / "journal_columns.bib"], status="read")
    assert len(report.added) == 226
    seeded_library.set_status(28, "read")  # read today, really
    stats = seeded_library.statistics()
    assert stats.totals.by_status["read"] == 227
    assert stats.totals.read_this_week == 1 and stats.per_week[-1].read == 1
    assert stats.streaks.current == 1
    assert any("226 finished papers have no date" in note for note in stats.notes)


def test_the_date_added_comes_back_from_a_bibtex_export(empty_library, tmp_path) -> None:
    bib = tmp_path / "old.bib"
    bib.write_text("@article{old, title={Old}, author={A. B}, year=1990,"
                   " readinglist-added={2021-03-04T05:06:07+00:00}, readinglist-rating={4},"
                   " priority={prio1}}\n"
                   "@article{future, title={Later}, readinglist-added={2999-01-01T00:00:00}}\n",
                   encoding="utf-8")
    report = empty_library.import_files([bib])
    old, future = (empty_library.get(i) for i, _ in report.added)
    assert old.added.isoformat() == "2021-03-04T05:06:07+00:00"
    assert (old.rating, old.priority.value) == (4, "high")
    assert "readinglist-added" not in old.extra
    assert future.added.year < 2999  # a date in the future is no date added


def test_quotes_inside_braces_of_a_quoted_value_and_lines_after_repeated_fields(
        empty_library: Library, tmp_path: Path) -> None:
    # As in Beebe's TeX Live bibliographies: a repeated field (which made bibtexparser's
    # line numbers drift by the entry's length), then a '"' inside braces inside a quoted
    # value (legal BibTeX, which bibtexparser refuses), then an entry really broken.
    bib = tmp_path / "beebe.bib"
    bib.write_text(
        "@String{pub-AW = \"Addison-Wesley\"}\n\n"
        "@Book{Abragam:1991,\n  author = \"A. Abragam\",\n  title = \"Time reversed\",\n"
        "  bibsource = \"one\",\n  year = \"1991\",\n  bibsource = \"two\",\n}\n\n"
        "@Book{Greene:1982,\n  author = \"Daniel H. Greene and Donald E. Knuth\",\n"
        "  title = \"Mathematics for the Analysis of Algorithms\",\n  publisher = pub-AW,\n"
        "  remark = \"{Die \"optionalen\" Kapitel aus \"the Art\"}.\",\n  year = \"1982\",\n}\n\n"
        "@Book{broken,\n  title = {Never closed,\n  year = 2000,\n\n"
        "@Book{after,\n  title = \"After the broken one\",\n  year = 2001,\n}\n",
        encoding="utf-8")
    report = empty_library.import_files([bib])
    lines = {e.key: e.line for e in report.entries}
    assert lines == {"Abragam:1991": 3, "Greene:1982": 11, "after": 23}
    greene = empty_library.get(report.entries[1].paper_id)
    assert greene.extra["remark"] == 'Die "optionalen" Kapitel aus "the Art".'
    assert greene.venue == "" and greene.extra["publisher"] == "Addison-Wesley"
    [failed] = report.failed
    assert failed.line == 19 and "'broken'" in failed.reason


def test_latex_logos_and_unknown_macros_never_vanish_from_titles(
        empty_library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "tugboat.bib"
    bib.write_text(
        "@Article{a, author = {Hans Hagen}, title = {{OpenType} fonts in {\\LuaTeX}},"
        " year = 2008}\n"
        "@Article{b, author = {A. B}, title = {Typesetting registers{\\Dash}an experiment},"
        " year = 1995}\n"
        "@Article{c, author = {Anonymous}, title = {{\\TUG}}, year = 1990}\n"
        "@Article{d, author = {C. D}, title = {Using {\\Frobnicate} with {\\Frobnicate}"
        " and \\Zork{} twice: \\Zork}, year = 2001}\n"
        "@Article{e, author = {E. F}, title = {More {\\Frobnicate}}, year = 2002}\n",
        encoding="utf-8")
    report = empty_library.import_files([bib])
    titles = [t for _, t in report.added]
    assert titles == ["OpenType fonts in LuaTeX", "Typesetting registers—an experiment",
                      "TUG", "Using Frobnicate with Frobnicate and Zork twice: Zork",
                      "More Frobnicate"]
    macros = sorted((w for w in report.warnings if "LaTeX macro" in w.reason),
                    key=lambda w: w.reason)
    assert [(w.line, w.reason) for w in macros] == [
        (4, "LaTeX macro \\Frobnicate is unknown; its name was kept as text (3 uses, the "
            "first in entry 'd')"),
        (4, "LaTeX macro \\Zork is unknown; its name was kept as text (2 uses, the first in "
            "entry 'd')")]


def test_noopsort_years_keep_their_year_and_export_back_as_written(
        empty_library: Library, tmp_path: Path) -> None:
    report = empty_library.import_files([BIBTEX / "trio_crossref.bib"])
    by_key = {p.citation_key: p for p in empty_library.get_many(empty_library.list_ids())}
    assert by_key["chapter-minimal"].year == 1973 and by_key["book-minimal"].year == 1981
    # Defined by the file's @preamble: {\noopsort{1973a}}{\switchargs{--90}{1968}}.
    assert by_key["whole-set"].year == 1968
    assert by_key["whole-set"].extra["year"] == "1968--90"
    assert not [w for w in report.warnings if "is not a number" in w.reason]
    exported = empty_library.export("bibtex", [by_key["chapter-minimal"].id])
    assert "year = {{\\noopsort{1973b}}1973}" in exported


CSLJSON = Path(__file__).parent / "fixtures" / "import" / "csljson"
_CSL_COMPARED = ("title", "authors", "year", "venue", "doi", "arxiv_id", "url", "abstract",
                 "entry_type", "tags", "citation_key")


@pytest.mark.parametrize("name", ["citeproc_items.json", "zotero.json", "bad_items.json"])
def test_csljson_round_trip_keeps_every_paper_and_value(name: str, tmp_path: Path) -> None:
    with Library.open(tmp_path / "first") as first:
        report = first.import_files([CSLJSON / name], fetch=False)
        assert report.added
        exported = tmp_path / "export.json"
        exported.write_text(first.export("csljson"), encoding="utf-8")
        before = [{f: getattr(p, f) for f in _CSL_COMPARED}
                  for p in first.get_many(first.list_ids(sort="id"))]
    with Library.open(tmp_path / "second") as second:
        back = second.import_files([exported], fetch=False)
        assert not back.failed and not back.possible
        after = [{f: getattr(p, f) for f in _CSL_COMPARED}
                 for p in second.get_many(second.list_ids(sort="id"))]
    assert after == before


FIXTURES = Path(__file__).parent / "fixtures"
EVERY_FILE = sorted(
    str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("**/*")
    if p.suffix in (".bib", ".ris", ".json", ".csv", ".tsv", ".txt", ".ciw")
    and ("import" in p.parts or p.parent.name in ("ris", "wos"))
)


@pytest.mark.parametrize("name", EVERY_FILE)
def test_importing_any_file_again_adds_nothing(name: str, empty_library: Library) -> None:
    path = FIXTURES / name
    first = empty_library.import_files([path], fetch=False)
    count = empty_library.count()
    if not count:
        assert first.unreadable or first.failed  # a file of broken entries, said so
        return
    again = empty_library.import_files([path], fetch=False)
    assert again.added == [] and empty_library.count() == count, again.to_dict()["entries"]
    found = {e.paper_id for e in again.entries}
    assert again.merged == [] and len(again.duplicates) == len(again.entries)  # no change
    assert found <= set(empty_library.list_ids())


def test_citation_keys_are_kept_as_the_user_wrote_them(empty_library, tmp_path) -> None:
    bib = tmp_path / "keys.bib"
    keys = ["Brown:EPODD-8-2/3-49", "negrão14", "ANSI:phigs+", "o'brien:beckett:alt"]
    bib.write_text("".join(f"@misc{{{key}, title = {{Work {n}}}, year = 2000}}\n"
                           for n, key in enumerate(keys)), encoding="utf-8")
    empty_library.import_files([bib])
    assert keys_of(empty_library) == keys
    again = empty_library.import_files([bib])
    assert again.merged == [] and len(again.duplicates) == 4
    assert "same citation key and title" in again.entries[0].detail


def test_repeated_keys_commented_entries_and_one_doi_pasted_twice(
        empty_library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "r-package.bib"
    bib.write_text(
        "%@inbook{commented,\n%  title = {Commented out},\n%}\n"
        "@article{smith2010, title = {Splines}, author = {A. Smith}, year = 2010}\n"
        "@article{smith2010, title = {Splines}, author = {A. Smith}, year = 2010}\n"
        "@article{smith2010, title = {Another work}, author = {A. Smith}, year = 2010}\n"
        "@report{max:report, title = {A report}, doi = {10.1/dummy}, year = 2001}\n"
        "@periodical{max:periodical, title = {A periodical}, doi = {10.1/dummy}}\n",
        encoding="utf-8")
    report = empty_library.import_files([bib])
    assert keys_of(empty_library) == ["smith2010", "smith2010-2", "max:report",
                                      "max:periodical"]
    [repeat] = report.failed
    assert repeat.line == 5 and "duplicate key (first used on line 4), the same title" in (
        repeat.reason)
    assert any(w.line == 6 and "imported as 'smith2010-2'" in w.reason
               for w in report.warnings)
    # One DOI on two differently titled entries of one file proves nothing: two papers,
    # listed for review.
    [(new, old, reason)] = report.possible
    assert "same DOI, but another citation key of the same file and another title" in reason
    assert {empty_library.get(new).citation_key, empty_library.get(old).citation_key} == {
        "max:report", "max:periodical"}


def test_untitled_records_of_one_file_stay_apart_and_import_again_as_present(
        empty_library: Library, tmp_path: Path) -> None:
    # As in rispy's test data: records holding notes alone, the same in each.
    ris = tmp_path / "notes.ris"
    ris.write_text("".join("TY  - JOUR\nN1  - first line\nER  - \n\n" for _ in range(3)),
                   encoding="utf-8")
    report = empty_library.import_files([ris], fetch=False)
    assert [t for _, t in report.added] == ["first line"] * 3
    assert [w.line for w in report.warnings if "titled 'first line' from its note"
            in w.reason] == [1, 5, 9]
    again = empty_library.import_files([ris], fetch=False)
    assert again.added == [] and len(again.duplicates) == 3
    assert {e.paper_id for e in again.entries} == {1, 2, 3}


def test_files_of_other_tools_and_eras(empty_library: Library, tmp_path: Path) -> None:
    """As in JabRef's own test files: UTF-16 with classic Mac line ends (CR alone), an
    entry without a key, and JabRef's encoding line running into the first entry."""
    mac = tmp_path / "mac.bib"
    mac.write_bytes("% Encoding: UTF-16BE\r\r@article{mac1,\r  title = {Written on a Mac},"
                    "\r  year = 1999\r}\r".encode("utf-16"))
    keyless = tmp_path / "keyless.bib"
    keyless.write_text("% Encoding: UTF-8\n@techreport{\n  author = {Sam and Jason},\n"
                       "  title = {No key at all},\n  year = 2004,\n}\n", encoding="utf-8")
    one_line = tmp_path / "oneline.bib"
    one_line.write_text("% Encoding: US-ASCII@article{oneline, title={On one line}}",
                        encoding="ascii")
    report = empty_library.import_files([mac, keyless, one_line])
    assert not report.failed and not report.unreadable
    assert [(e.source, e.line, e.title) for e in report.entries] == [
        ("mac.bib", 3, "Written on a Mac"), ("keyless.bib", 2, "No key at all"),
        ("oneline.bib", 1, "On one line")]
    keyless_paper = empty_library.get(report.entries[1].paper_id)
    assert keyless_paper.citation_key == "sam2004no"  # made up, as for any new paper
    assert keyless_paper.authors == ("Sam", "Jason")
