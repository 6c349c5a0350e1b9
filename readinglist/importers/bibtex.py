"""BibTeX and BibLaTeX files, as JabRef, Zotero (Better BibTeX), Mendeley, Google Scholar
and hand-kept ``.bib`` files write them.

bibtexparser splits the file into blocks (it keeps going past broken entries and reports
them as failed blocks); this module does the rest in one pass per entry: ``@string``
macros with ``#`` concatenation (bibtexparser's own middleware only replaces whole-value
references), ``crossref``/``xdata`` inheritance, person names (bibtexparser's BibTeX
name splitting), LaTeX to Unicode (pylatexenc, only for values that need it), and the
mapping to PaperRecord fields. Every field not mapped to one is kept in ``extra``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    Field,
    ParsingFailedBlock,
    Preamble,
    String,
)

from ..domain import EntryProblem, ImportFailed
from ..textutil import title_key
from .base import ParseResult
from .bibtex_records import RawEntry, entry_name, to_record, unescape_jabref
from .latex_text import LatexDecoder

# bibtexparser logs each broken block and pylatexenc each odd macro; both reach the user
# as EntryProblems instead, so keep them off stderr when the app configured no logging.
for _name in ("bibtexparser", "pylatexenc"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

FORMAT = "bibtex"
EXTENSIONS = (".bib", ".bibtex", ".biblatex")

# "@article{key," at the start of a line; @string/@comment/@preamble alone are not enough.
_ENTRY_START = re.compile(
    r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(][ \t]*[^\s,{}()=\"#%'~\\]+[ \t]*,", re.MULTILINE
)
_NOT_ENTRIES = {"string", "comment", "preamble"}
# "@COMMENTED{key," is an entry of a custom type, not a comment (a comment has no key).
_COMMENT_TYPED_ENTRY = re.compile(
    r"\s*@\s*(comment[A-Za-z][\w-]*)\s*[{(]\s*[^\s,{}()=\"#%'~\\]+\s*,", re.IGNORECASE)
_SNIFF_CHARS = 100_000
_ENCODING_HEADER = re.compile(r"%[ \t]*Encoding:[ \t]*[^\s@]*", re.IGNORECASE)
# Reading an entry bibtexparser gave up on (see _salvage).
_SALVAGE_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t]*([{(])\s*([^\s,{}()=\"#%'~\\]+)\s*,")
# "@techreport{ journal = {...}, ...}": no key at all (JabRef writes such entries).
_SALVAGE_KEYLESS = re.compile(
    r"@[ \t]*([A-Za-z][\w-]*)[ \t]*([{(])(?=\s*[^\s=,{}()\"#%']+\s*=)")
_SALVAGE_FIELD = re.compile(r"([^\s=,{}()\"#%']+)\s*=\s*")
_SALVAGE_WORD = re.compile(r"[^\s#{}\",()=]+")

# The month macros every standard BibTeX style defines (plain.bst: MACRO {jan} {"January"}).
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip

# What a child takes from its crossref parent in BibTeX is every field it lacks; these
# belong to the parent alone (its own identity, or the user's notes on it). Without this
# every paper of a proceedings volume would get the volume's DOI and be merged into one.
_NOT_INHERITED = frozenset({
    "title", "subtitle", "titleaddon", "shorttitle", "sorttitle", "ids", "crossref", "xref",
    "xdata", "entryset", "label", "shorthand", "sortkey", "doi", "url", "urldate", "eprint",
    "eprinttype", "archiveprefix", "primaryclass", "eprintclass", "abstract", "file", "pdf",
    "note", "annote", "annotation", "comment", "keywords", "readstatus",
    "readinglist-status", "pages", "owner", "timestamp", "creationdate", "modificationdate",
    "groups", "ranking", "priority", "relevance", "qualityassured", "printed", "pmid",
    "pmcid", "arxivid",
})  # fmt: skip
_MAX_INHERITANCE_DEPTH = 20  # real chains are 1-2 deep; this keeps recursion bounded

_FAILED_KEY = re.compile(r"@\s*([\w-]*)\s*[{(]\s*([^\s,={}()]*)")
_BRACES_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')
_BARE_WORD = re.compile(r'[^\s#{}"]+')
_JABREF_FILE_DIRECTORY = re.compile(
    r"jabref-meta:\s*fileDirectory[^:]*:(.*?);?\s*$", re.IGNORECASE | re.DOTALL
)


class _Expansion:
    """State of one file's macro expansion: the @string values so far, what went wrong."""

    def __init__(self) -> None:
        self.macros = dict(_MONTHS)
        self.undefined: list[str] = []


