"""CSV and TSV tables with a header row: spreadsheets, Zotero's "Export > CSV", Goodreads-
style reading lists.

The delimiter (comma, semicolon, tab) is found with csv.Sniffer, checked against the
header. Columns are matched by name, case-insensitively and in any order; each field
accepts common aliases (see _ALIASES), the first alias with a value wins. Every other
non-empty cell is kept in extra under its header in lower case with runs of other
characters as "_" ("Date Added" -> "date_added"): BibTeX field names cannot hold spaces.
A few Zotero columns get their BibTeX names (Issue -> number, Place -> address, ...).

Authors are split on ";" (Zotero: "Last, First; Last2, First2"), " and ", "&" or commas
between full names, and shown as "First Last". Tags are split on ";", else ",".
A row's line is where it starts, quoted multi-line cells included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import EntryProblem, ImportFailed, PaperRecord
from ..text.normalize import extract_links, normalize_arxiv_id, normalize_doi
from .base import ParseResult
from .ris import (
    attach_file,
    classify_location,
    display_name,
    find_arxiv_id,
    pages_range,
    plain_note,
    year_of,
)

if TYPE_CHECKING:
    from _csv import Reader  # the type csv.reader returns (typeshed)

FORMAT = "csv"
EXTENSIONS = (".csv", ".tsv")

_DELIMITERS = (",", ";", "\t")
# Field -> header names (normalised: lower case, "_" and "-" as spaces), best first.
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "authors": ("authors", "author", "creators", "creator"),
    "year": ("year", "publication year", "pub year", "date", "issued", "published"),
    "doi": ("doi",),
    "arxiv_id": ("arxiv id", "arxiv", "eprint", "arxiv identifier"),
    "url": ("url", "link"),
    "abstract": ("abstract", "abstract note", "summary"),
    "tags": ("tags", "keywords", "manual tags", "tag", "keyword"),
    "status": ("status", "read status", "reading status"),
    "venue": ("venue", "journal", "publication title", "publication", "booktitle",
              "container title", "conference"),
    "note": ("note", "notes", "comment", "comments"),
    "citation_key": ("citation key", "citekey", "cite key", "bibtex key"),
    "entry_type": ("item type", "entry type", "entrytype", "bibtex type"),
    "files": ("file attachments", "files", "file", "pdf"),
    "key": ("key", "id"),  # names the row in messages only (Zotero's item key)
}
_FIELD_OF = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
# Zotero's columns with a BibTeX name of their own.
_RENAMED = {
    "issue": "number",
    "place": "address",
    "short title": "shorttitle",
    "journal abbreviation": "shortjournal",
    "access date": "urldate",
    "num pages": "pagetotal",
    "number of volumes": "volumes",
}
_DROPPED = {"library catalog"}  # where Zotero fetched the item from
_NAME_COLUMNS = {"editor", "series editor", "translator", "contributor", "book author"}
_TYPES = {
    "journalarticle": "article", "magazinearticle": "article", "newspaperarticle": "article",
    "conferencepaper": "inproceedings", "book": "book", "booksection": "incollection",
    "thesis": "phdthesis", "report": "techreport", "webpage": "online", "blogpost": "online",
    "forumpost": "online", "preprint": "misc",
}
_BIBTEX_TYPES = {
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
    "mastersthesis", "misc", "online", "phdthesis", "proceedings", "techreport",
    "unpublished",
}
_STATUSES = {
    "to read": "inbox", "to-read": "inbox", "toread": "inbox", "want to read": "inbox",
    "currently reading": "reading", "in progress": "reading",
    "done": "read", "finished": "read",
}
_KEY_SAFE = re.compile(r"^[A-Za-z0-9_:.\-]+$")


def looks_like(text: str) -> bool:
    """True when the first line is a header (two cells or more) with a "title" column."""
    first = _first_line(text)
    for delimiter in _DELIMITERS:
        cells = _cells(first, delimiter)
        if len(cells) >= 2 and "title" in cells:
            return True
    return False


def parse(text: str, source: str, *, base_dir: Path | None = None) -> ParseResult:
    """Every row of a table. ImportFailed when it has no header row or no title column;
    rows without a title, or with broken quoting, are reported by line. `base_dir` (the
    file's folder) resolves relative paths in a file attachments column."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFailed(f"{source}: empty file; a CSV import needs a header row")
    delimiter = _delimiter(text, source)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True,
        strict=True,  # broken quoting is reported, not silently merged into one cell
    )
    result = ParseResult()
    rows = _rows(reader, source, result)
    header_line, header = next(rows, (0, []))
    columns = [_normalise(h) for h in header]
    if "title" not in [_FIELD_OF.get(c) for c in columns]:
        found = ", ".join(f"'{h.strip()}'" for h in header if h.strip()) or "none"
        raise ImportFailed(
            f"{source}:{header_line}: no title column in the header row; columns found: "
            f"{found}"
        )
    for line, cells in rows:
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            result.warnings.append(EntryProblem(
                source, line,
                f"row has {len(cells)} cells but the header has {len(columns)}; "
                "the extra cells are ignored",
            ))
        row = {}
        for column, header_name, cell in zip(columns, header, cells, strict=False):
            value = cell.replace("\r\n", "\n").strip()  # CRLF files keep CRLF inside cells
            if value and column not in row:
                row[column] = (header_name.strip(), value)
        if row:
            _build(row, line, source, result, base_dir)
    return result


