"""BibTeX entries to PaperRecords: the mapping of fields (title, people, year, venue,
identifiers, Readinglist's and JabRef's own fields, attached files), once an entry's
macros are expanded and its crossref parent's fields inherited (see bibtex.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from ..domain import PaperRecord
from ..system.attachment_paths import not_regular
from ..text.bibliography import is_raw, venue_field
from ..text.normalize import extract_links, normalize_arxiv_id, normalize_doi
from .field_values import expanded
from .latex_text import LatexDecoder, year_text
from .limits import excerpt

_VENUE_FIELDS = ("journal", "journaltitle", "booktitle")
_NOTE_FIELDS = ("note", "annote", "annotation")
_STATUS_FIELDS = ("readinglist-status", "readstatus")  # ours first, then JabRef's
_PARAGRAPH_FIELDS = frozenset({"abstract", "note", "comment"})
# Annotations are the user's notes, in Markdown: every line break counts.
_LINE_FIELDS = frozenset({"annote", "annotation"})
_YEAR = re.compile(r"\d{3,4}")
_SUFFIX_COMMA = re.compile(r",\s*(Jr\.?|Sr\.?|II|III|IV)$")
_YEAR_RANGE = re.compile(r"(\d{4})\s*(?:-{1,3}|–|—|/)\s*\d{2,4}")
_JABREF_PRIORITY = {"prio1": "high", "prio2": "normal", "prio3": "low"}
_RATING = re.compile(r"(?:rank)?([1-5])")
_ADDED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")
_DATE_YEAR = re.compile(r"\s*(\d{4})")
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", re.I)
_DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/", re.IGNORECASE)
_ESCAPED_CHAR = re.compile(r"\\([_%&#$~{}])")


@dataclass
class RawEntry:
    """An entry with its macros expanded; values still hold LaTeX."""

    entry_type: str
    key: str
    line: int | None
    fields: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    is_parent: bool = False  # someone's crossref/xdata target
    parent_title: str = ""  # the crossref parent's title (an untitled @inbook's own)


def entry_name(key: str) -> str:
    """How messages name an entry (with its line, given separately)."""
    return f"entry '{key}'" if key else "an entry without a key"


def to_record(
    entry: RawEntry, source: str, base: Path, file_dirs: list[Path], decoder: LatexDecoder,
) -> PaperRecord | None:
    """The record of an entry (a title made from what it has when it has none)."""
    fields = dict(entry.fields)
    fields.pop("crossref", None)  # inherited fields are copied in; the link is not needed
    fields.pop("xdata", None)
    title = decoder.text(fields.pop("title", ""))
    if not title:
        title, where = _stand_in_title(entry, fields, decoder)
        entry.warnings.append(f"@{entry.entry_type or '?'} has no title; titled "
                              f"{title!r} from its {where}")
    record = PaperRecord(
        title=title,
        source=source,
        line=entry.line,
        entry_type=entry.entry_type,
        citation_key=entry.key,
        key=entry.key,
    )
    record.authors = _authors(fields.pop("author", ""), decoder)
    record.year = _year(fields, entry, decoder)
    # The type's own venue field first: the exporter writes the venue there, so an
    # @inbook with a journal and a booktitle reads back the same.
    for name in ("readinglist-venue", venue_field(entry.entry_type), *_VENUE_FIELDS):
        venue = decoder.text(fields.get(name, ""))
        if venue and not venue.lower().startswith(("http://", "https://", "www.")):
            fields.pop(name)
            record.venue = venue
            break
    record.abstract = decoder.paragraphs(fields.pop("abstract", ""))
    record.links = extract_links(record.abstract)
    notes = [_prose(name, fields.pop(name, ""), decoder) for name in _NOTE_FIELDS]
    record.note = "\n\n".join(note for note in notes if note)
    record.tags = _tags(fields.pop("keywords", ""), decoder)
    for name in _STATUS_FIELDS:
        status = decoder.text(fields.get(name, "")).lower()
        if status:
            record.status = status
            # Our export writes both; JabRef's, when it says the same, is no extra field.
            for other in _STATUS_FIELDS:
                if decoder.text(fields.get(other, "")).lower() == status:
                    del fields[other]
            break
    _state(fields, record)

    doi = _unescape(fields.pop("doi", ""))
    url = _unescape(fields.pop("url", ""))
    record.url = url
    if doi:
        record.doi = normalize_doi(doi)
    elif _DOI_URL.match(url):
        record.doi = normalize_doi(url)
    record.arxiv_id = _arxiv_id(fields, record)

    files = fields.pop("file", "")
    if files:
        record.files = _files(files, entry, base, file_dirs)

    record.extra = {
        name: (_raw(value) if is_raw(name) else _prose(name, value, decoder))
        for name, value in fields.items()
        if value.strip()
    }
    return record


def _state(fields: dict[str, str], record: PaperRecord) -> None:
    """Priority, rating and date added, as Readinglist's and JabRef's exports write them
    (``readinglist-priority``/``priority = {prio1}``, ``readinglist-rating``/``ranking =
    {rank4}``, ``readinglist-added``); values that do not parse stay in extra."""
    priority = fields.get("readinglist-priority", "").strip().lower()
    jabref_priority = _JABREF_PRIORITY.get(fields.get("priority", "").strip().lower(), "")
    if priority in ("low", "normal", "high"):
        record.priority = priority
        fields.pop("readinglist-priority")
        if jabref_priority:
            fields.pop("priority")
    elif jabref_priority:
        record.priority = jabref_priority
        fields.pop("priority")
    rating = _RATING.fullmatch(fields.get("readinglist-rating", "").strip()) or _RATING.fullmatch(
        fields.get("ranking", "").strip().lower())
    if rating:
        record.rating = int(rating.group(1))
        for name in ("readinglist-rating", "ranking"):
            if _RATING.fullmatch(fields.get(name, "").strip().lower()):
                fields.pop(name)
    added = fields.get("readinglist-added", "").strip()
    if _ADDED.fullmatch(added):
        record.added = added
        fields.pop("readinglist-added")


def _stand_in_title(entry: RawEntry, fields: dict[str, str],
                    decoder: LatexDecoder) -> tuple[str, str]:
    """A title for an entry that has none (legal in BibTeX: a @misc with a howpublished
    or a note alone, an @inbook whose title is its crossref parent's), and where it
    came from."""
    for where, value in (("crossref parent", entry.parent_title),
                         ("howpublished", fields.get("howpublished", "")),
                         ("note", fields.get("note", "")),
                         ("booktitle", fields.get("booktitle", ""))):
        text = decoder.text(value)
        if text:
            return text[:300], where
    return entry.key or f"untitled @{entry.entry_type} entry", "citation key"


def _raw(value: str) -> str:
    return " ".join(value.split())


def _prose(name: str, value: str, decoder: LatexDecoder) -> str:
    if name in _LINE_FIELDS:
        return "\n".join(decoder.text(line) for line in value.strip().split("\n")).strip()
    return decoder.paragraphs(value) if name in _PARAGRAPH_FIELDS else decoder.text(value)


def _year(fields: dict[str, str], entry: RawEntry, decoder: LatexDecoder) -> int | None:
    raw_year = fields.get("year", "").strip()
    if "\\" not in raw_year:
        raw_year = raw_year.strip("{}").strip()
    # "{\noopsort{1973b}}1973", a sorting trick of classic .bib files, is the year 1973.
    written = year_text(raw_year, decoder) if "\\" in raw_year else raw_year
    plain, years = _YEAR.fullmatch(written), _YEAR_RANGE.fullmatch(written)
    first = plain.group(0) if plain else years.group(1) if years else ""
    if first:
        if plain and written == raw_year:
            fields.pop("year")
        elif written != raw_year:
            # Kept as written, to export back with its trick, when it reads the same
            # without this file's @preamble (exports have none); else as it reads.
            fields["year"] = raw_year if year_text(raw_year) == written else written
        # A range ("1968--90", "1990/91") stays in extra; the year is its first.
        return int(first)
    date = _DATE_YEAR.match(fields.get("date", ""))
    if raw_year:
        # Kept in extra (nothing is dropped), but it is no year the library can sort by.
        fallback = f"; used {date.group(1)} from its date" if date else "; imported without one"
        entry.warnings.append(f"year '{excerpt(_raw(raw_year))}' is not a number{fallback}")
    return int(date.group(1)) if date else None


def _arxiv_id(fields: dict[str, str], record: PaperRecord) -> str:
    """arXiv id from eprint (+ archivePrefix/eprinttype), a venue or note that names it,
    or an arxiv.org URL. An eprint on another server (PubMed, HAL ...) stays in extra."""
    eprint = _unescape(fields.get("eprint", ""))
    if eprint:
        prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
        # No prefix at all: an id of arXiv's own shape ("2401.12345", "hep-th/9711200")
        # is read as one; any other bare eprint stays in extra.
        if prefix == "arxiv" or (not prefix and _ARXIV_ID.fullmatch(eprint.strip())):
            arxiv_id = normalize_arxiv_id(eprint)
            if arxiv_id:
                for name in ("eprint", "archiveprefix", "eprinttype"):
                    fields.pop(name, None)
                return arxiv_id
    for text in (record.venue, fields.get("howpublished", ""), record.note):
        lowered = text.lower()
        if "arxiv" in lowered:
            arxiv_id = normalize_arxiv_id(text[lowered.index("arxiv"):])
            if arxiv_id:
                return arxiv_id
    if "arxiv.org/" in record.url.lower():
        return normalize_arxiv_id(record.url)
    return ""


def _authors(value: str, decoder: LatexDecoder) -> list[str]:
    """Display names ("First von Last Jr.") in file order; "and others" is dropped."""
    names: list[str] = []
    for name in split_multiple_persons_names(value):
        if name.strip().lower() == "others":
            continue
        parts = parse_single_name_into_parts(name, strict=False)
        # "Edwin V. {Bell, II}" and "Bell, II, Edwin V." read the same: no comma.
        display = _SUFFIX_COMMA.sub(r" \1", decoder.text(parts.merge_first_name_first))
        if display:
            names.append(display)
    return names


def _tags(value: str, decoder: LatexDecoder) -> list[str]:
    tags: dict[str, str] = {}
    for tag in re.split(r"[,;]", decoder.text(value)):
        tag = tag.strip()
        if tag and tag.casefold() not in tags:
            tags[tag.casefold()] = tag
    return list(tags.values())


# --- files ------------------------------------------------------------------------------


def _files(value: str, entry: RawEntry, base: Path, file_dirs: list[Path]) -> list[str]:
    """Existing files named by a ``file`` field; missing ones become warnings.

    JabRef writes ``description:path:type`` items separated by ``;`` with ``\\:`` and
    ``\\;`` escaped; Zotero and Mendeley often write bare paths (Mendeley without the
    leading ``/``).
    """
    found: list[str] = []
    for item in _split_unescaped(value, ";"):
        item = item.strip()
        if item.startswith("{") and item.endswith("}"):
            item = item[1:-1].strip()
        if not item:
            continue
        parts = _split_unescaped(item, ":")
        # description:path:type; joining the middle keeps a Windows drive colon.
        written = ":".join(parts[1:-1]) if len(parts) >= 3 else item
        written = unescape_jabref(written).strip()
        if not written.strip(":"):
            continue
        path = _existing(written, base, file_dirs)
        if path is None:
            shown = expanded(written)
            shown = shown if shown.is_absolute() else base / shown
            entry.warnings.append(f"file not found: {shown}; imported without it")
        elif str(path) not in found:
            found.append(str(path))
    return found


def _existing(written: str, base: Path, file_dirs: list[Path]) -> Path | None:
    path = expanded(written)
    if path.is_absolute():
        candidates = [path]
    else:
        candidates = [base / path, *(folder / path for folder in file_dirs)]
        candidates.append(Path("/" + written))  # Mendeley Desktop drops the leading "/"
    for candidate in candidates:
        if not_regular(candidate) is None:  # not there, unreadable, a name no file has
            try:
                return candidate.resolve()
            except (OSError, RuntimeError):  # a symlink loop met while resolving
                continue
    return None


def _split_unescaped(value: str, separator: str) -> list[str]:
    return re.split(rf"(?<!\\){re.escape(separator)}", value)


def unescape_jabref(value: str) -> str:
    return re.sub(r"\\([\\:;])", r"\1", value)


# --- identifiers ---------------------------------------------------------------------


def _unescape(value: str) -> str:
    """An identifier (DOI, URL) without LaTeX escapes: ``a\\_b`` -> ``a_b``."""
    return _ESCAPED_CHAR.sub(r"\1", "".join(value.split()))
