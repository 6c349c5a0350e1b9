"""Web of Science exports (Clarivate): the tagged "Plain text file" (savedrecs.txt, also
.ciw) and the "Tab delimited file", whose columns carry the same two-letter tags.

A tagged file::

    FN Clarivate Analytics Web of Science
    VR 1.0
    PT J
    AU Smith, J
       Doe, AB
    AF Smith, John
       Doe, Anne B.
    TI A title long enough to
       wrap onto a second line
    ...
    ER

    EF

Each line is a tag, a space and a value; a line indented by spaces continues the tag
above it. For names and addresses (AU, AF, BE, CA, C1 ...) each line is one more value;
for the rest (TI, SO, AB, DE ...) it is the same text wrapped, joined with spaces.
Records run from PT to ER. As in the RIS importer a record without ER ends at the next
PT, and lines outside any record are reported, so every record becomes a PaperRecord or
an EntryProblem naming its line.

Where fields go:

- PT (with DT) -> entry_type: J article; B book, or incollection for a chapter; S (a
  book series, mostly conference proceedings) inproceedings, or incollection for a
  chapter; C inproceedings; P patent; anything else misc.
- TI -> title; AF (full names, else AU, else the book's BF/BA) -> authors as "First Last"
  (AU's "Smith, JA" -> "J. A. Smith"); CA group authors -> "{Consortium}" after them;
  BE -> extra["editor"].
- PY (else EY, the early access year, else EA or PD) -> year; PD (else EA) -> month.
- SO -> venue (not for a whole book, whose SE is its series); AB -> abstract;
  DE, then ID (Keywords Plus) -> tags; DI -> doi (and the arXiv id of a 10.48550 DOI).
- Tags with a BibTeX or biblatex field go to extra under its name (_FIELDS: volume,
  number, pages, eid, publisher, issn, isbn, language, affiliation, eventtitle ...);
  every other tag goes to extra["wos_<tag>"]: UT, the accession number, is
  extra["wos_ut"] and names the record in messages.
- Not kept: the file's FN/VR/EF lines, and CR, the cited references (the paper's own
  bibliography, often hundreds of lines, not a description of the paper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain import EntryProblem, PaperRecord
from ..text.normalize import normalize_doi
from .base import ParseResult
from .limits import drop_oversized
from .ris import display_name, find_arxiv_id, pages_range, year_of

FORMAT = "wos"
EXTENSIONS = (".txt", ".ciw", ".isi")

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
# A byte-order mark, also mid-file where two exports were joined, or misread as "ï»¿".
_INVISIBLE = re.compile("^(?:\ufeff|\u00ef\u00bb\u00bf)+")
_VERSION = re.compile(r"^VR \d+(?:\.\d+)?$")
_RECORD_START = re.compile(r"^PT [A-Z]$")
_RIS_TY = re.compile(r"^TY[ \t]{1,4}-")
# Tags whose continuation lines are further values, not wrapped text.
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "C1", "CR", "RI", "OI"})
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
_DROPPED = frozenset({"PT", "ER", "CR"})
# WoS tag -> BibTeX/biblatex field (lower case) in extra.
_FIELDS = {
    "VL": "volume", "IS": "number", "AR": "eid", "PG": "pagetotal", "PU": "publisher",
    "PI": "address", "SN": "issn", "EI": "eissn", "BN": "isbn", "LA": "language",
    "JI": "shortjournal", "SE": "series", "CT": "eventtitle", "CY": "eventdate",
    "CL": "venue", "PM": "pmid",
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")", re.IGNORECASE)


@dataclass
class _Record:
    line: int
    # tag -> its values (a tag may repeat), each value as its lines
    fields: dict[str, list[list[str]]] = field(default_factory=dict)


def looks_like(text: str) -> bool:
    """True for the FN/VR header, the PT ... record structure (and no RIS TY line), or
    the tab-delimited export's header row."""
    lines = [ln for ln in (_INVISIBLE.sub("", raw).rstrip() for raw in
                           text[:8000].splitlines()) if ln.strip()]
    if not lines:
        return False
    if _is_table_header(lines[0]):
        return True
    if lines[0].startswith("FN ") and any(_VERSION.match(ln) for ln in lines[1:3]):
        return True
    if any(_RIS_TY.match(ln.lstrip()) for ln in lines):
        return False
    start = next((i for i, ln in enumerate(lines) if _RECORD_START.match(ln)), None)
    # A record: PT, then tagged lines such as the title, authors or source.
    return start is not None and any(
        re.match(r"^(?:TI|AU|AF|SO) \S", ln) for ln in lines[start + 1 : start + 40]
    )


