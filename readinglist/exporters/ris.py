"""RIS export, for EndNote, Zotero, Mendeley, Citavi and most reference managers.

One record per paper, ``TY`` to ``ER``, with the tags of the RIS specification as Zotero
and EndNote write them; the RIS importer reads every one back (readinglist/importers/ris.py).

Choices:

* ``TY`` from entry_type: article JOUR, inproceedings CONF, book BOOK, incollection CHAP,
  theses THES, reports RPRT, online ELEC, unpublished UNPB, patent PAT, dataset DATA,
  software COMP, anything else GEN.
* ``AU`` one per author, "Last, First, Suffix"; an organisation as "Name," (EndNote's
  way of saying "do not split this name"); editors as ``A2``.
* ``PY`` the year, ``DA`` "year/month//" when the month is known. ``T2`` the venue; for a
  conference paper whose event has its own name, ``T2`` the event and ``C3`` the
  proceedings, as Zotero writes them. For a whole book ``T3`` is its series.
* ``SP``/``EP`` from pages, ``VL``, ``IS``, ``PB`` (or the school or institution), ``CY``,
  ``ET``, ``SN`` (the ISBN and the ISSN, one line each; the one most readers take first),
  ``LA``, ``J2``, ``ST``, ``M3``, ``NV``, ``AD``, ``Y2``.
* ``DO``, ``UR`` (the URL, then the other links), ``AB``, ``KW`` one per tag, ``ID`` the
  citation key (the same one the BibTeX export writes), ``L1`` one per attached file,
  ``N1`` the note (and a BibTeX ``note`` field as a second one).
* ``AN``: the Web of Science accession number (UT); "arXiv:ID" when neither the URL, the
  DOI nor a link names the arXiv id in a form the importer finds.
* Tags the RIS importer kept as extra["ris_<tag>"] are written back under their tag.

RIS has no escaping, so every value is one line: line breaks and control characters
become spaces (a value line starting "ER  - " would end the record early). A note of
several lines is written as HTML (``<p>``, ``<br>``), which Zotero reads as a note and the
RIS importer turns back into the same lines; abstract paragraphs are joined by a space.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import PurePath

from ..domain import Paper
from ..importers.ris import find_arxiv_id
from . import ExportContext, export_keys, is_organisation, plain_author, split_author

_TYPES = {
    "article": "JOUR", "periodical": "JFULL",
    "inproceedings": "CONF", "conference": "CONF", "proceedings": "CONF",
    "book": "BOOK", "collection": "EDBOOK",
    "incollection": "CHAP", "inbook": "CHAP",
    "phdthesis": "THES", "mastersthesis": "THES", "thesis": "THES",
    "techreport": "RPRT", "report": "RPRT", "manual": "RPRT",
    "online": "ELEC", "www": "ELEC", "electronic": "ELEC",
    "unpublished": "UNPB", "patent": "PAT", "dataset": "DATA", "software": "COMP",
}
_WHOLE_BOOKS = ("BOOK", "EDBOOK")
# extra field -> RIS tag, for the fields written as they are.
_PLAIN = (
    ("address", "CY"), ("edition", "ET"), ("volumes", "NV"), ("language", "LA"),
    ("affiliation", "AD"), ("shortjournal", "J2"),
)
_CONTROL = re.compile(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\s*")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_PAGE_RANGE = re.compile(r"^([^\s\-–—]+)\s*(?:-+|–|—)\s*([^\s\-–—]+)$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def export(papers: Iterable[Paper], context: ExportContext | None = None) -> str:
    """The papers as an RIS file (UTF-8 text, a blank line between records)."""
    papers = list(papers)
    return "".join(
        record(paper, key) for paper, key in zip(papers, export_keys(papers), strict=True)
    )


def record(paper: Paper, key: str) -> str:
    """One paper as RIS lines, ``TY`` to ``ER``."""
    lines = [f"{tag}  - {value}" for tag, value in fields(paper, key)]
    return "\n".join([*lines, "ER  - "]) + "\n\n"


def fields(paper: Paper, key: str) -> list[tuple[str, str]]:
    """(tag, one-line value) pairs in the usual order, empty values left out."""
    extra = {str(k).lower(): one_line(str(v)) for k, v in paper.extra.items() if v is not None}
    entry_type = paper.entry_type.strip().lower()
    ty = _TYPES.get(entry_type, "GEN")
    out: list[tuple[str, str]] = [("TY", ty), ("ID", key), ("TI", paper.title)]
    out.append(("ST", extra.get("shorttitle", "")))
    out += [("AU", ris_name(a)) for a in paper.authors if a.strip()]
    editors = re.split(r"\s+and\s+", extra.get("editor", ""))
    out += [("A2", ris_name(e)) for e in editors if e.strip()]
    out += _containers(paper, ty, extra)
    if paper.year is not None:
        out.append(("PY", str(paper.year)))
        month = _month(extra.get("month", ""))
        out.append(("DA", f"{paper.year}/{month:02d}//" if month else ""))
    out += [("VL", extra.get("volume", "")), ("IS", extra.get("number") or extra.get("issue", ""))]
    out += _pages(extra.get("pages", ""))
    publisher = next((extra[n] for n in ("publisher", "school", "institution", "organization")
                      if extra.get(n)), "")
    out.append(("PB", publisher))
    out += [(tag, extra.get(name, "")) for name, tag in _PLAIN]
    # Both numbers; a reader that keeps one SN takes the first: the ISBN for books and
    # chapters, else the ISSN.
    numbers = ("isbn", "issn") if ty in ("BOOK", "EDBOOK", "CHAP") else ("issn", "isbn")
    out += [("SN", extra.get(n, "")) for n in numbers]
    kind = extra.get("type") or ("Master's thesis" if entry_type == "mastersthesis" else "")
    out.append(("M3", kind))
    out.append(("DO", paper.doi))
    out += [("AN", extra.get("wos_ut", "")), ("AN", _arxiv_accession(paper))]
    out += [("UR", u) for u in dict.fromkeys([paper.url, *paper.links]) if u]
    accessed = re.match(r"^(\d{4})-(\d{2})-(\d{2})", extra.get("urldate", ""))
    out.append(("Y2", "/".join(accessed.groups()) + "/" if accessed else ""))
    out += [("L1", _file_location(a.path)) for a in paper.attachments if a.path]
    out.append(("AB", paper.abstract))
    out += [("KW", t) for t in paper.tags]
    out += [("N1", note_value(paper.note)), ("N1", note_value(extra.get("note", "")))]
    out += _kept_tags(extra, {(tag, one_line(value)) for tag, value in out})
    return [(tag, one_line(value)) for tag, value in out if one_line(value)]


def _kept_tags(extra: dict[str, str], written: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tags the RIS importer could not place (extra["ris_c1"] ...), under their own tag
    again, unless that line is written already."""
    kept = []
    for name, value in extra.items():
        tag = name.removeprefix("ris_").upper()
        if (name.startswith("ris_") and re.fullmatch(r"[A-Z][A-Z0-9]", tag)
                and tag not in ("TY", "ER", "ID") and (tag, value) not in written):
            kept.append((tag, value))
    return kept


