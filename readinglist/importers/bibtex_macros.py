"""BibTeX's ``@string`` macros: field values as BibTeX reads them, with enclosing braces or
quotes removed, macros replaced and ``#`` pieces joined (bibtexparser's own middleware only
replaces whole-value references). The month macros every standard style defines are
known from the start."""

from __future__ import annotations

import re

from bibtexparser.model import Entry

from ..domain import EntryProblem
from .base import ParseResult
from .bibtex_records import RawEntry

# The month macros every standard BibTeX style defines (plain.bst: MACRO {jan} {"January"}).
_MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip

_BRACES_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')
_BARE_WORD = re.compile(r'[^\s#{}"]+')


class Expansion:
    """State of one file's macro expansion: the @string values so far, what went wrong."""

    def __init__(self) -> None:
        self.macros = dict(_MONTHS)
        self.undefined: list[str] = []


def expand(value: str, expansion: Expansion) -> str:
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
            pieces.append(expansion.macros[word.lower()])
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
    """The entry with its field values expanded; undefined macros become its warnings."""
    fields: dict[str, str] = {}
    for item in block.fields:
        name = item.key.strip().lower()
        if name in fields:
            continue  # repeated field: BibTeX keeps the first
        fields[name] = expand(str(item.value), expansion)
    entry = RawEntry(block.entry_type.lower(), block.key, line, fields)
    for name in dict.fromkeys(expansion.undefined):
        entry.warnings.append(f"@string '{name}' is not defined; its name was used as text")
    expansion.undefined.clear()
    return entry