def looks_like(text: str) -> bool:
    """True when the text has an ``@type{key,`` entry at the start of a line."""
    return any(
        m.group(1).lower() not in _NOT_ENTRIES
        for m in _ENTRY_START.finditer(text, 0, _SNIFF_CHARS)
    )


def parse(text: str, source: str, base_dir: Path | None = None) -> ParseResult:
    """Papers in a BibTeX/BibLaTeX file.

    Relative paths in ``file`` fields are looked up in `base_dir` (the .bib file's
    folder; the current folder if None). Broken entries are reported with their line
    and key, and the rest of the file is still read.
    """
    result = ParseResult()
    base = (base_dir if base_dir is not None else Path.cwd()).absolute()
    # Lines starting with "%" are comments (biber, JabRef and LaTeX read them so): a
    # commented-out entry is not an entry. Blanked, so that line numbers stay true.
    text = _blank_comment_lines(text)
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])  # split only: module doc
    except Exception as exc:  # bibtexparser's own internal errors; it reports bad input
        raise ImportFailed(f"{source}: could not be read as BibTeX ({exc})") from None
    entries, file_dirs, preamble = _collect(library, text, source, base, result)
    _inherit_all(entries)
    # BibTeX puts every @preamble of the file before the document, wherever it stands:
    # its macros (\noopsort, a journal's logos) apply to every entry.
    decoder = LatexDecoder(preamble)
    first_use: dict[str, tuple[int | None, str]] = {}
    for entry in entries:
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
            pos = index + 1  # a "%" inside a line: "\%", "50%"
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


def _collect(
    library: bibtexparser.Library, text: str, source: str, base: Path, result: ParseResult
) -> tuple[list[RawEntry], list[Path], str]:
    """Entries in file order with macros expanded, JabRef's file folders and the
    @preamble text; broken blocks and repeated keys become problems."""
    expansion = _Expansion()
    entries: list[RawEntry] = []
    first_line: dict[str, int | None] = {}
    first_titles: dict[str, str] = {}  # title keys by entry key, to tell repeats apart
    file_dirs: list[Path] = []
    locator = _Locator(text)
    preambles: list[str] = []
    for block in library.blocks:
        offset, line = locator.find(block)
        # (bibtexparser always sets ignore_error_block on these two, though typed Optional.)
        if isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            # A repeated key: checked below for entries (also those with repeated
            # fields, which bibtexparser does not register); a repeated @string replaces
            # the earlier one, as in BibTeX.
            block = block.ignore_error_block
        if isinstance(block, String):
            expansion.macros[block.key.strip().lower()] = _expand(block.value, expansion)
            _report_undefined(expansion, result, source, line, f"@string {block.key}")
            continue
        if isinstance(block, ExplicitComment) and _COMMENT_TYPED_ENTRY.match(block.raw or ""):
            # bibtexparser takes every "@comment..." for a comment; "@COMMENTED{key," is
            # an entry of a custom type.
            block = _reparse_entry(block)
        if isinstance(block, ExplicitComment):
            match = _JABREF_FILE_DIRECTORY.search(block.comment)
            if match:
                file_dirs.append(base / Path(unescape_jabref(match.group(1).strip())))
            continue
        repeated_fields: set[str] = set()
        if isinstance(block, DuplicateFieldKeyBlock) and block.ignore_error_block is not None:
            repeated_fields = block.duplicate_keys
            block = block.ignore_error_block
        if isinstance(block, ParsingFailedBlock):
            # bibtexparser refuses some valid BibTeX (a '"' inside braces inside a
            # quoted value, as in Beebe's TeX Live bibliographies): read it ourselves.
            salvaged = _salvage(text, offset) if offset is not None else None
            if salvaged is None:
                result.problems.append(_failed_block_problem(block, source, line))
                continue
            block = salvaged
        if isinstance(block, Preamble):
            preambles.append(_expand(block.value, expansion))
            continue
        if not isinstance(block, Entry):
            continue  # implicit comments (text between entries)
        entry = _expand_entry(block, expansion, line)
        if block.key and block.key in first_line:
            first, first_title = first_line[block.key], first_titles[block.key]
            where = f" (first used on line {first})" if first else ""
            if title_key(entry.fields.get("title", "")) == first_title:
                # BibTeX reads the first and calls the rest repeats: the same work again.
                result.problems.append(EntryProblem(
                    source, line, f"{entry_name(block.key)}: duplicate key{where}, the same title;"
                    " this repeat was skipped"))
                continue
            # Another work under a key already used: kept, under a key of its own.
            n = 2
            while f"{block.key}-{n}" in first_line:
                n += 1
            entry.key = f"{block.key}-{n}"
            entry.warnings.append(f"duplicate key{where} for another title; imported as "
                                  f"'{entry.key}'")
        first_line[entry.key] = line
        first_titles[entry.key] = title_key(entry.fields.get("title", ""))
        if repeated_fields:
            names = ", ".join(sorted(repeated_fields))
            entry.warnings.append(f"field repeated ({names}); the first value was used")
        entries.append(entry)
    return entries, file_dirs, "\n".join(preambles)