def _rows(reader: Reader, source: str,
          result: ParseResult) -> Iterator[tuple[int, list[str]]]:
    """(starting line, cells) of each non-blank row; rows csv cannot read are reported.
    A row starts on the line after the previous one ended (reader.line_num counts the
    physical lines read, so quoted multi-line cells are accounted for)."""
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line_num = reader.line_num
            if "unexpected end of data" in str(exc):
                reason = (f"a quoted cell opened in the row starting here never closes; "
                          f"lines {start}-{line_num} could not be read")
            elif "field limit" in str(exc):
                reason = (f"a cell in the row starting here is too long to be real "
                          f"(a quote that never closes?); lines {start}-{line_num} skipped")
            else:
                reason = f"row cannot be read ({exc}); skipped"
            result.problems.append(EntryProblem(source, start, reason))
            if line_num <= end:
                return  # no progress: stop rather than loop
            end = line_num
            continue
        end = reader.line_num
        if any(c.strip() for c in cells):
            yield start, cells


def _build(row: dict[str, tuple[str, str]], line: int, source: str,
           result: ParseResult, base_dir: Path | None) -> None:
    used: set[str] = set()

    def get(field: str) -> str:
        for alias in _ALIASES[field]:
            if alias in row:
                used.add(alias)
                return row[alias][1]
        return ""

    # Zotero's Extra column holds "Citation Key: x" and "arXiv: 2401.12345" lines.
    zotero_extra = row.get("extra", ("", ""))[1]
    match = re.search(r"^\s*Citation Key:\s*(\S+)\s*$", zotero_extra, re.M | re.I)
    citation_key = get("citation_key") or (match.group(1) if match else "")
    key = citation_key or get("key")
    title = " ".join(get("title").split())
    # An untitled row is still a record: the import names it from what it has.
    record = PaperRecord(title=title, line=line, source=f"CSV ({source})", key=key)
    if citation_key and _KEY_SAFE.match(citation_key):
        record.citation_key = citation_key
    record.authors = split_authors(get("authors"))
    year_text = get("year")
    record.year = year_of(year_text)
    if year_text and record.year is None:
        result.warnings.append(EntryProblem(
            source, line, f"'{year_text}' holds no year; imported without one"
        ))
    record.venue = get("venue")
    record.abstract = get("abstract")
    record.note = plain_note(get("note"))
    record.doi = normalize_doi(get("doi"))
    record.url = get("url")
    record.tags = _split_tags(get("tags"))
    status = get("status").lower()
    record.status = _STATUSES.get(status, status)
    record.entry_type = _entry_type(get("entry_type"))
    record.links = [u for u in extract_links(record.abstract) if u != record.url]
    _files(record, get("files"), line, source, result, base_dir)
    arxiv = get("arxiv_id")
    texts = [arxiv, record.doi, record.url, record.venue, record.note, zotero_extra]
    record.arxiv_id = normalize_arxiv_id(arxiv) or next(
        (a for a in map(find_arxiv_id, texts) if a), ""
    )

    # Everything else, including a second column for a field already filled (Zotero's
    # "Date" next to its "Publication Year"), is kept under its own name.
    extra: dict[str, str] = {}
    for column, (header, value) in row.items():
        if column in used or column in _DROPPED:
            continue
        name = _RENAMED.get(column) or re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")
        if column in _NAME_COLUMNS:
            value = " and ".join(split_authors(value))
        elif name == "pages":
            value = pages_range(value)
        if name and name not in extra:
            extra[name] = value
    extra.pop("key", None)  # Zotero's item key means nothing outside Zotero
    extra.pop("id", None)
    record.extra = extra
    result.records.append(record)