def _containers(paper: Paper, ty: str, extra: dict[str, str]) -> list[tuple[str, str]]:
    """Where the paper appeared: T2 (and C3 for proceedings), T3 the series."""
    event = extra.get("eventtitle", "")
    series = extra.get("series", "")
    if ty in _WHOLE_BOOKS:
        # The importer reads a book's T3 (else T2) as its series, never as a venue.
        return [("T3", series), ("T2", "" if series else paper.venue)]
    if ty == "CONF" and event and paper.venue and event != paper.venue:
        return [("T2", event), ("C3", paper.venue), ("T3", series)]
    return [("T2", paper.venue or (event if ty == "CONF" else "")), ("T3", series)]


def ris_name(author: str) -> str:
    """ "Ludwig van Beethoven" -> "van Beethoven, Ludwig"; "Martin Luther King Jr." ->
    "King, Martin Luther, Jr."; an organisation ("{Google DeepMind}") -> "Google DeepMind,"."""
    if is_organisation(author):
        return plain_author(author) + ","
    name = split_author(author)
    if name.literal:
        return name.literal
    family = f"{name.particle} {name.family}".strip()
    return ", ".join(p for p in (family, name.given, name.suffix) if p)


def note_value(note: str) -> str:
    """A note as one RIS value: as it is when it is one line of plain text, else HTML
    paragraphs (a blank line starts one) with ``<br>`` between lines."""
    note = note.strip("\n")
    if "\n" not in note and "\r" not in note and not _HTML_TAG.search(note):
        return note
    paragraphs = re.split(r"\n[ \t]*\n", note.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs if p.strip()
    )


def one_line(value: str) -> str:
    """A value with line breaks and other control characters turned into one space."""
    return _CONTROL.sub(" ", value).strip()


def _pages(pages: str) -> list[tuple[str, str]]:
    match = _PAGE_RANGE.match(pages.strip())
    if match:
        return [("SP", match.group(1)), ("EP", match.group(2))]
    return [("SP", pages)]


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return _MONTHS.index(value[:3]) + 1 if value[:3] in _MONTHS else None


def _arxiv_accession(paper: Paper) -> str:
    """ "arXiv:ID" when no URL or DOI written names the arXiv id in a way the importer
    finds it (an arxiv.org URL, a 10.48550 DOI)."""
    if not paper.arxiv_id or any(find_arxiv_id(t) for t in (paper.doi, paper.url,
                                                          *paper.links)):
        return ""
    return f"arXiv:{paper.arxiv_id}"


def _file_location(path: str) -> str:
    """A file's path as written, or as a file:// URL when the path holds characters a
    one-line value cannot (the importer reads both)."""
    if path == one_line(path):
        return path
    try:
        return PurePath(path).as_uri()
    except ValueError:  # not absolute: nothing better than the path on one line
        return one_line(path)
