"""Look papers up by identifier: arXiv ids through the arXiv API, DOIs through Crossref.

Only the standard library is used (urllib, xml.etree, json), so lookups work wherever the
core does. Every failure is a LookupFailed with a message fit to show the user; its
``offline`` flag tells callers whether to keep a placeholder entry (see minimal_record)
and try again later.

The services' addresses default to the public ones and can be changed through the
environment (read at each call), for tests and for mirrors:
READINGLIST_ARXIV_API, READINGLIST_CROSSREF_API, READINGLIST_CONTACT_EMAIL.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import metadata
from typing import Any, Literal

from .domain import PaperRecord, ReadinglistError
from .textutil import extract_links, normalize_doi

ARXIV_API = "https://export.arxiv.org"
CROSSREF_API = "https://api.crossref.org"
ARXIV_ENV = "READINGLIST_ARXIV_API"
CROSSREF_ENV = "READINGLIST_CROSSREF_API"
CONTACT_ENV = "READINGLIST_CONTACT_EMAIL"

ARXIV_SOURCE = "arXiv API"
CROSSREF_SOURCE = "Crossref"
# The source of placeholder entries, so callers can find the ones still to fetch.
MINIMAL_SOURCE = "identifier (details not fetched yet)"

DEFAULT_TIMEOUT = 10.0
# Far above any real answer (an arXiv entry is a few kB, a Crossref work with its
# reference list rarely 1 MB); a larger body is not what we asked for.
_MAX_BODY = 8 * 1024 * 1024

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_FEED = f"{{{_NS['atom']}}}feed"


class LookupFailed(ReadinglistError):
    """A lookup that gave no paper. ``offline`` is True when the service could not be
    reached (no connection, timeout): the identifier may be fine, try again later."""

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


# --- identifiers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifier:
    """A normalised paper identifier: an arXiv id without version ("2401.12345",
    "hep-th/9711200") or a lower-case DOI without resolver ("10.1038/nature14539")."""

    kind: Literal["arxiv", "doi"]
    value: str

    def __str__(self) -> str:
        return f"arXiv:{self.value}" if self.kind == "arxiv" else f"doi:{self.value}"

    @property
    def url(self) -> str:
        if self.kind == "arxiv":
            return f"https://arxiv.org/abs/{self.value}"
        return f"https://doi.org/{self.value}"


_ARXIV_NEW = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(
    r"([a-z]+(?:-[a-z]+)?)(?:\.[a-z]{2})?/((\d{2})(\d{2})\d{3})(?:v\d+)?", re.IGNORECASE
)
# Archives of the identifiers used before April 2007 (arXiv identifier documentation).
_OLD_ARCHIVES = frozenset({
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
    "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
    "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin",
    "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
    "solv-int", "supr-con",
})
# Crossref's advice is 10.NNNN/anything; a space can never be part of one.
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)")
_ARXIV_HOSTS = {"arxiv.org": ("abs", "pdf", "html"), "export.arxiv.org": ("abs", "pdf", "html")}
_MIRROR_HOSTS = {"alphaxiv.org": ("abs", "overview", "pdf"), "huggingface.co": ("papers",)}
_DOI_HOSTS = ("doi.org", "dx.doi.org")
_BARE_HOST = re.compile(
    r"(?:www\.)?(?:(?:export\.)?arxiv\.org|alphaxiv\.org|huggingface\.co|(?:dx\.)?doi\.org)/",
    re.IGNORECASE,
)


def _arxiv_value(text: str) -> str | None:
    """The canonical id for a bare arXiv id (version dropped), None if it is not one.

    Old-style ids lose their subject class ("math.GT/0309136" -> "math/0309136"): arXiv
    files the paper under the archive alone, and that is the id its API answers with.
    """
    if match := _ARXIV_NEW.fullmatch(text):
        yy, mm, number = match.groups()
        yymm = int(yy + mm)
        # New-style ids began in April 2007 with 4-digit numbers, 5 digits from 2015.
        if not 1 <= int(mm) <= 12 or yymm < 704 or len(number) != (4 if yymm < 1501 else 5):
            return None
        return f"{yy}{mm}.{number}"
    if match := _ARXIV_OLD.fullmatch(text):
        archive, number = match.group(1).lower(), match.group(2)
        yy, mm = int(match.group(3)), int(match.group(4))
        # They ran from August 1991 to March 2007.
        if archive not in _OLD_ARCHIVES or not 1 <= mm <= 12 or 8 <= yy <= 90:
            return None
        return f"{archive}/{number}"
    return None


def _doi_identifier(text: str) -> Identifier | None:
    doi = normalize_doi(text)
    # A DOI copied from prose drags the sentence's punctuation along; real DOIs
    # practically never end in these.
    doi = doi.rstrip(".,;")
    if not _DOI.fullmatch(doi):
        return None
    if match := _ARXIV_DOI.fullmatch(doi):
        value = _arxiv_value(match.group(1))
        return Identifier("arxiv", value) if value else None
    return Identifier("doi", doi)


def _url_identifier(text: str) -> Identifier | None:
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urllib.parse.urlsplit(text)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    path = urllib.parse.unquote(parts.path)
    if host in _DOI_HOSTS:
        return _doi_identifier(path.lstrip("/"))
    prefixes = _ARXIV_HOSTS.get(host) or _MIRROR_HOSTS.get(host) or ()
    for prefix in prefixes:
        if path.startswith(f"/{prefix}/"):
            rest = path[len(prefix) + 2 :].rstrip("/")
            if prefix == "pdf":
                rest = rest.removesuffix(".pdf")
            value = _arxiv_value(rest)
            return Identifier("arxiv", value) if value else None
    return None


def parse_identifier(text: str) -> Identifier | None:
    """The arXiv id or DOI that `text` is, in any of its usual spellings; None otherwise.

    The whole text must be the identifier: ids inside a sentence are not picked out.
    A DOI minted by arXiv (10.48550/arXiv.ID) counts as the arXiv id.
    """
    text = text.strip()
    if not text or len(text) > 1000:
        return None
    lowered = text.lower()
    if lowered.startswith("arxiv:"):
        value = _arxiv_value(text[len("arxiv:") :].strip())
        return Identifier("arxiv", value) if value else None
    if "://" in text or _BARE_HOST.match(text):
        return _url_identifier(text)
    if lowered.startswith(("doi:", "10.")):
        return _doi_identifier(text)
    value = _arxiv_value(text)
    return Identifier("arxiv", value) if value else None


def _as_identifier(identifier: Identifier | str) -> Identifier:
    if isinstance(identifier, Identifier):
        return identifier
    parsed = parse_identifier(identifier)
    if parsed is None:
        raise LookupFailed(f"not an arXiv id or DOI: {identifier!r}")
    return parsed


def minimal_record(identifier: Identifier | str) -> PaperRecord:
    """The entry to keep when details cannot be fetched now: the identifier as title."""
    ident = _as_identifier(identifier)
    return PaperRecord(
        title=str(ident),
        arxiv_id=ident.value if ident.kind == "arxiv" else "",
        doi=ident.value if ident.kind == "doi" else "",
        url=ident.url,
        source=MINIMAL_SOURCE,
    )


def fetch(identifier: Identifier | str, *, timeout: float = DEFAULT_TIMEOUT) -> PaperRecord:
    """The paper's details from arXiv (arXiv ids, arXiv DOIs) or Crossref (other DOIs)."""
    ident = _as_identifier(identifier)
    if ident.kind == "arxiv":
        return fetch_arxiv(ident.value, timeout=timeout)
    if match := _ARXIV_DOI.fullmatch(ident.value):  # only for hand-made Identifiers
        return fetch_arxiv(match.group(1), timeout=timeout)
    return fetch_doi(ident.value, timeout=timeout)


