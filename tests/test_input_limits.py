"""Bounded input (issue 12): each hostile input found by fuzzing or by hand is imported,
or refused with a message naming the file, the line and the limit, quickly and in
bounded memory. Searches that could run for minutes: test_query_limits.py.

The inputs are files in tests/fixtures/nasty/ (big ones are made by the tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

import bibtexparser
import pytest

from readinglist import Library
from readinglist.cli import main
from readinglist.domain import ImportFailed, ReadinglistError
from readinglist.importers import (
    bibtex,
    bibtex_macros,
    csljson,
    daily_papers,
    limits,
    parse_path,
    pdf,
    wos,
)
from readinglist.importers.base import ParseResult
from readinglist.importers.limits import (
    MAX_FIELD_CHARS,
    MAX_NESTING,
    FileRefused,
    LimitExceeded,
    check_json_depth,
    load_json,
    read_file,
)
from readinglist.store.paper_store import PaperStore
from readinglist.text.citation_keys import unique_key

NASTY = Path(__file__).parent / "fixtures" / "nasty"
def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# -- CSL-JSON: a "type" that is an object or a list (was TypeError) -----------------------


@pytest.mark.parametrize("name", ["csl_type_object.json", "csl_type_list.json"])
def test_csl_type_that_is_not_text_is_no_crash(name: str) -> None:
    text = (NASTY / name).read_text(encoding="utf-8")
    assert csljson.looks_like(text) is False  # was: TypeError (unhashable type)
    with pytest.raises(ImportFailed, match="not CSL-JSON"):
        csljson.parse(text, name)


def test_csl_items_whose_type_is_not_text_are_imported_as_misc() -> None:
    text = (NASTY / "csl_items_type_list.json").read_text(encoding="utf-8")
    result = csljson.parse(text, "x.json")
    assert [(r.title, r.entry_type) for r in result.records] == [("A paper", "misc"),
                                                                 ("B", "misc")]


# -- JSON nested 10,000 deep (was RecursionError) ------------------------------------------


def test_deep_json_is_refused_naming_line_and_limit() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_path(NASTY / "deep_nesting.json")
    assert str(caught.value) == (f"deep_nesting.json:1: JSON nested more than {MAX_NESTING} "
                                 f"levels deep; the limit is {MAX_NESTING} levels")


def test_deep_json_inside_an_item_is_refused_too() -> None:
    with pytest.raises(LimitExceeded, match=r"deep_nesting_items\.json:1: JSON nested"):
        parse_path(NASTY / "deep_nesting_items.json")


def test_json_depth_counts_brackets_outside_strings_only() -> None:
    check_json_depth('["[[[[", {"a": "{{{{"}]', "x", limit=2)
    with pytest.raises(LimitExceeded, match="x:2: JSON nested more than 2"):
        check_json_depth('[\n [[]]]', "x", limit=2)


def test_deep_readinglist_json_is_refused() -> None:
    with pytest.raises(LimitExceeded, match=r"readinglist_deep\.json:1: JSON nested"):
        parse_path(NASTY / "readinglist_deep.json", "json")


# -- a 5,000-digit year (was ValueError: Python's int-from-str limit) ----------------------


def test_5000_digit_numbers_in_json_are_kept_as_text() -> None:
    data = load_json('{"year": %s, "n": 12}' % ("1" * 5000), "x.json")
    assert data == {"year": "1" * 5000, "n": 12}


@pytest.mark.parametrize("name", ["year_5000_digits.json", "year_5000_digits_plain.json"])
def test_csl_5000_digit_year_imports_without_a_year(name: str) -> None:
    [record] = parse_path(NASTY / name).records
    assert (record.title, record.year) == ("Long year", None)


def test_bibtex_5000_digit_year_warns_briefly() -> None:
    result = parse_path(NASTY / "year_5000_digits.bib")
    assert result.records[0].year is None
    [warning] = result.warnings
    assert "(5,000 characters)' is not a number" in warning.reason
    assert len(warning.reason) < 200


@pytest.mark.parametrize("name", [
    "year_5000_digits.bib", "year_5000_digits.ris", "year_5000_digits.csv",
    "year_5000_digits.json", "year_5000_digits_plain.json",
    "readinglist_year_5000_digits.json"])
def test_5000_digit_year_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         name: str) -> None:
    code, out, err = cli(capsys, "--library", tmp_path / "lib", "import", "--no-fetch",
                         NASTY / name)
    assert "Traceback" not in err
    assert code == 0, err
    assert "1 added" in out or "1 failed" in out


def test_ris_uk_tag_is_kept_like_any_unknown_tag() -> None:
    """Found by the fuzz campaign: rispy files unknown tags under the name of the tag UK,
    so a record with a UK line raised AttributeError (TypeError with another unknown
    tag)."""
    [record] = parse_path(NASTY / "ris_uk_tag.ris").records
    assert record.title == "A record with a UK tag"
    assert record.extra == {"ris_uk": "a value", "ris_zz": "another unknown tag"}


# -- a BibTeX @string macro bomb (1 KB to 4.25 GB, MemoryError) ---------------------------


def test_macro_bomb_is_stopped_at_the_limit_in_little_memory() -> None:
    text = (NASTY / "macro_bomb.bib").read_text(encoding="utf-8")
    tracemalloc.start()
    try:
        result = bibtex.parse(text, "macro_bomb.bib")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20  # was: 4.25 GB wanted, MemoryError
    [problem] = result.problems
    assert str(problem) == ("macro_bomb.bib:21: @string a19 is longer than the limit once "
                            "its @string macros are expanded; the limit is 4 MB (left empty)")
    # The bomb's entry has no title left (named from its key); the next one is whole.
    assert [r.title for r in result.records] == ["bomb", "A fine entry after the bomb"]


def test_macros_making_too_much_text_in_all_refuse_the_file() -> None:
    big = "x" * (MAX_FIELD_CHARS // 2)
    entries = "\n".join(f"@misc{{k{n}, title = big # big}}" for n in range(20))
    with pytest.raises(LimitExceeded, match=r"big.bib:\d+: the file's @string macros expand "
                                            "to more than 64 MB of text; the limit is 64 MB"):
        bibtex.parse(f'@string{{big = "{big}"}}\n{entries}\n', "big.bib")


def test_macro_bomb_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--library", tmp_path / "lib", "import",
                         NASTY / "macro_bomb.bib")
    assert code == 0 and "Traceback" not in err
    assert "2 added" in out
    assert "@string a19 is longer than the limit" in out


# -- fields and entries too long (a 50 MB one-line entry took 36 s and 1 GB) --------------


def test_field_over_the_limit_skips_its_entry_only() -> None:
    text = ("@article{huge, title = {Huge}, abstract = {" + "word " * (MAX_FIELD_CHARS // 5 + 1)
            + "}}\n@article{small, title = {Small}}\n")
    result = bibtex.parse(text, "huge.bib")
    assert [r.title for r in result.records] == ["Small"]
    [problem] = result.problems
    assert str(problem) == ("huge.bib:1: field 'abstract' of entry 'huge' is 4 MB long; "
                            "the limit is 4 MB (skipped)")


def test_entry_over_the_limit_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_macros, "MAX_ENTRY_CHARS", 100)
    title, note = "t" * 60, "n" * 60
    text = f"@misc{{long, title = {{{title}}}, note = {{{note}}}}}\n@misc{{ok, title = {{OK}}}}\n"
    result = bibtex.parse(text, "long.bib")
    assert [r.title for r in result.records] == ["OK"]
    assert result.problems[0].reason.startswith("entry 'long' is more than 100 characters")


@pytest.mark.parametrize("piece", [1, 100, 5000])
def test_bibtex_read_in_pieces_reads_the_same(monkeypatch: pytest.MonkeyPatch,
                                              piece: int) -> None:
    """Big files are handed to bibtexparser in pieces cut where entries start (its model
    of a whole 200 MB file took four times the file in memory): every fixture reads the
    same in pieces of any size, problems and their lines included."""
    fixtures = sorted((Path(__file__).parent / "fixtures" / "import").rglob("*.bib"))
    assert len(fixtures) > 5
    whole = [parse_path(path, "bibtex") for path in fixtures]
    monkeypatch.setattr(bibtex, "PIECE_CHARS", piece)
    assert [parse_path(path, "bibtex") for path in fixtures] == whole


_LONG = "word " * 400  # 2,000 characters: over the limit the next test sets


@pytest.mark.parametrize(("module", "text", "problem"), [
    (bibtex, "@misc{a, title={Long}, abstract={LONG}}\n@misc{b, title={Short}}",
     "x:1: entry 'a': field 'abstract' is 1,999 characters long; the limit is 1,000 "
     "characters (skipped)"),
    (csljson, '[{"type": "book", "title": "Long", "abstract": "LONG"},\n'
              ' {"type": "book", "title": "Short"}]',
     "x:1: 'Long': field 'abstract' is 1,999 characters long; the limit is 1,000 "
     "characters (skipped)"),
    (wos, "FN x\nVR 1.0\nPT J\nTI Long\nAB LONG\nER\nPT J\nTI Short\nER\nEF\n",
     "x:3: 'Long': field 'abstract' is 1,999 characters long; the limit is 1,000 "
     "characters (skipped)"),
    (daily_papers, "Long\n\nLONG\n\nShort\n\nWe show that an abstract of a few words, "
                   "with commas and a full stop, is read as one.\n",
     "x:1: 'Long': field 'abstract' is 1,999 characters long; the limit is 1,000 "
     "characters (skipped)"),
])
def test_every_format_skips_a_field_over_the_limit(monkeypatch: pytest.MonkeyPatch,
                                                   module: ModuleType, text: str,
                                                   problem: str) -> None:
    monkeypatch.setattr(limits, "MAX_FIELD_CHARS", 1000)
    result = module.parse(text.replace("LONG", _LONG), "x")
    assert result.records[0].title == "Short"
    assert [str(p) for p in result.problems] == [problem]


def test_readinglist_snapshots_over_the_limit_are_skipped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FIELD_CHARS", 1000)
    monkeypatch.setattr(limits, "MAX_ENTRY_CHARS", 1500)
    result = ParseResult(snapshots=[
        ("x.json", 1, {"title": "Long", "fulltext": _LONG}),
        ("x.json", 2, {"title": "Many", "annotations": [{"quote": "q" * 900}] * 2}),
        ("x.json", 3, {"title": "Short"})])
    limits.drop_oversized(result, "x.json")
    assert [n for _, n, _ in result.snapshots] == [3]
    assert [str(p) for p in result.problems] == [
        "x.json: paper 1 has a text 2,000 characters long; the limit is 1,000 characters "
        "(skipped)",
        "x.json: paper 2 is 1,830 characters long; the limit is 1,500 characters (skipped)"]


# -- files that are not files, or too big ---------------------------------------------------


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "stuck.bib"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match=r"stuck\.bib: not a regular file but a FIFO"):
        read_file(fifo)  # was: blocked for ever
    with pytest.raises(FileRefused, match="not a regular file but a character device"):
        read_file(Path("/dev/zero"))  # was: grew to 3.7 GB
    with pytest.raises(FileRefused, match="is a folder"):
        read_file(tmp_path)


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.bib"
    path.write_bytes(b"x" * 2000)
    assert read_file(path, limit=2000) == b"x" * 2000
    with pytest.raises(LimitExceeded, match=r"big.bib: the file is 2,000 bytes; the limit "
                                            "is 1,000 bytes"):
        read_file(path, limit=1000)


def test_a_fifo_in_a_pdf_folder_is_reported_not_waited_for(tmp_path: Path) -> None:
    """In a child process, so that a regression fails the test instead of hanging it."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    os.mkfifo(folder / "stuck.pdf")
    (folder / "zero.pdf").symlink_to("/dev/zero")
    code = ("import sys; from pathlib import Path; from readinglist.importers import pdf; "
            "r = pdf.parse_folder(Path(sys.argv[1])); print(*r.problems, sep='\\n')")
    done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.splitlines() == [
        "stuck.pdf: cannot read the file: not a regular file but a FIFO; only regular "
        "files are imported",
        "zero.pdf: cannot read the file: not a regular file but a character device; only "
        "regular files are imported"]
    assert pdf.parse_pdf(tmp_path / "gone.pdf").problems[0].reason == (
        "cannot read the file: no such file")


