"""The lookup services' answers as PaperRecords: arXiv's Atom feed entries and Crossref's
JSON works, with the JATS/HTML markup Crossref puts in titles and abstracts made plain.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

from ..domain import PaperRecord
from ..text.normalize import extract_links, normalize_doi
from .http import _unreadable
from .identifiers import _url_identifier

ARXIV_SOURCE = "arXiv API"
CROSSREF_SOURCE = "Crossref"

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_FEED = f"{{{_NS['atom']}}}feed"


# --- text helpers -----------------------------------------------------------------------


def _fold(text: str | None) -> str:
    return " ".join((text or "").split())


class _MarkupText(HTMLParser):
    """Plain text of JATS/HTML fragments as Crossref gives them ("<jats:p>...",
    "<i>Drosophila</i>"): tags dropped, entities decoded, block elements kept apart."""

    _BLOCKS = frozenset({"p", "sec", "title", "list-item", "disp-quote", "div", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, list[str]]] = [("", [])]

    def _open_block(self, tag: str) -> None:
        self.blocks.append((tag.rpartition(":")[2], []))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.rpartition(":")[2] in self._BLOCKS:
            self._open_block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag.rpartition(":")[2] in self._BLOCKS:
            self._open_block("")  # text after a block is a block of its own

    def handle_data(self, data: str) -> None:
        self.blocks[-1][1].append(data)


def _plain(markup: str | None, *, paragraphs: bool = False) -> str:
    """Text of a Crossref markup fragment; paragraphs separated by a blank line if asked."""
    if not markup:
        return ""
    parser = _MarkupText()
    parser.feed(markup)
    parser.close()
    blocks: list[str] = []
    for kind, parts in parser.blocks:
        text = _fold("".join(parts))
        # Crossref abstracts often open with a heading that just says "Abstract".
        if not text or (kind == "title" and text.lower().rstrip(".:") in _HEADINGS):
            continue
        blocks.append(text)
    return ("\n\n" if paragraphs else " ").join(blocks)


_HEADINGS = {"abstract", "summary", "graphical abstract"}


# --- arXiv ------------------------------------------------------------------------------


def _xml(body: bytes) -> ET.Element:
    """Parsed XML; ValueError for a DTD (an Atom feed never has one, and refusing it
    means no entity is ever expanded), ET.ParseError for broken XML."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise ValueError("a document with a DTD")
    return ET.fromstring(body)


def _parse_feed(body: bytes, url: str) -> ET.Element:
    try:
        root = _xml(body)
    except ValueError as exc:
        raise _unreadable(url, f"expected an Atom feed, got {exc}") from None
    except ET.ParseError as exc:
        raise _unreadable(url, f"not XML ({exc})") from None
    if root.tag != _FEED:
        tag = root.tag.rpartition("}")[2]
        raise _unreadable(url, f"expected an Atom feed, got <{tag}>")
    return root


def _entry_error(entry: ET.Element) -> str | None:
    """arXiv's explanation when the entry is its error report instead of a paper."""
    entry_id = entry.findtext("atom:id", "", _NS)
    if "/api/errors" in entry_id:
        return _fold(entry.findtext("atom:summary", "", _NS)) or "error"
    return None


def _arxiv_error(body: bytes) -> str | None:
    try:
        root = _xml(body)
    except (ValueError, ET.ParseError):
        return None
    if root.tag != _FEED:
        return None
    entry = root.find("atom:entry", _NS)
    return _entry_error(entry) if entry is not None else None


