"""RIS files (Zotero, Mendeley, EndNote, publishers' "export citation" buttons).

rispy does the tag parsing. We split the text into records ourselves first, one per
``TY`` line, so that each record knows its line and one broken record cannot stop the
rest (every record becomes a PaperRecord or an EntryProblem naming its line). We also
normalise what rispy does not accept: a BOM (also mid-file where two exports were joined,
or misread as "ï»¿"), CR or CRLF line ends, ``TY - JOUR`` with one space, records
indented as a whole (pasted from a web page), a bare ``ER``, blank lines inside a
record, and a last record without ``ER``.

Where fields go:

- ``TY`` -> entry_type (BibTeX-like: JOUR -> article, CONF -> inproceedings, ...).
- ``TI``/``T1`` (else ``BT`` for a book, else ``CT``, ``ST``, ``TT``) -> title;
  ``AU``/``A1`` -> authors ("Last, First, Suffix" becomes "First Last Suffix"; EndNote's
  corporate "Google DeepMind," becomes "{Google DeepMind}"); ``A2``/``ED`` -> editor.
- ``PY``/``Y1``/``DA`` -> year (and extra["month"] when the date has one).
- ``T2``/``JF``/``JO``/``BT``/``JA`` -> venue, which is not repeated in extra: exporters
  write it as journal or booktitle according to entry_type.
- ``AB``/``N2`` -> abstract, ``KW`` -> tags, ``N1`` -> note (HTML notes as text, one
  blank line between paragraphs), ``DO`` -> doi, ``ID`` -> key.
- ``UR``/``L2``/``L1`` web addresses -> url (the first) and links (the rest); local
  files in ``L1`` (``file://`` URLs or absolute paths) -> files, when they exist.
- arXiv ids come from arxiv.org URLs, 10.48550 DOIs or "arXiv:2401.12345" in the
  journal, note, misc and accession number (``AN``) fields; an ``AN`` "WOS:..." (a Web
  of Science accession number) -> extra["wos_ut"], as the WoS importer names it.
- Other bibliographic tags -> extra under their BibTeX names (volume, number, pages,
  publisher, address, issn/isbn, edition, language, type, series, ...). Tags with no
  BibTeX counterpart are kept as extra["ris_<tag>"] so nothing is lost, except DB/DP
  (the database the reference was fetched from, not part of the reference).

The helpers ``display_name``, ``find_arxiv_id``, ``year_of``, ``pages_range``,
``plain_note`` and ``classify_location`` are shared with the CSL-JSON and CSV importers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import rispy

from ..domain import EntryProblem, PaperRecord
from ..textutil import extract_links, normalize_arxiv_id, normalize_doi
from .base import ParseResult

FORMAT = "ris"
EXTENSIONS = (".ris",)

# Tags rispy does not know but real files carry: BT (book title, EndNote/Mendeley),
# ED (editor, older EndNote), M2 (Zotero's "extra"), CT (title of unpublished work).
_MAPPING: dict[str, str] = {
    **rispy.TAG_KEY_MAPPING,
    "BT": "book_title",
    "ED": "editors",
    "M2": "misc2",
    "CT": "unpublished_title",
}
_TAG_OF = {name: tag for tag, name in _MAPPING.items()}
# Tags that may repeat; the rest keep their first value (rispy's enforce_list_tags).
# L1/L2 repeat when a record has several attachments, SN for an ISBN and an ISSN, AN for
# several databases' accession numbers.
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "ED", "L1", "L2", "L4", "SN", "AN"]

# A tag line as some exporters write it: one to four spaces or tabs before the dash,
# optional space after it. Only known tags are accepted in this loose form, so that a
# continuation line such as "AI - assisted ..." is not mistaken for a tag.
_LOOSE_TAG = re.compile(r"^([A-Z][A-Z0-9])[ \t]{1,4}-[ \t]*(.*?)[ \t]*$")
_TY_LINE = re.compile(r"^TY[ \t]{1,4}-")
# What can come before a tag without being text: a byte-order mark (mid-file where two
# exports were concatenated), the same mark read as Windows-1252 and saved again as
# UTF-8 ("ï»¿"), and zero-width or no-break spaces from web pages.
_INVISIBLE = re.compile("^(?:\ufeff|\u00ef\u00bb\u00bf|[\u200b\u2060\u00a0])+")

_TYPES = {
    "JOUR": "article", "EJOUR": "article", "JFULL": "article", "MGZN": "article",
    "NEWS": "article", "INPR": "article", "ABST": "article",
    "CONF": "inproceedings", "CPAPER": "inproceedings",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CLSWK": "book",
    "CHAP": "incollection", "ECHAP": "incollection",
    "THES": "phdthesis",
    "RPRT": "techreport", "GOVDOC": "techreport", "STAND": "techreport",
    "ELEC": "online", "WEB": "online", "BLOG": "online", "ICOMM": "online",
    "UNPB": "unpublished", "MANSCPT": "unpublished", "PAT": "patent", "DATA": "dataset",
    "COMP": "software",
}
# Straight tag -> BibTeX field copies into extra.
_EXTRA_TAGS = {
    "VL": "volume", "IS": "number", "CY": "address", "ET": "edition", "LA": "language",
    "NV": "volumes", "Y2": "urldate", "AD": "affiliation", "J2": "shortjournal",
}
_DROPPED_TAGS = {"DB", "DP"}  # where the reference was fetched from
# Fields that may name an arXiv preprint in running text ("arXiv:2401.12345 [cs]").
_ARXIV_TEXT_TAGS = ("JO", "JF", "JA", "T2", "N1", "M1", "M2", "M3", "AN", "SN")
_KEY_SAFE = re.compile(r"^[A-Za-z0-9_:.\-]+$")


@dataclass
class _Chunk:
    """The lines of one record, from its TY line on."""

    line: int
    lines: list[str] = field(default_factory=list)
    closed: bool = False  # an ER line was seen
    indent: str = ""  # the TY line's indentation: same-indented tag lines are tags


def looks_like(text: str) -> bool:
    """True when one of the first non-blank lines is a ``TY  -`` line."""
    lines = [_INVISIBLE.sub("", ln).strip() for ln in text[:8000].splitlines()]
    return any(_TY_LINE.match(ln) for ln in [ln for ln in lines if ln][:40])


def parse(text: str, source: str, *, base_dir: Path | None = None) -> ParseResult:
    """Every record in a RIS file; records that cannot be read are reported by line.
    `base_dir` (the file's folder) resolves relative attachment paths, as Zotero writes
    them when it exports files along with the references."""
    result = ParseResult()
    for chunk in _split(text, source, result):
        try:
            entries = rispy.loads(
                "\n".join([*chunk.lines, "" if chunk.closed else "ER  - "]),
                mapping=_MAPPING,
                list_tags=_LIST_TAGS,
            )
        except Exception as exc:  # rispy promises no error types; one record must not stop all
            result.problems.append(
                EntryProblem(source, chunk.line, f"cannot read this RIS record ({exc})")
            )
            continue
        if not entries:
            result.problems.append(EntryProblem(source, chunk.line, "cannot read this RIS record"))
            continue
        _build(_tag_values(entries[0]), chunk.line, source, result, base_dir)
    # Problems found while splitting come first otherwise; the user reads them by line.
    result.problems.sort(key=lambda p: p.line or 0)
    result.warnings.sort(key=lambda p: p.line or 0)
    return result


# -- splitting ------------------------------------------------------------------------


def _split(text: str, source: str, result: ParseResult) -> list[_Chunk]:
    """Records by TY line; text outside records becomes a warning (or a problem when it
    holds tags, i.e. a record that lost its TY line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # BOMs go line by line below
    chunks: list[_Chunk] = []
    current: _Chunk | None = None
    stray: list[tuple[int, str, str | None]] = []  # (line, text, tag) outside any record

    def flush_stray() -> None:
        tagged = [(n, t) for n, t, tag in stray if tag and tag != "ER"]
        text_lines = [(n, t) for n, t, tag in stray if tag != "ER"]  # a lone ER is harmless
        if tagged:
            n, t = tagged[0]
            result.problems.append(EntryProblem(
                source, n, f"RIS lines without a TY line before them, skipped: '{_short(t)}'"))
        elif text_lines:
            n, t = text_lines[0]
            result.warnings.append(EntryProblem(
                source, n, f"text outside any RIS record ignored: '{_short(t)}'"))
        stray.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        raw = _INVISIBLE.sub("", raw)
        body = raw.lstrip(" \t")
        indent = raw[: len(raw) - len(body)]
        if indent and (_TY_LINE.match(body) or (current and indent == current.indent)):
            raw = body  # an indented record (pasted from a web page): its tags count
        tag, line = _normalise_line(raw)
        if tag is None and current is not None and line.strip() == "ER":
            tag, line = "ER", "ER  - "  # a bare ER (hand-written files)
        if tag == "TY":
            flush_stray()
            if current is not None:
                result.warnings.append(EntryProblem(
                    source, current.line,
                    f"record has no ER line; it is taken to end where line {number} "
                    "starts the next one",
                ))
            current = _Chunk(number, [line], indent=indent)
            chunks.append(current)
        elif current is not None:
            if not line.strip():
                continue  # rispy would add an empty value to the previous tag
            current.lines.append(line)
            if tag == "ER":
                current.closed = True
                current = None
        elif line.strip():
            stray.append((number, line.strip(), tag))
            if tag == "ER":
                flush_stray()  # one problem for each record that lost its TY line
    flush_stray()
    if current is not None:
        result.warnings.append(EntryProblem(
            source, current.line,
            "the last record has no ER line (is the file cut short?); imported as it is",
        ))
    return chunks


def _normalise_line(raw: str) -> tuple[str | None, str]:
    """(tag, line in rispy's 'XX  - value' form) or (None, line) for other lines."""
    line = raw.rstrip()
    if len(line) >= 5 and line[2:5] == "  -" and line[:2].isupper() and line[:1].isalpha():
        # What rispy reads, but rispy cuts the value at column 6: "TI  -Title" would
        # lose its first letter, so the value is re-spaced.
        return line[:2], f"{line[:2]}  - {line[5:].strip()}"
    match = _LOOSE_TAG.match(line)
    if match and match.group(1) in _MAPPING:
        return match.group(1), f"{match.group(1)}  - {match.group(2)}"
    return None, line


def _tag_values(entry: dict) -> dict[str, list[str]]:
    """rispy's entry as tag -> non-empty values, unknown tags included."""
    values: dict[str, list[str]] = {}
    for name, value in entry.items():
        if name == "unknown_tag":
            for tag, items in value.items():
                if tag:  # continuation lines straight after TY come as tag None
                    values.setdefault(tag, []).extend(s.strip() for s in items if s.strip())
            continue
        tag = _TAG_OF.get(name)
        if tag is None:
            continue
        items = value if isinstance(value, list) else [value]
        values[tag] = [str(s).strip() for s in items if str(s).strip()]
    return {tag: items for tag, items in values.items() if items}


# -- one record ----------------------------------------------------------------------


def _build(tags: dict[str, list[str]], line: int, source: str, result: ParseResult,
           base_dir: Path | None) -> None:
    used: set[str] = {"TY", "ER"}

    def first(*names: str) -> str:
        for name in names:
            if tags.get(name):
                used.add(name)
                return tags[name][0]
        return ""

    def every(*names: str) -> list[str]:
        out: list[str] = []
        for name in names:
            if name in tags:
                used.add(name)
                out.extend(v for v in tags[name] if v not in out)
        return out

    ris_type = first("TY").upper()
    entry_type = _TYPES.get(ris_type, "misc")
    key = first("ID")
    title = first("TI", "T1") or (first("BT") if ris_type in {"BOOK", "EBOOK", "EDBOOK"} else "")
    title = title or first("CT") or first("ST") or first("TT")
    # No title (no TI or T1 line): still a record; the import names it from what it has.
    record = PaperRecord(title=title, line=line, source=f"RIS ({source})", key=key)
    record.entry_type = entry_type
    if key and _KEY_SAFE.match(key) and not key.isdigit():
        record.citation_key = key  # EndNote's IDs are record numbers, not citation keys
    record.authors = [a for a in (_ris_name(v) for v in every("AU", "A1")) if a]
    editors = [e for e in (_ris_name(v) for v in every("A2", "ED")) if e]
    extra: dict[str, str] = {}
    if editors:
        extra["editor"] = " and ".join(editors)

    _dates(record, extra, first("PY"), first("Y1"), first("DA"), source, result)
    record.venue = _venue(ris_type, tags, first, extra)
    if entry_type == "phdthesis" and "master" in " ".join(tags.get("M3", [])).lower():
        record.entry_type = "mastersthesis"

    record.abstract = first("AB", "N2")
    if tags.get("N2") == [record.abstract]:
        used.add("N2")  # the same abstract twice (some exporters write both)
    record.note = "\n".join(plain_note(n, paragraphs=True) for n in every("N1"))
    record.tags = [t.strip() for kw in every("KW") for t in kw.split(";") if t.strip()]

    doi = first("DO")
    m3 = tags.get("M3", [""])[0]
    if re.match(r"^(doi:\s*|https?://(dx\.)?doi\.org/)?10\.\d{4,}/", m3, re.I) and (
        not doi or normalize_doi(m3) == normalize_doi(doi)
    ):
        doi = doi or m3  # EndNote and PubMed put the DOI in M3 (PubMed in DO as well)
        used.add("M3")
    record.doi = normalize_doi(doi)

    _locations(record, every("UR", "L2", "L1", "L4"), line, source, result, base_dir)
    texts = [record.doi, record.url, *record.links]
    texts += [v for tag in _ARXIV_TEXT_TAGS for v in tags.get(tag, [])]
    record.arxiv_id = next((a for a in map(find_arxiv_id, texts) if a), "")
    for value in every("AN"):  # accession numbers; "arXiv:ID" (our export) is said above
        if value.upper().startswith("WOS:"):
            extra.setdefault("wos_ut", value)  # as the Web of Science importer names it
        elif not (record.arxiv_id and re.fullmatch(r"(?i)arxiv:\s*\S+", value)):
            extra["ris_an"] = "; ".join(filter(None, (extra.get("ris_an"), value)))

    pages = pages_range(first("SP"), first("EP"))
    if pages:
        extra["pages"] = pages
    publisher = first("PB")
    if publisher:
        extra[{"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
              .get(record.entry_type, "publisher")] = publisher
    for number in every("SN"):
        extra.setdefault(_isbn_or_issn(number, entry_type), number)
    if "M3" not in used and tags.get("M3"):
        extra["type"] = first("M3")
    if ris_type not in {"BOOK", "EBOOK", "EDBOOK"} and tags.get("T3"):
        extra.setdefault("series", first("T3"))
    if tags.get("ST") and first("ST") != record.title:
        extra["shorttitle"] = first("ST")
    accessed = re.match(r"^(\d{4})/(\d{1,2})/(\d{1,2})", tags.get("Y2", [""])[0])
    if accessed:  # Zotero writes access dates as 2024/01/15/10:22:31
        extra["urldate"] = "-".join(f"{int(p):02d}" for p in accessed.groups())
        used.add("Y2")
    for tag, name in _EXTRA_TAGS.items():
        if tags.get(tag):
            extra.setdefault(name, first(tag))
    for tag, values in tags.items():
        if tag not in used and tag not in _DROPPED_TAGS:
            extra[f"ris_{tag.lower()}"] = "; ".join(values)
    record.extra = extra
    result.records.append(record)


def _dates(record: PaperRecord, extra: dict[str, str], py: str, y1: str, da: str,
           source: str, result: ParseResult) -> None:
    """Year from PY, else Y1, else DA ("2021", "2021///", "2021/05/03/", "2021-05-03")."""
    for value in (py, y1, da):
        if value and (year := year_of(value)):
            record.year = year
            break
    else:
        written = py or y1 or da
        if written:
            result.warnings.append(EntryProblem(
                source, record.line, f"'{written}' holds no year; imported without one"
            ))
    for value in (da, y1, py):
        # RIS dates are year/month/day/other; "2021/05//" has a month.
        parts = re.split(r"[/\-]", value)
        if len(parts) > 1 and parts[1].strip().isdigit() and 1 <= int(parts[1]) <= 12:
            extra["month"] = str(int(parts[1]))
            break


def _venue(ris_type: str, tags: dict[str, list[str]], first: Callable[..., str],
           extra: dict[str, str]) -> str:
    """The journal, proceedings or book a record appeared in."""
    if ris_type in {"BOOK", "EBOOK", "EDBOOK"}:
        # For a whole book T2/T3 name its series (Zotero, EndNote), not a venue.
        series = first("T3", "T2")
        if series:
            extra["series"] = series
        return ""
    if ris_type in {"CONF", "CPAPER"} and tags.get("C3"):
        # Zotero: T2 is the conference's name, C3 the proceedings' title.
        event = first("T2")
        if event:
            extra["eventtitle"] = event
        return first("C3")
    venue = first("T2", "JF", "JO", "BT", "JA")
    for tag in ("JF", "JO", "JA"):
        if tags.get(tag) and tags[tag][0] == venue:
            first(tag)  # the same name again (EndNote writes JO and JF): nothing to keep
        elif tag != "JF" and tags.get(tag) and "shortjournal" not in extra:
            # An abbreviation left over once the full name is the venue.
            extra["shortjournal"] = first(tag)
    return venue


def _locations(record: PaperRecord, values: list[str], line: int, source: str,
               result: ParseResult, base_dir: Path | None) -> None:
    """Split UR/L1/L2/L4 values into the url, other links, and files to attach."""
    web: list[str] = []
    for value in values:
        kind, where = classify_location(value, base_dir)
        if kind == "web":
            web.append(where)
        elif kind == "file":
            attach_file(record, where, result, source, line)
        elif kind == "unresolved":
            result.warnings.append(EntryProblem(
                source, line, f"attached file cannot be located, not attached: {where}"
            ))
    record.url = web[0] if web else ""
    links = [*web[1:], *extract_links(record.abstract)]
    record.links = [u for i, u in enumerate(links) if u != record.url and u not in links[:i]]


def _isbn_or_issn(value: str, entry_type: str) -> str:
    digits = re.sub(r"[^0-9Xx]", "", value)
    if len(digits) == 8:
        return "issn"
    if len(digits) in (10, 13):
        return "isbn"
    return "isbn" if entry_type in {"book", "incollection"} else "issn"


def plain_note(note: str, paragraphs: bool = False) -> str:
    """Zotero exports notes as HTML ("<p>Comment: 12 pages</p>"): keep the text. With
    `paragraphs`, paragraphs stay apart by a blank line and lines keep their indentation,
    so a Markdown note written by our RIS export comes back as it was."""
    if not re.search(r"</?[a-zA-Z][^>]*>", note):
        return note
    ends = (r"</p>\s*|</div>\s*", "\n\n") if paragraphs else (r"</p>|</div>", "\n")
    text = re.sub(r"(?i)<br\s*/?>|</li>", "\n", re.sub(*ends, note, flags=re.IGNORECASE))
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    if not paragraphs:
        return "\n".join(ln.strip() for ln in text.splitlines() if ln.strip())
    text = "\n".join(ln.rstrip() for ln in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# -- helpers shared with the other importers --------------------------------------------

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_ARXIV_IN_TEXT = re.compile(
    r"arxiv(?:\.org/(?:abs|pdf)/|\s*:\s*|\.)\s*"
    r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)")


def display_name(name: str) -> str:
    """ "Last, First" -> "First Last"; "King, Martin Luther, Jr." and BibTeX's
    "King, Jr., Martin Luther" -> "Martin Luther King Jr."; a name without a comma, or
    an organisation in braces ("{Google DeepMind}"), is kept as written."""
    name = " ".join(name.split()).strip(" ,;")
    if not name or (name.startswith("{") and name.endswith("}")) or "," not in name:
        return name
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and parts[1].lower() in _SUFFIXES:
        return f"{parts[0]} {parts[1]}"  # "Martin Luther King, Jr."
    if len(parts) == 2:
        last, first, suffix = parts[0], parts[1], ""
    elif parts[1].lower() in _SUFFIXES:
        last, suffix, first = parts[0], parts[1], " ".join(parts[2:])
    else:
        last, first, suffix = parts[0], parts[1], " ".join(parts[2:])
    return " ".join(p for p in (first, last, suffix) if p)


def _ris_name(name: str) -> str:
    """An RIS author: EndNote writes a corporate author with a trailing comma and no other
    ("Google DeepMind,"), kept whole as an organisation; anyone else by display_name."""
    name = " ".join(name.split())
    if name.endswith(",") and name.count(",") == 1 and " " in name:
        return "{" + name.rstrip(",").strip() + "}"
    return display_name(name)


def find_arxiv_id(text: str) -> str:
    """The arXiv id named in a URL, a 10.48550 DOI or "arXiv:2401.12345" text, or ""."""
    match = _ARXIV_IN_TEXT.search(text or "")
    return normalize_arxiv_id(match.group(1)) if match else ""


def year_of(text: str) -> int | None:
    """The first plausible four-digit year in a date string, or None."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def pages_range(start: str, end: str = "") -> str:
    """BibTeX page range: ("12", "19") or "12-19" or "12–19" -> "12--19"."""
    start, end = start.strip(), end.strip()
    if start and end and start != end:
        return f"{start}--{end}"
    pages = start or end
    return re.sub(r"(?<=\w)\s*(?:-+|–|—)\s*(?=\w)", "--", pages)


def classify_location(value: str, base_dir: Path | None = None) -> tuple[str, str]:
    """What a URL/file field holds: ("web", url), ("file", absolute path), ("unresolved",
    value) for a file reference we cannot locate (a relative path without `base_dir`,
    EndNote's internal-pdf://), or ("other", value)."""
    value = value.strip()
    lower = value.lower()
    if lower.startswith(("http://", "https://")):
        return "web", value
    if lower.startswith("file:"):
        parsed = urlparse(value)
        path = url2pathname(parsed.path) if parsed.path else ""
        if parsed.netloc and parsed.netloc != "localhost":
            path = f"//{parsed.netloc}{path}"
        return ("file", path) if path else ("unresolved", value)
    if lower.startswith("internal-pdf:"):
        return "unresolved", value
    if value.startswith("~"):
        value = str(Path(value).expanduser())
    if value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value):
        return "file", value
    if re.search(r"\.(pdf|epub|djvu|html?|docx?)$", lower) and "://" not in value:
        if base_dir is not None:
            return "file", str(base_dir / value)
        return "unresolved", value  # a relative path: relative to what, we cannot know
    return "other", value


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def attach_file(record: PaperRecord, where: str, result: ParseResult, source: str,
                line: int | None) -> None:
    """Attach a local file named by an entry, or warn that it is not there."""
    if Path(where).is_file():
        record.files.append(where)
    else:
        result.warnings.append(EntryProblem(
            source, line, f"attached file not found, not attached: {where}"))