# -- files that cannot be read say why -----------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("invalid_utf8.bib", "invalid_utf8.bib:1: not UTF-8 text (byte 0x81)"),
    ("nul_byte.bib", "nul_byte.bib:2: contains a NUL byte (0x00)"),
    ("utf16_odd_length.bib", "utf16_odd_length.bib:2: not valid utf-16-le (from its "
                             "byte-order mark) text: the file ends in the middle of a "
                             "character (53 bytes); it may be cut short"),
    ("deep_nesting.json", "deep_nesting.json:1: JSON nested more than 100 levels deep"),
])
def test_unreadable_files_say_why(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  name: str, message: str) -> None:
    code, _, err = cli(capsys, "--library", tmp_path / "lib", "import", NASTY / name)
    assert code == 1
    assert message in err
    assert "Traceback" not in err


# -- how many identifiers one import looks up --------------------------------------------


def test_more_identifiers_than_the_limit_need_yes(tmp_path: Path, offline: None,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(limits, "MAX_IDENTIFIERS", 5)
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"2401.{10000 + n}\n" for n in range(6)), encoding="utf-8")
    code, out, err = cli(capsys, "--library", tmp_path / "lib", "import", path)
    assert code == 1
    assert (f"{path}: 6 identifiers to look up online; the limit is 5 without a "
            "confirmation: confirm (--yes) to look them all up, or import them without a "
            "lookup (--no-fetch)") in err
    assert "0 added" in out
    code, out, _ = cli(capsys, "--library", tmp_path / "lib", "import", "--yes", path)
    assert code == 0 and "6 added" in out
    path.write_text("2402.10000\n" * 1 + "".join(f"2402.{20000 + n}\n" for n in range(9)),
                    encoding="utf-8")
    code, out, _ = cli(capsys, "--library", tmp_path / "lib", "import", "--no-fetch", path)
    assert code == 0 and "10 added" in out  # no lookup, no question