def split_authors(value: str) -> list[str]:
    """'Vaswani, Ashish; Shazeer, Noam' or 'Ashish Vaswani and Noam Shazeer' or
    'Ashish Vaswani, Noam Shazeer' -> ['Ashish Vaswani', 'Noam Shazeer']."""
    value = value.strip()
    if not value:
        return []
    if ";" in value or "\n" in value:
        parts = re.split(r"[;\n]", value)
    elif re.search(r"\s(?:and|&)\s", value):
        parts = re.split(r"\s+(?:and|&)\s+", value)
    elif "," in value:
        pieces = [p.strip() for p in value.split(",") if p.strip()]
        words = [len(p.split()) for p in pieces]
        if len(pieces) == 2 and min(words) == 1:
            parts = [value]  # one "Last, First" name (or "King, Jr.")
        elif all(w >= 2 for w in words):
            parts = pieces  # full names: "Ashish Vaswani, Noam Shazeer"
        elif len(pieces) % 2 == 0 and all(w == 1 for w in words):
            parts = [f"{a}, {b}" for a, b in zip(pieces[::2], pieces[1::2], strict=True)]
        else:
            parts = pieces
    else:
        parts = [value]
    return [n for n in (display_name(p) for p in parts) if n]


def _split_tags(value: str) -> list[str]:
    items = value.split(";") if ";" in value else value.split(",")
    tags: list[str] = []
    for tag in (t.strip() for t in items):
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _entry_type(value: str) -> str:
    folded = re.sub(r"[\s_\-]", "", value.lower())
    if not folded:
        return ""
    if folded in _TYPES:
        return _TYPES[folded]
    return folded if folded in _BIBTEX_TYPES else "misc"


def _files(record: PaperRecord, value: str, line: int, source: str,
           result: ParseResult, base_dir: Path | None) -> None:
    """Zotero's "File Attachments": absolute paths separated by "; "."""
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        kind, where = classify_location(part, base_dir)
        if kind == "web":
            if where != record.url and where not in record.links:
                record.links.append(where)
        elif kind == "file":
            attach_file(record, where, result, source, line)
        else:
            result.warnings.append(EntryProblem(
                source, line, f"attached file cannot be located, not attached: {where}"
            ))


def _delimiter(text: str, source: str) -> str:
    """The sniffed delimiter when it splits the header into cells with a title; else the
    one that does, preferring tab for .tsv files."""
    first = _first_line(text)
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    preferred = "\t" if source.lower().endswith(".tsv") else ","
    candidates = [d for d in (sniffed, preferred, *_DELIMITERS) if d]
    for delimiter in candidates:
        if "title" in _cells(first, delimiter):
            return delimiter
    # No title column whichever way: the caller says which columns it found.
    return max(candidates, key=lambda d: len(_cells(first, d)))


def _first_line(text: str) -> str:
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return line
    return ""


def _cells(line: str, delimiter: str) -> list[str]:
    """The normalised header names of one line split on `delimiter`."""
    try:
        cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return []
    return [_normalise(c) for c in cells]


def _normalise(header: str) -> str:
    return " ".join(re.sub(r"[_\-]", " ", header.strip().strip('"').lower()).split())