# --- HTTP -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes


@functools.cache
def _version() -> str:
    try:
        return metadata.version("readinglist")
    except metadata.PackageNotFoundError:
        return "0.1"


def user_agent() -> str:
    """What we tell the services we are. Crossref asks for a contact address; we have
    none of our own, so the user may give theirs in READINGLIST_CONTACT_EMAIL."""
    agent = f"Readinglist/{_version()} (desktop reading-list manager"
    email = os.environ.get(CONTACT_ENV, "").strip()
    # Only something address-shaped: the value goes into an HTTP header.
    if re.fullmatch(r"[^\s@()<>;]+@[^\s@()<>;]+", email):
        agent += f"; mailto:{email}"
    return agent + ")"


def _base(base_url: str | None, env: str, default: str) -> str:
    base = (base_url or os.environ.get(env, "").strip() or default).rstrip("/")
    if not base.lower().startswith(("http://", "https://")):
        # Most likely a mistyped environment variable; say which one.
        where = "" if base_url else f" (from {env})"
        raise LookupFailed(f"the lookup service address must start with http(s)://: {base!r}"
                           + where)
    return base


def _get(url: str, *, accept: str, timeout: float) -> _Response:
    """GET `url`; HTTP error statuses are returned, not raised, so callers can read the
    body (arXiv explains bad ids in an HTTP 400 feed). Network trouble raises
    LookupFailed(offline=True)."""
    host = _host(url) or url
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _Response(response.status, _read(response, host))
    except urllib.error.HTTPError as exc:
        try:
            body = _read(exc, host)
        except LookupFailed:
            body = b""
        finally:
            exc.close()
        return _Response(exc.code, body)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(host, timeout) from None
        reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
        raise LookupFailed(
            f"cannot reach {host} ({reason}); check the internet connection", offline=True
        ) from None
    except TimeoutError:
        raise _timed_out(host, timeout) from None
    except ConnectionError as exc:  # reset, or closed before answering
        raise LookupFailed(f"the connection to {host} broke off ({exc})", offline=True) from None
    except (http.client.HTTPException, OSError) as exc:
        raise LookupFailed(f"unreadable answer from {host} ({exc.__class__.__name__})") from None