def test_every_format_is_held_to_the_file_and_field_limits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FIELD_CHARS", 1000)
    path = tmp_path / "long.ris"
    path.write_text(f"TY  - JOUR\nTI  - Long\nAB  - {_LONG}\nER  - \n"
                    "TY  - JOUR\nTI  - Short\nER  - \n", encoding="utf-8")
    result = parse_path(path)
    assert [r.title for r in result.records] == ["Short"]
    assert str(result.problems[0]).startswith("long.ris:1: ")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    with pytest.raises(LimitExceeded, match=r"long\.ris: the file is [\d,]+ bytes; the "
                                            "limit is 100 bytes"):
        parse_path(path)


# -- no quadratic work: citation keys for thousands of papers of one base key --------------


def test_unique_key_asks_a_few_times_per_key_not_once_per_taken_key() -> None:
    taken: set[str] = set()
    calls = 0

    def is_taken(key: str) -> bool:
        nonlocal calls
        calls += 1
        return key in taken

    for _ in range(5000):
        taken.add(unique_key("arxiv", is_taken))
    assert len(taken) == 5000
    assert calls < 30 * 5000  # was: 12.5 million (one per taken key, for every key)


def test_identifier_list_without_lookup_is_not_quadratic(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"2401.{10000 + n}\n" for n in range(1500)), encoding="utf-8")
    queries = 0
    taken = PaperStore.citation_key_taken

    def counted(self: PaperStore, key: str) -> bool:
        nonlocal queries
        queries += 1
        return taken(self, key)

    monkeypatch.setattr(PaperStore, "citation_key_taken", counted)
    with Library.open(tmp_path / "lib") as library:
        report = library.import_files([path], fetch=False)
    assert len(report.added) == 1500
    assert queries < 30 * 1500  # was: 1.1 million for 1,500 ids


