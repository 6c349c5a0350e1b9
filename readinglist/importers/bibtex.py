"""BibTeX and BibLaTeX files, as JabRef, Zotero (Better BibTeX), Mendeley, Google Scholar
and hand-kept ``.bib`` files write them.

bibtexparser splits the file into blocks (it keeps going past broken entries and reports
them as failed blocks); this module does the rest in one pass per entry, finding each
block's true line and handing the work to its neighbours: ``@string`` macros with ``#``
concatenation (bibtex_macros), blocks bibtexparser refused (bibtex_salvage),
``crossref``/``xdata`` inheritance (bibtex_crossref), then person names, LaTeX to Unicode
and the mapping to PaperRecord fields (bibtex_records). Every field not mapped to one is
kept in ``extra``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)

from ..domain import EntryProblem, ImportFailed
from ..text.normalize import title_key
from .base import ParseResult
from .bibtex_crossref import inherit_all
from .bibtex_macros import Expansion, expand, expand_entry, report_undefined
from .bibtex_records import RawEntry, entry_name, to_record, unescape_jabref
from .bibtex_salvage import (
    COMMENT_TYPED_ENTRY,
    ENTRY_START,
    NOT_ENTRIES,
    failed_block_problem,
    reparse_entry,
    salvage,
)
from .latex_text import LatexDecoder
from .limits import LimitExceeded, drop_oversized

# bibtexparser logs each broken block and pylatexenc each odd macro; both reach the user
# as EntryProblems instead, so keep them off stderr when the app configured no logging.
for _name in ("bibtexparser", "pylatexenc"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

FORMAT = "bibtex"
EXTENSIONS = (".bib", ".bibtex", ".biblatex")

_SNIFF_CHARS = 100_000
PIECE_CHARS = 1 << 20  # bibtexparser reads the file in pieces of about this many characters
_ENCODING_HEADER = re.compile(r"%[ \t]*Encoding:[ \t]*[^\s@]*", re.IGNORECASE)
_JABREF_FILE_DIRECTORY = re.compile(
    r"jabref-meta:\s*fileDirectory[^:]*:(.*?);?\s*$", re.IGNORECASE | re.DOTALL
)


def looks_like(text: str) -> bool:
    """True when the text has an ``@type{key,`` entry at the start of a line."""
    return any(
        m.group(1).lower() not in NOT_ENTRIES
        for m in ENTRY_START.finditer(text, 0, _SNIFF_CHARS)
    )


def parse(text: str, source: str, base_dir: Path | None = None) -> ParseResult:
    """Papers in a BibTeX/BibLaTeX file.

    Relative paths in ``file`` fields are looked up in `base_dir` (the .bib file's
    folder; the current folder if None). Broken entries are reported with their line
    and key, and the rest of the file is still read.
    """
    result = ParseResult()
    base = (base_dir if base_dir is not None else Path.cwd()).absolute()
    collector = _Collector(source, base, result)
    # In pieces of about a megabyte, each cut where an entry starts (as bibtexparser
    # would cut): its model of a 200 MB file took four times the file in memory.
    for piece, first_line, last in _pieces(text):
        # Lines starting with "%" are comments (biber, JabRef and LaTeX read them so): a
        # commented-out entry is not an entry. Blanked, so that line numbers stay true.
        piece = _blank_comment_lines(piece)
        try:
            library = bibtexparser.parse_string(piece, parse_stack=[])  # split only
        except Exception as exc:  # bibtexparser's own internal errors; it reports bad input
            raise ImportFailed(f"{source}: could not be read as BibTeX ({exc})") from None
        collector.collect(library, piece, first_line, last)
        del library
    entries, file_dirs = collector.entries, collector.file_dirs
    preamble = "\n".join(collector.preambles)
    inherit_all(entries)
    # BibTeX puts every @preamble of the file before the document, wherever it stands:
    # its macros (\noopsort, a journal's logos) apply to every entry.
    decoder = LatexDecoder(preamble)
    first_use: dict[str, tuple[int | None, str]] = {}
    entries.reverse()
    while entries:  # each entry let go once read (parents have given their fields)
        entry = entries.pop()
        if entry.entry_type == "xdata":
            continue  # BibLaTeX data containers: never papers themselves
        known = set(decoder.unknown)
        try:
            record = to_record(entry, source, base, file_dirs, decoder)
        except Exception as exc:  # one odd entry must not cost the rest of the file
            result.problems.append(EntryProblem(
                source, entry.line, f"{entry_name(entry.key)}: could not be read ({exc}); skipped"
            ))
            continue
        if record is not None:
            result.records.append(record)
            result.warnings.extend(
                EntryProblem(source, entry.line, f"{entry_name(entry.key)}: {warning}")
                for warning in entry.warnings
            )
        for name in decoder.unknown.keys() - known:
            first_use[name] = (entry.line, entry.key)
    for name, count in decoder.unknown.items():
        line, key = first_use.get(name, (None, ""))
        uses = f"{count} use{'s' if count != 1 else ''}"
        result.warnings.append(EntryProblem(
            source, line, f"LaTeX macro \\{name} is unknown; its name was kept as text "
            f"({uses}, the first in {entry_name(key)})"))
    drop_oversized(result, source)  # (values grown by LaTeX macros of the @preamble)
    # Problems are found in two passes; report them in file order.
    result.problems.sort(key=lambda p: p.line or 0)
    result.warnings.sort(key=lambda p: p.line or 0)
    return result


def _blank_comment_lines(text: str) -> str:
    """`text` with the lines that start with "%" emptied (their line ends kept). A loop of
    short searches rather than one regular expression over the whole file, which would
    hold the interpreter for a fifth of a second on a 40 MB file while the app waits."""
    parts: list[str] = []
    pos = last = 0
    while (index := text.find("%", pos)) >= 0:
        start = text.rfind("\n", 0, index) + 1
        if text[start:index].strip(" \t"):
            # A "%" inside a line ("\%", "50%"): no other "%" of this line starts one
            # either, and looking back from each of them made a line of "x%x%..." quadratic.
            end = text.find("\n", index)
            if end < 0:
                break
            pos = end + 1
            continue
        end = text.find("\n", index)
        end = len(text) if end < 0 else end
        header = _ENCODING_HEADER.match(text, index, end)
        if header is not None:
            end = header.end()  # JabRef's "% Encoding: X" may run into the first entry
        parts.append(text[last:start])
        last = pos = end
    parts.append(text[last:])
    return "".join(parts)


def _pieces(text: str) -> Iterator[tuple[str, int, bool]]:
    """`text` cut into pieces of at least PIECE_CHARS where an entry starts at the start
    of a line, each with the number of its first line and whether it is the last."""
    start, line = 0, 1
    while start < len(text):
        match = ENTRY_START.search(text, start + PIECE_CHARS) if (
            len(text) - start > PIECE_CHARS) else None
        end = match.start() if match else len(text)
        piece = text[start:end]
        yield piece, line, end == len(text)
        line += piece.count("\n")
        start = end


class _Collector:
    """Entries in file order with macros expanded, JabRef's file folders and the
    @preamble texts, gathered piece by piece; broken blocks and repeated keys become
    problems."""

    def __init__(self, source: str, base: Path, result: ParseResult) -> None:
        self.source = source
        self.base = base
        self.result = result
        self.expansion = Expansion(source)
        self.entries: list[RawEntry] = []
        self.file_dirs: list[Path] = []
        self.preambles: list[str] = []
        self.first_line: dict[str, int | None] = {}
        self.first_titles: dict[str, str] = {}  # title keys by entry key, to tell repeats apart
        self.last = True  # reading the file's last piece
        self.next_number: dict[str, int] = {}  # repeated keys: the next "key-N" to try

    def collect(self, library: bibtexparser.Library, text: str, first_line: int,
                last: bool) -> None:
        """The blocks of one piece of the file (`text`, starting on line `first_line`)."""
        self.last = last
        locator = _Locator(text, first_line)
        for block in library.blocks:
            offset, line = locator.find(block)
            entry, repeated_fields = self._block(block, text, offset, line)
            if entry is not None:
                self._entry(entry, line, repeated_fields)

    def _block(self, block: Block, text: str, offset: int | None,
               line: int | None) -> tuple[Entry | None, set[str]]:
        """The entry a block is, once unwrapped or salvaged, and its repeated fields;
        None for the other blocks (taken in here: @string, @preamble, JabRef's
        comments)."""
        source, result, expansion = self.source, self.result, self.expansion
        # (bibtexparser always sets ignore_error_block on these two, though typed Optional.)
        if isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            # A repeated key: checked below for entries (also those with repeated
            # fields, which bibtexparser does not register); a repeated @string replaces
            # the earlier one, as in BibTeX.
            block = block.ignore_error_block
        if isinstance(block, String):
            name = block.key.strip().lower()
            try:
                expansion.macros[name] = expand(block.value, expansion, line,
                                                f"@string {block.key}")
            except LimitExceeded as exc:
                _refused(exc, expansion, result, "left empty")
                expansion.macros[name] = ""
            report_undefined(expansion, result, source, line, f"@string {block.key}")
            return None, set()
        if isinstance(block, ExplicitComment) and COMMENT_TYPED_ENTRY.match(block.raw or ""):
            # bibtexparser takes every "@comment..." for a comment; "@COMMENTED{key," is
            # an entry of a custom type.
            block = reparse_entry(block)
        if isinstance(block, ExplicitComment):
            match = _JABREF_FILE_DIRECTORY.search(block.comment)
            if match:
                self.file_dirs.append(self.base / Path(unescape_jabref(match.group(1).strip())))
            return None, set()
        repeated_fields: set[str] = set()
        if isinstance(block, DuplicateFieldKeyBlock) and block.ignore_error_block is not None:
            repeated_fields = block.duplicate_keys
            block = block.ignore_error_block
        if isinstance(block, ParsingFailedBlock):
            # bibtexparser refuses some valid BibTeX (a '"' inside braces inside a
            # quoted value, as in Beebe's TeX Live bibliographies): read it ourselves.
            salvaged = salvage(text, offset) if offset is not None else None
            if salvaged is None:
                # (The end of a piece other than the last is where the next entry starts.)
                result.problems.append(failed_block_problem(block, source, line, self.last))
                return None, set()
            block = salvaged
        if isinstance(block, Preamble):
            try:
                self.preambles.append(expand(block.value, expansion, line, "@preamble"))
            except LimitExceeded as exc:
                _refused(exc, expansion, result, "skipped")
            return None, set()
        if not isinstance(block, Entry):
            return None, set()  # implicit comments (text between entries)
        return block, repeated_fields

    def _entry(self, block: Entry, line: int | None, repeated_fields: set[str]) -> None:
        source, result = self.source, self.result
        try:
            entry = expand_entry(block, self.expansion, line)
        except LimitExceeded as exc:
            _refused(exc, self.expansion, result, "skipped")
            return
        if block.key and block.key in self.first_line:
            first, first_title = self.first_line[block.key], self.first_titles[block.key]
            where = f" (first used on line {first})" if first else ""
            if title_key(entry.fields.get("title", "")) == first_title:
                # BibTeX reads the first and calls the rest repeats: the same work again.
                result.problems.append(EntryProblem(
                    source, line, f"{entry_name(block.key)}: duplicate key{where}, the same title;"
                    " this repeat was skipped"))
                return
            # Another work under a key already used: kept, under a key of its own. (The
            # number to try next is kept per key: a file of 8,000 entries under one key
            # took 75 s, trying -2, -3 ... for each.)
            key = block.key
            n = self.next_number.get(key, 2)
            while f"{key}-{n}" in self.first_line:
                n += 1
            self.next_number[key] = n + 1
            entry.key = f"{key}-{n}"
            entry.warnings.append(f"duplicate key{where} for another title; imported as "
                                  f"'{entry.key}'")
        self.first_line[entry.key] = line
        self.first_titles[entry.key] = title_key(entry.fields.get("title", ""))
        if repeated_fields:
            names = ", ".join(sorted(repeated_fields))
            entry.warnings.append(f"field repeated ({names}); the first value was used")
        self.entries.append(entry)


def _refused(exc: LimitExceeded, expansion: Expansion, result: ParseResult,
             action: str) -> None:
    """A definition or entry over a limit: its problem, or the whole file refused when
    the file's macro expansion as a whole is past its limit."""
    if expansion.exhausted:
        raise exc
    result.problems.append(exc.problem(action))


# --- where blocks start -----------------------------------------------------------------


def _line(block: object) -> int | None:
    """1-based line of a block (bibtexparser counts from 0)."""
    start = getattr(block, "start_line", None)
    return start + 1 if start is not None else None


class _Locator:
    """Where each block starts in the text, found in order. bibtexparser's own line
    numbers drift after every block with a repeated field (by that block's length), so
    messages on big real files named the wrong lines."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.pos = -1  # where the last block found starts
        self.line = first_line
        self.first_line = first_line

    def find(self, block: object) -> tuple[int | None, int | None]:
        """(offset, 1-based line) of the block, or bibtexparser's line if not found."""
        raw = getattr(block, "raw", None)
        if raw:
            # After the last block's start: a repeated entry has the same text.
            index = self.text.find(raw[:80], self.pos + 1)
            if index >= 0:
                self.line += self.text.count("\n", max(self.pos, 0), index)
                self.pos = index
                return index, self.line
        line = _line(block)
        return None, line + self.first_line - 1 if line is not None else None