def _arxiv_record(entry: ET.Element, query_id: str, url: str) -> PaperRecord:
    title = _fold(entry.findtext("atom:title", "", _NS))
    if not title:
        raise _unreadable(url, "the entry has no title")
    entry_id = entry.findtext("atom:id", "", _NS).strip()
    # The entry's id is its abs URL with version: http://arxiv.org/abs/1706.03762v7.
    found = _url_identifier(entry_id) if entry_id else None
    arxiv_id = found.value if found and found.kind == "arxiv" else query_id
    abstract = _fold(entry.findtext("atom:summary", "", _NS))
    comment = _fold(entry.findtext("arxiv:comment", "", _NS))
    journal_ref = _fold(entry.findtext("arxiv:journal_ref", "", _NS))
    doi = normalize_doi(entry.findtext("arxiv:doi", "", _NS))
    published = entry.findtext("atom:published", "", _NS).strip()
    primary = entry.find("arxiv:primary_category", _NS)
    extra = {"eprint": arxiv_id, "archiveprefix": "arXiv"}
    if primary is not None and primary.get("term"):
        extra["primaryclass"] = primary.get("term", "")
    links = extract_links(abstract)
    links += [link for link in extract_links(comment) if link not in links]
    return PaperRecord(
        title=title,
        authors=[
            name
            for author in entry.findall("atom:author", _NS)
            if (name := _fold(author.findtext("atom:name", "", _NS)))
        ],
        year=int(published[:4]) if published[:4].isdigit() else None,
        venue=journal_ref,
        arxiv_id=arxiv_id,
        doi=doi,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        abstract=abstract,
        links=links,
        source=ARXIV_SOURCE,
        entry_type="article" if journal_ref else "misc",
        extra=extra,
    )


# --- Crossref ---------------------------------------------------------------------------

_CROSSREF_TYPES = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-part": "incollection",
    "book-section": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "posted-content": "misc",
    "report": "techreport",
    "dissertation": "phdthesis",
}
# Which date says when a work appeared, best first.
_DATE_FIELDS = ("issued", "published-print", "published-online", "published")


def _first(value: Any) -> str:
    """Crossref gives most text fields as lists ("title": ["Deep learning"])."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value) if value is not None else ""


def _crossref_author(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    if author.get("family"):
        parts = [author.get("given"), author.get("family"), author.get("suffix")]
        return _plain(" ".join(str(p) for p in parts if p))
    # Organisations come as a single name; braces keep them whole, as in BibTeX.
    name = _plain(str(author.get("name") or ""))
    return f"{{{name}}}" if name else ""


def _crossref_year(message: dict[str, Any]) -> int | None:
    for key in _DATE_FIELDS:
        try:
            year = message[key]["date-parts"][0][0]
            return int(year)
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return None


def _crossref_record(message: dict[str, Any], requested: str) -> PaperRecord:
    doi = normalize_doi(str(message.get("DOI") or requested))
    title = _plain(_first(message.get("title")))
    subtitle = _plain(_first(message.get("subtitle")))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}" if title else subtitle
    abstract = _plain(str(message.get("abstract") or ""), paragraphs=True)
    extra: dict[str, str] = {}
    for field, name in (
        ("volume", "volume"),
        ("issue", "number"),
        ("page", "pages"),
        ("publisher", "publisher"),
        ("ISSN", "issn"),
        ("ISBN", "isbn"),
    ):
        value = message.get(field)
        text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
        if text.strip():
            extra[name] = text.strip()
    if "pages" in extra:
        # BibTeX ranges use "--"; Crossref writes "436-444" or with an en dash.
        extra["pages"] = re.sub(r"\s*(?:–|—|-+)\s*", "--", extra["pages"])
    authors = message.get("author")
    names = [_crossref_author(a) for a in (authors if isinstance(authors, list) else [])]
    return PaperRecord(
        # A work without a title exists (some components); name it by its DOI.
        title=title or f"doi:{doi}",
        authors=[name for name in names if name],
        year=_crossref_year(message),
        venue=_plain(_first(message.get("container-title"))),
        doi=doi,
        url=str(message.get("URL") or f"https://doi.org/{doi}"),
        abstract=abstract,
        links=extract_links(abstract),
        source=CROSSREF_SOURCE,
        entry_type=_CROSSREF_TYPES.get(str(message.get("type", "")), "misc"),
        extra=extra,
    )