def parse(text: str, source: str) -> ParseResult:
    """Every record of a Web of Science export; records that cannot be read are
    reported by line."""
    text = _INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    result = ParseResult()
    records = _table_rows(text) if _is_table_header(first) else _split(text, source, result)
    for record in records:
        _build(record.fields, record.line, source, result)
    drop_oversized(result, source)
    result.problems.sort(key=lambda p: p.line or 0)
    result.warnings.sort(key=lambda p: p.line or 0)
    return result


# -- reading records ----------------------------------------------------------------------


def _split(text: str, source: str, result: ParseResult) -> list[_Record]:
    """The tagged records; text outside them becomes a warning (a problem when it holds
    tags: a record that lost its PT line)."""
    records: list[_Record] = []
    current: _Record | None = None
    last_tag: str | None = None
    stray: list[tuple[int, str, bool]] = []  # (line, text, is a tag line) outside records

    def flush_stray() -> None:
        tagged = [(n, t) for n, t, is_tag in stray if is_tag]
        if tagged:
            result.problems.append(EntryProblem(
                source, tagged[0][0],
                f"Web of Science lines without a PT line before them, skipped: "
                f"'{_short(tagged[0][1])}'",
            ))
        elif stray:
            result.warnings.append(EntryProblem(
                source, stray[0][0], f"text outside any record ignored: '{_short(stray[0][1])}'"
            ))
        stray.clear()

    def unclosed(number: int | None) -> None:
        if current is None:
            return
        reason = (f"record has no ER line; it is taken to end before line {number}" if number
                  else "the last record has no ER line (is the file cut short?); imported "
                       "as it is")
        result.warnings.append(EntryProblem(source, current.line, reason))

    for number, raw in enumerate(text.split("\n"), start=1):
        line = _INVISIBLE.sub("", raw).rstrip()
        if not line.strip():
            continue
        match = _TAG_LINE.match(line)
        if match is None:  # indented (or no tag at all): the tag above continues
            if current is not None and last_tag is not None:
                current.fields[last_tag][-1].append(line.strip())
            else:
                stray.append((number, line.strip(), False))
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "PT":
            flush_stray()
            unclosed(number)
            current = _Record(number, {"PT": [[value]]})
            records.append(current)
            last_tag = tag
        elif tag == "ER":
            if current is None:
                flush_stray()  # one problem for each record that lost its PT line
            current, last_tag = None, None
        elif tag in _FILE_TAGS:
            # FN/VR of a second file joined to the first, or EF: no record is open here.
            unclosed(number)
            current, last_tag = None, None
        elif current is None:
            stray.append((number, line, True))
            last_tag = None
        else:
            current.fields.setdefault(tag, []).append([value])
            last_tag = tag
    flush_stray()
    unclosed(None)
    return records


def _is_table_header(line: str) -> bool:
    cells = line.split("\t")
    return len(cells) > 2 and cells[0].strip() == "PT" and {"TI", "AU"} <= set(cells)


