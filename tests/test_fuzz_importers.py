"""Property tests of every importer (issue 12): whatever a file holds, it is imported or
refused with a message (a ReadinglistError, or problems naming entries); nothing raises
anything else, nothing takes longer than the deadline, and an import that fails leaves
the library as it was.

Short in the suite (see hypothesis_profiles.py); the long campaign is
``HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_importers.py tests/test_fuzz_query.py``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis_profiles  # noqa: F401  (registers and loads the profile)
import pytest
from fuzz_inputs import (
    any_bytes,
    any_text,
    bibtex_files,
    csljson_files,
    csv_files,
    daily_papers_files,
    identifier_files,
    readinglist_json_files,
    ris_files,
    wos_files,
)
from hypothesis import example, given
from hypothesis import strategies as st
from pdf_factory import pdf_bytes

from readinglist import Library
from readinglist.domain import PaperRecord, ReadinglistError
from readinglist.importers import (
    TEXT_FORMATS,
    bibtex,
    csljson,
    csv_table,
    daily_papers,
    identifiers,
    parse_path,
    pdf,
    readinglist_json,
    ris,
    wos,
)
from readinglist.importers.base import ParseResult
from readinglist.importers.encoding import decode
from readinglist.library.importing import normalize

# Relative attachment paths resolve here: an empty folder, never the working folder.
_EMPTY = Path(tempfile.mkdtemp(prefix="readinglist-fuzz-"))


def check(parse: Callable[[str, str], ParseResult], text: str,
          module: object | None = None) -> ParseResult | None:
    """`parse(text)` returns a result whose problems all say something, or refuses the
    whole file with a message; `looks_like` of every format answers without raising.
    Records are then tidied as an import would (years, identifiers), which must also
    end in a result or a message."""
    for each in TEXT_FORMATS:
        assert each.looks_like(text) in (True, False)
    try:
        result = parse(text, "fuzz.txt")
    except ReadinglistError as exc:
        assert str(exc).strip()
        return None
    assert isinstance(result, ParseResult)
    for problem in (*result.problems, *result.warnings):
        assert problem.reason.strip()
    for record in result.records:
        assert isinstance(record, PaperRecord) and isinstance(record.title, str)
        try:
            normalize(record)
        except ReadinglistError as exc:
            assert str(exc).strip()
    return result


@given(st.one_of(bibtex_files, any_text), st.integers(1, 200))
@example('@COMMENTA(0,=")\n@A{0,', 1)  # the long campaign's find (see below)
@example("@misc{k, title={T}, file={:~0/a.pdf:PDF;:/" + "1" * 5000 + ".pdf:PDF}}", 200)
def test_bibtex(text: str, piece: int) -> None:
    """Also: the file read in small pieces (as big files are) reads the same."""
    whole = check(lambda t, s: bibtex.parse(t, s, base_dir=_EMPTY), text)
    default, bibtex.PIECE_CHARS = bibtex.PIECE_CHARS, piece
    try:
        pieces = check(lambda t, s: bibtex.parse(t, s, base_dir=_EMPTY), text)
    finally:
        bibtex.PIECE_CHARS = default
    # The same papers, warnings and problems on the same lines. A problem's wording may
    # differ at a cut: an entry left open where the next piece starts is "not closed
    # before the next entry starts" in pieces, while bibtexparser reading on through the
    # whole file says "before the end of the file" (found by the long campaign:
    # '@COMMENTA(0,=")\n@A{0,'). Either way that entry is skipped, and nothing else.
    assert pieces.records == whole.records
    assert pieces.warnings == whole.warnings
    assert (pieces.snapshots, pieces.needs_lookup, pieces.format) == (
        whole.snapshots, whole.needs_lookup, whole.format)
    assert [(p.source, p.line) for p in pieces.problems] == [
        (p.source, p.line) for p in whole.problems]
    assert [p.reason.split(" is malformed: ")[0] for p in pieces.problems] == [
        p.reason.split(" is malformed: ")[0] for p in whole.problems]


@given(st.one_of(ris_files, any_text))
# The long campaign's finds: '~' and a NUL byte, '~0' (no such user) in a link field.
@example("TY  - JOUR\nTY  - \nTY  - \nTY  - \nUR  - ~\x00\nER  - ")
@example("TY  - JOUR\nTY  - \nTY  - \nTY  - \nUR  - ~0\nER  - ")
@example("TY  - JOUR\nTY  - \nUR  - /" + "1" * 5000 + "\nER  - ")  # a name too long
def test_ris(text: str) -> None:
    check(lambda t, s: ris.parse(t, s, base_dir=_EMPTY), text)


@given(st.one_of(csljson_files, any_text))
def test_csljson(text: str) -> None:
    check(csljson.parse, text)


@given(st.one_of(csv_files, any_text))
def test_csv(text: str) -> None:
    check(lambda t, s: csv_table.parse(t, s, base_dir=_EMPTY), text)


@given(st.one_of(readinglist_json_files, any_text))
def test_readinglist_json(text: str) -> None:
    check(readinglist_json.parse, text)


@given(st.one_of(wos_files, any_text))
def test_web_of_science(text: str) -> None:
    check(wos.parse, text)


@given(st.one_of(daily_papers_files, any_text))
def test_daily_papers(text: str) -> None:
    check(daily_papers.parse, text)


@given(st.one_of(identifier_files, any_text))
def test_identifier_lists(text: str) -> None:
    check(identifiers.parse, text)


@given(any_bytes, st.sampled_from([None, "latin-1", "utf-16", "cp1252", "nonsense"]))
def test_decoding(data: bytes, declared: str | None) -> None:
    try:
        text, warnings = decode(data, "fuzz.txt", declared)
    except ReadinglistError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    assert isinstance(text, str)
    assert all(w.reason for w in warnings)


_FILES = st.one_of(bibtex_files, ris_files, csljson_files, csv_files, readinglist_json_files,
                   wos_files, identifier_files, daily_papers_files, any_text)
def _encoded(text: str) -> bytes:
    """A text as UTF-8 bytes; a lone surrogate (which strategies can make) as the invalid
    bytes a broken writer leaves."""
    return text.encode("utf-8", "surrogatepass")


_SUFFIXES = st.sampled_from([".bib", ".ris", ".json", ".csv", ".txt", ".ciw", ".ids", ""])


@given(st.one_of(_FILES.map(_encoded), any_bytes), _SUFFIXES)
def test_any_file_through_format_detection(data: bytes, suffix: str) -> None:
    """Decoding, sniffing and parsing together, as `readinglist import FILE` does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            result = parse_path(path)
        except ReadinglistError as exc:
            assert str(exc).strip()
            return
        assert all(p.reason.strip() for p in (*result.problems, *result.warnings))


