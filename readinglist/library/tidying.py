"""Records on their way into the library: control characters removed from every text,
fields checked and tidied, a paper of Readinglist's own JSON read as a record.

An import (importing.py) passes every record and restored paper through here before it
looks for the paper it may be; Library.add tidies its record here too (normalize), and
Library.update checks a year (check_year).
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from ..domain import PaperRecord, ReadinglistError
from ..store.paper_store import clean_tag
from ..text.normalize import extract_links, normalize_arxiv_id, normalize_doi, strip_controls

_ARXIV_DOI_PREFIX = re.compile(r"^10\.48550/arxiv\.", re.IGNORECASE)
_ARXIV_SOURCE = re.compile(r"^10\.48550/arxiv\.|arxiv\.org/(abs|pdf)/", re.IGNORECASE)


def check_year(year: object) -> int | None:
    """A year as an int (or None); anything else is refused before it reaches the index."""
    if year is None or year == "":
        return None
    try:
        value = int(str(year).strip())
    except ValueError:
        raise ReadinglistError(f"a year is a number like 2024, not {year!r}") from None
    if not 0 < value < 10000:
        raise ReadinglistError(f"a year is a number like 2024, not {year!r}")
    return value


# Fields that name files on disk, not text: a file name may hold any character.
_PATH_FIELDS = frozenset({"files"})
_MAX_DEPTH = 8  # snapshots are shallow; deeper values are refused by the restore anyway


def strip_record_controls(record: PaperRecord) -> None:
    """Remove control characters from every text of `record` (its list and dict values
    too; not the paths of files to attach). The import boundary: every importer's
    records, records looked up on arXiv or Crossref and records a script imports pass
    here (a paper added by hand with Library.add does not)."""
    for item in fields(record):
        if item.name in _PATH_FIELDS:
            continue
        value = getattr(record, item.name)
        if isinstance(value, (str, list, dict)):
            setattr(record, item.name, _clean(value))


def strip_snapshot_controls(snap: dict[str, Any]) -> dict[str, Any]:
    """A Readinglist JSON paper with control characters removed from its texts (title,
    notes, highlights, tags, extra fields ...), attachment paths kept as written."""
    return {key: value if key == "attachments" else _clean(value)
            for key, value in snap.items()}


def _clean(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if depth >= _MAX_DEPTH:
        return value
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_clean(k, depth + 1): _clean(v, depth + 1) for k, v in value.items()}
    return value


def normalize(record: PaperRecord) -> None:
    """Tidy a record in place (whitespace, identifiers); ReadinglistError if a field is
    unusable (a year that is not a year, an unknown status)."""
    record.title = " ".join(record.title.split())
    record.year = check_year(record.year)
    record.doi = normalize_doi(record.doi)
    record.arxiv_id = normalize_arxiv_id(record.arxiv_id)
    if not record.arxiv_id:
        # arXiv's own DOIs (10.48550/arXiv.2401.12345) and arxiv.org URLs name the paper.
        for text in (record.doi, record.url):
            if _ARXIV_SOURCE.search(text):
                record.arxiv_id = normalize_arxiv_id(_ARXIV_DOI_PREFIX.sub("", text))
                break
    record.authors = [" ".join(a.split()) for a in record.authors if a.strip()]
    record.tags = [clean_tag(t) for t in record.tags if clean_tag(t)]
    if not record.links and record.abstract:
        record.links = extract_links(record.abstract)


def record_from_snapshot(snap: dict, source: str) -> PaperRecord:
    """The bibliographic part of a snapshot, to find and fill a duplicate with."""
    def text(key: str) -> str:
        value = snap.get(key)
        if value is not None and not isinstance(value, str):
            raise ReadinglistError(f"{key} must be text, not {value!r}")
        return value or ""

    def strings(key: str) -> list[str]:
        value = snap.get(key) or []
        if not isinstance(value, list):
            raise ReadinglistError(f"{key} must be a list, not {value!r}")
        return [str(v) for v in value]

    extra = snap.get("extra") or {}
    if not isinstance(extra, dict):
        raise ReadinglistError("extra must be an object")
    return PaperRecord(
        title=text("title"),
        authors=strings("authors"),
        year=snap.get("year"),
        venue=text("venue"),
        arxiv_id=text("arxiv_id"),
        doi=text("doi"),
        url=text("url"),
        abstract=text("abstract"),
        links=strings("links"),
        source=source,
        tags=strings("tags"),
        entry_type=text("entry_type"),
        citation_key=text("citation_key"),
        extra={str(k): str(v) for k, v in extra.items()},
        note=text("note"),
        fulltext=text("fulltext"),
    )
