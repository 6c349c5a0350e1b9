"""BibTeX's ``@string`` macros: field values as BibTeX reads them, with enclosing braces or
quotes removed, macros replaced and ``#`` pieces joined (bibtexparser's own middleware only
replaces whole-value references). The month macros every standard style defines are
known from the start.

Expansion is bounded (see limits.py): one value may not grow past ``MAX_MACRO_CHARS``,
and a file's macros may not make more than ``MAX_EXPANSION_CHARS`` of text in all, so
a 1 KB file of @strings that double each other cannot make gigabytes."""

from __future__ import annotations

import re

from bibtexparser.model import Entry

from ..domain import EntryProblem
from .base import ParseResult
from .bibtex_records import RawEntry
from .limits import (
    MAX_ENTRY_CHARS,
    MAX_EXPANSION_CHARS,
    MAX_FIELD_CHARS,
    MAX_MACRO_CHARS,
    LimitExceeded,
    size_text,
)

# The month macros every standard BibTeX style defines (plain.bst: MACRO {jan} {"January"}).
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip

_BRACES_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')
_BARE_WORD = re.compile(r'[^\s#{}"]+')


class Expansion:
    """State of one file's macro expansion: the @string values so far, what went wrong,
    and how much text macros have made so far (bounded)."""

    def __init__(self, source: str = "") -> None:
        self.source = source
        self.macros = dict(_MONTHS)
        self.undefined: list[str] = []
        self.made = 0  # characters put in by macros, in the whole file

    @property
    def exhausted(self) -> bool:
        """The file's macros made more text than a file may: it is refused whole."""
        return self.made > MAX_EXPANSION_CHARS

    def use(self, value: str, size: int, line: int | None, what: str) -> None:
        """Count a macro's `value` going into a value of `size` characters so far;
        LimitExceeded when that value or the file's expansion passes its limit."""
        self.made += len(value)
        if size > MAX_MACRO_CHARS:
            raise LimitExceeded(self.source, line, f"{what} is longer than the limit once its "
                                "@string macros are expanded", size_text(MAX_MACRO_CHARS))
        if self.exhausted:
            # The whole file: past this, every use of a macro would be refused again.
            raise LimitExceeded(self.source, line, "the file's @string macros expand to "
                                f"more than {size_text(MAX_EXPANSION_CHARS)} of text",
                                size_text(MAX_EXPANSION_CHARS))


def expand(value: str, expansion: Expansion, line: int | None = None,
           what: str = "a value") -> str:
    """A raw field value as BibTeX reads it: enclosing braces or quotes removed, macros
    replaced, ``#`` pieces joined. Inner braces and LaTeX are left for decoding.
    LimitExceeded (naming `what`, at `line`) when it is, or macros would make it, longer
    than a field may be."""
    if len(value) > MAX_FIELD_CHARS + 2:  # (+2: its braces or quotes)
        raise LimitExceeded(expansion.source, line, f"{what} is {size_text(len(value))} long",
                            size_text(MAX_FIELD_CHARS))
    return _expand(value, expansion, line, what)


def _expand(value: str, expansion: Expansion, line: int | None, what: str) -> str:
    value = value.strip()
    if value.startswith("{") and value.endswith("}") and "#" not in value:
        return value[1:-1]  # by far the most common shape
    pieces: list[str] = []
    size = 0
    index, end = 0, len(value)
    while index < end:
        char = value[index]
        if char.isspace() or char == "#":
            index += 1
            continue
        if char in '{"':
            close = closing(value, index)
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
            macro = expansion.macros[word.lower()]
            size += len(macro)
            expansion.use(macro, size, line, what)
            pieces.append(macro)
        else:
            expansion.undefined.append(word)
            pieces.append(word)
    return "".join(pieces)


def closing(value: str, start: int) -> int:
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


def report_undefined(
    expansion: Expansion, result: ParseResult, source: str, line: int | None, what: str
) -> None:
    """One warning for each undefined macro that `what` (an @string definition) used."""
    for name in dict.fromkeys(expansion.undefined):
        result.warnings.append(EntryProblem(
            source, line, f"{what}: @string '{name}' is not defined; its name was used as text"
        ))
    expansion.undefined.clear()


def expand_entry(block: Entry, expansion: Expansion, line: int | None) -> RawEntry:
    """The entry with its field values expanded; undefined macros become its warnings.
    LimitExceeded when a field would expand past the limit."""
    fields: dict[str, str] = {}
    size = 0
    for item in block.fields:
        name = item.key.strip().lower()
        if name in fields:
            continue  # repeated field: BibTeX keeps the first
        what = f"field '{name}' of entry '{block.key}'" if block.key else f"field '{name}'"
        fields[name] = expand(str(item.value), expansion, line, what)
        size += len(fields[name])
        if size > MAX_ENTRY_CHARS:
            key = f"entry '{block.key}'" if block.key else "an entry without a key"
            raise LimitExceeded(expansion.source, line, f"{key} is more than "
                                f"{size_text(MAX_ENTRY_CHARS)} long", size_text(MAX_ENTRY_CHARS))
    entry = RawEntry(block.entry_type.lower(), block.key, line, fields)
    for name in dict.fromkeys(expansion.undefined):
        entry.warnings.append(f"@string '{name}' is not defined; its name was used as text")
    expansion.undefined.clear()
    return entry