def _read(response: Any, host: str) -> bytes:
    body = response.read(_MAX_BODY + 1)
    if len(body) > _MAX_BODY:
        raise LookupFailed(f"unreadable answer from {host}: more than {_MAX_BODY} bytes")
    return body


def _timed_out(host: str, timeout: float) -> LookupFailed:
    return LookupFailed(f"{host} did not answer within {timeout:g} seconds", offline=True)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def _http_error(url: str, status: int) -> LookupFailed:
    phrase = http.client.responses.get(status, "")
    hint = "; it may be busy, try again later" if status == 429 or status >= 500 else ""
    return LookupFailed(f"{_host(url)} answered HTTP {status} {phrase}".rstrip() + hint)


def _unreadable(url: str, detail: str) -> LookupFailed:
    return LookupFailed(f"unreadable answer from {_host(url)}: {detail}")


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


def fetch_arxiv(
    arxiv_id: str, *, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> PaperRecord:
    """The paper's details from the arXiv API (any spelling of the id is accepted)."""
    parsed = parse_identifier(arxiv_id)
    # Anything else goes to arXiv as given: it answers bad ids with an error entry.
    query_id = parsed.value if parsed and parsed.kind == "arxiv" else arxiv_id.strip()
    base = _base(base_url, ARXIV_ENV, ARXIV_API)
    url = f"{base}/api/query?" + urllib.parse.urlencode({"id_list": query_id, "max_results": 1})
    response = _get(url, accept="application/atom+xml", timeout=timeout)
    if response.status == 404:
        raise LookupFailed(f"no arXiv paper with id {query_id} ({_host(url)} answered HTTP 404)")
    if response.status != 200:
        # A 400 carries an error feed saying what is wrong with the id.
        explained = _arxiv_error(response.body) if response.status == 400 else None
        if explained:
            raise LookupFailed(f"no arXiv paper with id {query_id}: arXiv says {explained!r}")
        raise _http_error(url, response.status)
    feed = _parse_feed(response.body, url)
    entry = feed.find("atom:entry", _NS)
    # A well-formed id arXiv does not have gives an empty feed (even when
    # totalResults says 1, a known quirk), so the entries are what count.
    if entry is None:
        raise LookupFailed(f"no arXiv paper with id {query_id}")
    if error := _entry_error(entry):
        raise LookupFailed(f"no arXiv paper with id {query_id}: arXiv says {error!r}")
    return _arxiv_record(entry, query_id, url)


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


def fetch_doi(
    doi: str, *, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> PaperRecord:
    """The work's details from Crossref's REST API (GET /works/{doi})."""
    parsed = parse_identifier(doi)
    doi = parsed.value if parsed is not None and parsed.kind == "doi" else normalize_doi(doi)
    base = _base(base_url, CROSSREF_ENV, CROSSREF_API)
    url = f"{base}/works/{urllib.parse.quote(doi, safe='')}"
    response = _get(url, accept="application/json", timeout=timeout)
    if response.status == 404:
        raise LookupFailed(
            f"no DOI {doi} in Crossref (DOIs registered elsewhere, such as DataCite, "
            "are not there)"
        )
    if response.status != 200:
        raise _http_error(url, response.status)
    try:
        answer = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(url, f"not JSON ({exc})") from None
    message = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(message, dict) or answer.get("message-type", "work") != "work":
        kind = answer.get("message-type") if isinstance(answer, dict) else type(answer).__name__
        raise _unreadable(url, f"expected a Crossref work, got {kind!r}")
    return _crossref_record(message, doi)


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
