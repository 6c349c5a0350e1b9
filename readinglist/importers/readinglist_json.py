"""Readinglist's own JSON export, read back: whole papers with everything the library
knows about them (status history, tags, notes, annotations, attachments, full text)."""

from __future__ import annotations

from ..domain import EntryProblem, ImportFailed
from .base import ParseResult
from .limits import load_json

FORMAT = "json"
EXTENSIONS = (".json",)
MAGIC = "readinglist"  # the value of the file's "format" key
VERSION = 1


def looks_like(text: str) -> bool:
    head = text[:400].replace(" ", "").replace("\n", "")
    return head.startswith("{") and f'"format":"{MAGIC}"' in head


def parse(text: str, source: str) -> ParseResult:
    # Nesting bounded (10,000 levels: RecursionError), numbers of 5,000 digits kept as
    # text (int() refuses them: ValueError), syntax errors with line and column.
    data = load_json(text, source)
    if not isinstance(data, dict) or data.get("format") != MAGIC:
        raise ImportFailed(f"{source}: not a Readinglist JSON export (no \"format\": "
                           f"\"{MAGIC}\")")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ImportFailed(f"{source}: written by a newer Readinglist (format version "
                           f"{version!r}); upgrade the app")
    papers = data.get("papers")
    if not isinstance(papers, list):
        raise ImportFailed(f"{source}: \"papers\" must be a list")
    result = ParseResult()
    for position, paper in enumerate(papers, start=1):
        if isinstance(paper, dict):
            result.snapshots.append((source, position, paper))
        else:
            result.problems.append(EntryProblem(source, None,
                                                f"paper {position}: not a JSON object"))
    return result