def _table_rows(text: str) -> list[_Record]:
    """The rows of the tab-delimited export (one record per line, lists split at ";")."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.strip())
    columns = [c.strip() for c in lines[start].split("\t")]
    records: list[_Record] = []
    for number, row in enumerate(lines[start + 1 :], start=start + 2):
        if not row.strip():
            continue
        fields: dict[str, list[list[str]]] = {}
        for tag, cell in zip(columns, row.split("\t"), strict=False):
            cell = cell.strip()
            if cell and re.fullmatch(r"[A-Z][A-Z0-9]", tag):
                fields[tag] = [cell.split(";")] if tag in _LIST_TAGS else [[cell]]
        records.append(_Record(number, fields))
    return records


# -- one record -----------------------------------------------------------------------------


def _build(fields: dict[str, list[list[str]]], line: int, source: str,
           result: ParseResult) -> None:
    used: set[str] = set(_DROPPED)

    def text(tag: str, mark: bool = True) -> str:
        """The tag's text, wrapped lines joined; a repeated tag's other values after "; "."""
        if mark:
            used.add(tag)
        values = (" ".join(ln.strip() for ln in value if ln.strip())
                  for value in fields.get(tag, []))
        return "; ".join(dict.fromkeys(v for v in values if v))

    def items(tag: str) -> list[str]:
        """One value per line (names, addresses)."""
        used.add(tag)
        return [ln.strip() for value in fields.get(tag, []) for ln in value if ln.strip()]

    accession = text("UT", mark=False)
    entry_type = _entry_type(text("PT"), text("DT", mark=False))
    title = text("TI")
    if not title and entry_type == "book":
        title = text("SO")
    # No title (no TI line): still a record; the import names it from what it has.
    record = PaperRecord(title=title, line=line, source=f"Web of Science ({source})",
                         key=accession)
    record.entry_type = entry_type
    persons: list[str] = []
    for full, short in (("AF", "AU"), ("BF", "BA")):  # a book's own authors: BF/BA
        persons = persons or items(full) or items(short)  # AF: the AU names in full
    record.authors = [a for a in map(_person, persons) if a]
    record.authors += [f"{{{group}}}" for group in items("CA")]
    extra: dict[str, str] = {}
    editors = [e for e in map(_person, items("BE")) if e]
    if editors:
        extra["editor"] = " and ".join(editors)

    dates = (text("PY"), text("EY", False), text("EA", False), text("PD", False))
    record.year = next((y for y in map(year_of, dates) if y), None)
    month = _month(text("PD", False)) or _month(text("EA", False))
    if month:
        extra["month"] = month
    if entry_type == "book":
        # A whole book: SO repeats its title or names its series; it is no venue.
        if text("SO", False).casefold() in (title.casefold(), text("SE", False).casefold()):
            used.add("SO")
    else:
        record.venue = text("SO")
    record.abstract = text("AB")
    keywords = [k.strip() for tag in ("DE", "ID") for k in text(tag).split(";") if k.strip()]
    for keyword in keywords:  # Keywords Plus often repeat an author's keyword in capitals
        if keyword.casefold() not in {t.casefold() for t in record.tags}:
            record.tags.append(keyword)
    record.doi = normalize_doi(text("DI"))
    record.arxiv_id = find_arxiv_id(record.doi)

    pages = pages_range(text("BP"), text("EP"))
    if pages:
        extra["pages"] = pages
    if fields.get("C1"):
        extra["affiliation"] = "; ".join(items("C1"))
    for tag, name in _FIELDS.items():
        if text(tag, False):
            extra.setdefault(name, text(tag))
    for tag in fields:
        if tag not in used:
            joined = "; ".join(items(tag)) if tag in _LIST_TAGS else text(tag)
            if joined:
                extra[f"wos_{tag.lower()}"] = joined
    record.extra = extra
    result.records.append(record)


def _entry_type(pt: str, dt: str) -> str:
    """BibTeX type from the publication type (PT) and the document type (DT)."""
    kind, dt = pt.strip().upper()[:1], dt.lower()
    if kind == "J":
        return "article"
    if kind in ("B", "S") and "chapter" in dt:
        return "incollection"
    if kind == "B":
        return "inproceedings" if "proceedings paper" in dt else "book"
    if kind in ("S", "C"):
        return "inproceedings"
    return "patent" if kind == "P" else "misc"


def _person(name: str) -> str:
    """ "Smith, John" -> "John Smith"; AU's initials "Smith, JA" -> "J. A. Smith"."""
    last, comma, given = name.partition(",")
    given = given.strip()
    if comma and re.fullmatch(r"[A-Z]{1,4}", given):
        name = f"{last}, {' '.join(c + '.' for c in given)}"
    elif comma and re.fullmatch(r"[A-Z]-[A-Z]", given):
        name = f"{last}, {given[0]}.-{given[2]}."  # "Dupont, J-P" -> "J.-P. Dupont"
    return display_name(name)


def _month(date: str) -> str:
    """The month of "JAN 15", "MAR-APR", "2019 SEP" as "1".."12", or ""."""
    match = _MONTH.search(date)
    return str(_MONTHS.index(match.group(1).upper()) + 1) if match else ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