# --- splitting and macros ---------------------------------------------------------------


def _reparse_entry(block: ExplicitComment) -> Entry | ParsingFailedBlock | ExplicitComment:
    """An "@commentXYZ{key, ...}" block read again as an entry of type commentxyz."""
    text = block.raw or ""
    match = _COMMENT_TYPED_ENTRY.match(text)
    assert match is not None
    kind = match.group(1)
    stand_in = "readinglistcustomtype"
    raw = text[:match.start(1)] + stand_in + text[match.end(1):]
    blocks = bibtexparser.parse_string(raw, parse_stack=[]).blocks
    if len(blocks) != 1 or not isinstance(blocks[0], Entry | ParsingFailedBlock):
        return block
    found = blocks[0]
    if isinstance(found, Entry):
        return Entry(kind, found.key, found.fields, start_line=block.start_line, raw=block.raw)
    return ParsingFailedBlock(found.error, start_line=block.start_line, raw=block.raw)


def _line(block: object) -> int | None:
    """1-based line of a block (bibtexparser counts from 0)."""
    start = getattr(block, "start_line", None)
    return start + 1 if start is not None else None


class _Locator:
    """Where each block starts in the text, found in order. bibtexparser's own line
    numbers drift after every block with a repeated field (by that block's length), so
    messages on big real files named the wrong lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = -1  # where the last block found starts
        self.line = 1

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
        return None, _line(block)


def _salvage(text: str, start: int) -> Entry | None:
    """The entry at `start` read as BibTeX reads it (a quoted value ends at a '"' outside
    braces), or None when it is really broken: unclosed, or running into the next entry."""
    head = _SALVAGE_HEAD.match(text, start) or _SALVAGE_KEYLESS.match(text, start)
    if head is None:
        return None
    close = "}" if head.group(2) == "{" else ")"
    pos, fields = head.end(), []
    while True:
        pos = _skip(text, pos, " \t\r\n,")
        if pos >= len(text):
            return None
        if text[pos] == close:
            break
        name = _SALVAGE_FIELD.match(text, pos)
        if name is None:
            return None
        pos = value_start = name.end()
        while True:  # pieces joined by '#'
            pos = _skip(text, pos, " \t\r\n")
            if pos < len(text) and text[pos] in '{"':
                end = _closing(text, pos)
                if end < 0:
                    return None
                pos = end + 1
            else:
                word = _SALVAGE_WORD.match(text, pos)
                if word is None:
                    return None
                pos = word.end()
            pos = _skip(text, pos, " \t\r\n")
            if pos < len(text) and text[pos] == "#":
                pos += 1
                continue
            break
        fields.append(Field(name.group(1), text[value_start:pos].strip()))
    raw = text[start:pos + 1]
    if _ENTRY_START.search(raw, head.end()):
        return None  # it swallowed the next entry: an unclosed value, not ours to guess
    key = head.group(3) if head.re is _SALVAGE_HEAD else ""  # keyless: one is made up
    return Entry(head.group(1), key, fields, raw=raw)


def _skip(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] in chars:
        pos += 1
    return pos


def _failed_block_problem(block: ParsingFailedBlock, source: str,
                          line: int | None) -> EntryProblem:
    match = _FAILED_KEY.match(block.raw or "")
    kind, key = (match.group(1).lower(), match.group(2)) if match else ("", "")
    reason = getattr(block.error, "abort_reason", None) or str(block.error)
    if reason.startswith("Unexpected block start"):
        reason = "not closed before the next entry starts (a missing '}' or '\"'?)"
    elif reason.startswith("Unexpectedly reached end of file"):
        reason = "not closed before the end of the file (a missing '}'?)"
    elif reason.startswith("Expected comma after entry key"):
        reason = "no comma after the entry key"
    what = f"@{kind} definition" if kind in _NOT_ENTRIES else entry_name(key)
    return EntryProblem(source, line, f"{what} is malformed: {reason}; skipped")


def _expand(value: str, expansion: _Expansion) -> str:
    """A raw field value as BibTeX reads it: enclosing braces or quotes removed, macros
    replaced, ``#`` pieces joined. Inner braces and LaTeX are left for decoding."""
    value = value.strip()
    if value.startswith("{") and value.endswith("}") and "#" not in value:
        return value[1:-1]  # by far the most common shape
    pieces: list[str] = []
    index, end = 0, len(value)
    while index < end:
        char = value[index]
        if char.isspace() or char == "#":
            index += 1
            continue
        if char in '{"':
            close = _closing(value, index)
            if close < 0:
                return value  # unbalanced: keep what was written rather than lose it
            pieces.append(value[index + 1 : close])
            index = close + 1
            continue
        match = _BARE_WORD.match(value, index)
        if match is None:  # a stray "}": nothing sensible to expand
            return value
        word = match.group(0)
        index = match.end()
        if word.isdigit():
            pieces.append(word)
        elif word.lower() in expansion.macros:
            pieces.append(expansion.macros[word.lower()])
        else:
            expansion.undefined.append(word)
            pieces.append(word)
    return "".join(pieces)


