"""RIS tags to PaperRecord fields: one record's tag values, as ris.py read them, become a
PaperRecord (see ris.py for reading the file).

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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..domain import EntryProblem, PaperRecord
from ..text.normalize import extract_links, normalize_doi
from .base import ParseResult
from .field_values import (
    attach_file,
    classify_location,
    display_name,
    find_arxiv_id,
    pages_range,
    plain_note,
    year_of,
)

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


def build_record(tags: dict[str, list[str]], line: int, source: str, result: ParseResult,
                 base_dir: Path | None) -> None:
    """One record's tag values (tag -> values, in file order) as a PaperRecord added to
    `result`, with its warnings."""
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


def _ris_name(name: str) -> str:
    """An RIS author: EndNote writes a corporate author with a trailing comma and no other
    ("Google DeepMind,"), kept whole as an organisation; anyone else by display_name."""
    name = " ".join(name.split())
    if name.endswith(",") and name.count(",") == 1 and " " in name:
        return "{" + name.rstrip(",").strip() + "}"
    return display_name(name)
