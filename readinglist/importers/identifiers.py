"""A list of papers to look up, one identifier per line: arXiv ids, arXiv URLs (abs, pdf,
html, alphaXiv, Hugging Face papers) and DOIs. Blank lines and lines starting with '#'
are skipped, and so is a ' # comment' after an identifier.

Parsing gives placeholder records (the identifier as title); the service fetches the
details, so this module never touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..domain import EntryProblem
from ..lookup import minimal_record, parse_identifier
from .base import ParseResult
from .limits import drop_oversized

FORMAT = "ids"
EXTENSIONS = (".ids",)

# Sniffing looks at this many content lines: enough to judge, cheap on a big file.
_SNIFF_LINES = 200
_SNIFF_CHARS = 200_000  # ... found in this many characters
# "#" starts a comment only after whitespace: URLs keep their #fragment.
_COMMENT = re.compile(r"\s+#.*$")


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of the lines that should hold an identifier."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if line and not line.startswith("#"):
            yield number, line


def _head_lines(text: str) -> Iterator[tuple[int, str]]:
    """The content lines of the file's head (as _content_lines, without splitting the
    whole file: sniffing a 200 MB file made a list of all its lines)."""
    head = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS:
        head = head[:head.rfind("\n") + 1]
    return _content_lines(head)


def looks_like(text: str) -> bool:
    """True when most content lines are identifiers (and there is at least one)."""
    total = found = 0
    for _number, line in _head_lines(text):
        total += 1
        found += parse_identifier(line) is not None
        if total >= _SNIFF_LINES:
            break
    return found >= 1 and found * 2 > total


def parse(text: str, source: str) -> ParseResult:
    """One placeholder record per identifier; other lines are reported by number."""
    result = ParseResult()
    first_line: dict[str, int] = {}
    for number, line in _content_lines(text):
        identifier = parse_identifier(line)
        if identifier is None:
            result.problems.append(
                EntryProblem(source, number, f"not an arXiv id or DOI: {_short(line)!r}")
            )
            continue
        key = str(identifier)
        if key in first_line:
            result.warnings.append(EntryProblem(
                source, number, f"{key} is already on line {first_line[key]}; listed once"
            ))
            continue
        first_line[key] = number
        record = minimal_record(identifier)
        record.line = number
        record.key = key
        result.records.append(record)
    drop_oversized(result, source)
    return result


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