def _closing(value: str, start: int) -> int:
    """Index of the brace or quote closing the one at `start`, or -1."""
    depth = 0
    quoted = value[start] == '"'
    for match in _BRACES_OR_QUOTE.finditer(value, start + 1):
        char = match.group(0)
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return -1 if quoted else match.start()
            depth -= 1
        elif quoted and depth == 0:
            return match.start()
    return -1


def _report_undefined(
    expansion: _Expansion, result: ParseResult, source: str, line: int | None, what: str
) -> None:
    for name in dict.fromkeys(expansion.undefined):
        result.warnings.append(EntryProblem(
            source, line, f"{what}: @string '{name}' is not defined; its name was used as text"
        ))
    expansion.undefined.clear()


def _expand_entry(block: Entry, expansion: _Expansion, line: int | None) -> RawEntry:
    fields: dict[str, str] = {}
    for item in block.fields:
        name = item.key.strip().lower()
        if name in fields:
            continue  # repeated field: BibTeX keeps the first
        fields[name] = _expand(str(item.value), expansion)
    entry = RawEntry(block.entry_type.lower(), block.key, line, fields)
    for name in dict.fromkeys(expansion.undefined):
        entry.warnings.append(f"@string '{name}' is not defined; its name was used as text")
    expansion.undefined.clear()
    return entry


# --- crossref and xdata -----------------------------------------------------------------


def _inherit_all(entries: list[RawEntry]) -> None:
    """Give children the fields they lack from their ``xdata`` and ``crossref`` parents
    (keys compared case-insensitively, as BibTeX does)."""
    by_key = {e.key.lower(): e for e in entries}
    done: set[int] = set()

    def resolve(entry: RawEntry, chain: tuple[str, ...]) -> None:
        if id(entry) in done:
            return
        done.add(id(entry))
        if len(chain) > _MAX_INHERITANCE_DEPTH:
            entry.warnings.append("crossref/xdata chain too long; the rest was not followed")
            return
        for ref in _split_keys(entry.fields.get("xdata", "")):
            parent = _parent(entry, ref, by_key, chain, "xdata")
            if parent is not None:
                resolve(parent, (*chain, entry.key.lower()))
                for name, value in parent.fields.items():
                    if name not in ("ids", "xdata"):
                        entry.fields.setdefault(name, value)
        ref = entry.fields.get("crossref", "").strip()
        if ref:
            parent = _parent(entry, ref, by_key, chain, "crossref")
            if parent is not None:
                resolve(parent, (*chain, entry.key.lower()))
                _inherit(entry, parent)

    for entry in entries:
        resolve(entry, ())


def _split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def _parent(
    entry: RawEntry, ref: str, by_key: dict[str, RawEntry], chain: tuple[str, ...], kind: str
) -> RawEntry | None:
    parent = by_key.get(ref.lower())
    if parent is None:
        entry.warnings.append(f"{kind} '{ref}' is not in the file; imported without its fields")
        return None
    if parent is entry or ref.lower() in chain:
        entry.warnings.append(f"{kind} '{ref}' refers back to this entry; ignored")
        return None
    parent.is_parent = True
    if kind == "crossref":
        entry.parent_title = parent.fields.get("title", "")
    return parent


def _inherit(child: RawEntry, parent: RawEntry) -> None:
    for name, value in parent.fields.items():
        if name not in _NOT_INHERITED:
            child.fields.setdefault(name, value)
    # A paper in a proceedings volume or book takes the volume's title as its booktitle
    # (BibLaTeX's rule; BibTeX files usually spell out booktitle in the parent too).
    if child.entry_type != "article" and "booktitle" not in child.fields:
        title = parent.fields.get("title", "")
        if title.strip():
            child.fields["booktitle"] = title