class _CountingText(str):
    """Text that adds up how far its rfind calls look back."""

    looked = 0

    def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().rfind(sub, start, end)
        _CountingText.looked += (end if end is not None else len(self)) - max(found, 0)
        return found


def test_comment_lines_are_found_in_linear_time() -> None:
    """A line of "x%x%x%..." (200,000 "%" in a title) took 11 s: each "%" looked back to
    the start of its line to see whether it starts a comment."""
    text = _CountingText("@misc{a, title={" + "x%" * 200_000 + "}}\n% a comment\n")
    _CountingText.looked = 0
    blanked = bibtex._blank_comment_lines(text)
    assert blanked.endswith("}}\n\n")
    assert _CountingText.looked < 2 * len(text)  # was: 40 billion characters


def test_many_entries_under_one_key_are_numbered_in_linear_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """8,000 entries of other titles under one key took 75 s: each tried key-2, key-3
    ... up to its own number. Counted here as reads of the entries' keys."""
    reads = 0
    key = bibtexparser.model.Entry.key

    def counted(self: bibtexparser.model.Entry) -> str:
        nonlocal reads
        reads += 1
        return key.fget(self)  # type: ignore[attr-defined, no-any-return]

    monkeypatch.setattr(bibtexparser.model.Entry, "key", property(counted, key.fset))
    text = "".join(f"@misc{{dup, title={{Title {n}}}}}\n" for n in range(2000))
    result = bibtex.parse(text, "dup.bib")
    assert [r.citation_key for r in result.records[:3]] == ["dup", "dup-2", "dup-3"]
    assert result.records[-1].citation_key == "dup-2000"
    assert reads < 20 * 2000  # was: 2 million