_PDF = pdf_bytes([["A Title Of Some Length", "Ann Author", "Abstract", "Some text here."]],
                 info={"Title": "A Title", "Author": "Ann Author"})


@given(st.lists(st.tuples(st.integers(0, len(_PDF)), st.integers(0, 64), st.binary(max_size=8)),
                max_size=6))
def test_pdf(edits: list[tuple[int, int, bytes]]) -> None:
    """A real PDF, damaged: imported, or one problem saying why (parse_pdf never raises)."""
    data = _PDF
    for at, length, insert in edits:
        data = data[:at] + insert + data[at + length:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.pdf"
        path.write_bytes(data)
        result = pdf.parse_pdf(path)
    assert len(result.records) + len(result.problems) == 1
    assert all(p.reason.strip() for p in (*result.problems, *result.warnings))


# -- a whole import into a library ---------------------------------------------------------


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library.open(tmp_path_factory.mktemp("fuzz") / "lib")
    library.add("A paper already there", authors=["Ann Author"], year=2020)
    yield library
    library.close()


def _state(library: Library) -> list[tuple[object, ...]]:
    """Everything an import may change, as rows (papers, tags, history, last import)."""
    rows: list[tuple[object, ...]] = []
    for table in ("papers", "paper_tags", "status_history", "attachments", "annotations",
                  "fulltext", "last_import"):
        rows += [(table, *r) for r in library.store._q(f"SELECT * FROM {table} ORDER BY 1")]
    return rows


@given(st.one_of(_FILES.map(_encoded), any_bytes), _SUFFIXES)
def test_import_into_a_library(library: Library, data: bytes, suffix: str) -> None:
    """A failed or empty import changes nothing; one that adds reports what it added."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        before = _state(library)
        try:
            report = library.import_files([path], fetch=False)
        except ReadinglistError as exc:
            assert str(exc).strip()
            assert _state(library) == before
            return
    if not (report.added or report.merged):
        assert [r for r in _state(library) if r[0] != "last_import"] == [
            r for r in before if r[0] != "last_import"]
    assert all(message.strip() for message in report.unreadable)
    assert all(p.reason.strip() for p in (*report.failed, *report.warnings))