def test_entries_of_one_title_are_judged_against_a_bounded_number(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 entries titled "Introduction" (other authors) were each judged against every
    one before it (half a million judgements, 11 s; 2,000: 43 s); now against at most
    200 papers of the same title (identifiers are still looked up whole)."""
    from readinglist.library import importing

    judged = 0
    judge = importing.judge

    def counted(*args: Any) -> Any:
        nonlocal judged
        judged += 1
        return judge(*args)

    monkeypatch.setattr(importing, "judge", counted)
    path = tmp_path / "same.bib"
    path.write_text("".join(f"@misc{{k{n}, title={{Introduction}}, author={{Ann Author{n}}}, "
                            f"year=2000}}\n" for n in range(1000)), encoding="utf-8")
    with Library.open(tmp_path / "lib") as library:
        report = library.import_files([path], fetch=False)
        assert len(report.added) == 1000
        again = library.import_files([path], fetch=False)  # found again by their keys
    assert len(again.added) == 0 and len(again.duplicates) + len(again.merged) == 1000
    assert judged < 2 * 250 * 1000  # was: 1.5 million


def test_unique_key_fills_in_order_while_keys_are_taken_in_a_row() -> None:
    taken = {"k", "ka", "kb"}
    assert unique_key("k", taken.__contains__) == "kc"
    assert unique_key("free", taken.__contains__) == "free"
    assert unique_key("", taken.__contains__) == "paper"


def test_limit_errors_are_readinglist_errors() -> None:
    assert issubclass(LimitExceeded, ReadinglistError)
    error = LimitExceeded("f.bib", 3, "field 'x' is 5 MB long", "4 MB")
    assert str(error) == "f.bib:3: field 'x' is 5 MB long; the limit is 4 MB"
    assert str(error.problem()) == "f.bib:3: field 'x' is 5 MB long; the limit is 4 MB (skipped)"


def test_field_and_entry_checks_for_readers_that_gather_values() -> None:
    limits.check_field("r.ris", 7, "AB", "x" * MAX_FIELD_CHARS)
    with pytest.raises(LimitExceeded) as caught:
        limits.check_field("r.ris", 7, "AB", "x" * (MAX_FIELD_CHARS + 1))
    assert str(caught.value) == "r.ris:7: field 'AB' is over 4 MB long; the limit is 4 MB"
    with pytest.raises(LimitExceeded, match="record 3 is 12 characters long; the limit is "
                                            "10 characters"):
        limits.check_entry("r.ris", 1, "record 3", 12, limit=10)
