"""Look papers up by identifier: arXiv ids through the arXiv API, DOIs through Crossref.

Only the standard library is used (urllib, xml.etree, json), so lookups work wherever the
core does. Every failure is a LookupFailed with a message fit to show the user; its
``offline`` flag tells callers whether to keep a placeholder entry (see minimal_record)
and try again later.

The services' addresses default to the public ones and can be changed through the
environment (read at each call), for tests and for mirrors:
READINGLIST_ARXIV_API, READINGLIST_CROSSREF_API, READINGLIST_CONTACT_EMAIL.

This module asks the services and checks their answers' status; the parts live beside it:
lookup_identifiers (what counts as an arXiv id or DOI), lookup_http (the GET and its
failures), lookup_records (the answers as PaperRecords).
"""

from __future__ import annotations

import json
import urllib.parse

# The `name as name` imports are re-exports: callers import those names from here.
from ..domain import PaperRecord
from ..text.normalize import normalize_doi
from .http import CONTACT_ENV as CONTACT_ENV
from .http import LookupFailed as LookupFailed
from .http import _base, _host, _http_error, _unreadable
from .http import _get as _get  # looked up at each call, so tests can replace it
from .http import user_agent as user_agent
from .identifiers import _ARXIV_DOI
from .identifiers import Identifier as Identifier
from .identifiers import parse_identifier as parse_identifier
from .records import _NS, _arxiv_error, _arxiv_record, _crossref_record, _entry_error, _parse_feed
from .records import ARXIV_SOURCE as ARXIV_SOURCE
from .records import CROSSREF_SOURCE as CROSSREF_SOURCE

ARXIV_API = "https://export.arxiv.org"
CROSSREF_API = "https://api.crossref.org"
ARXIV_ENV = "READINGLIST_ARXIV_API"
CROSSREF_ENV = "READINGLIST_CROSSREF_API"

# The source of placeholder entries, so callers can find the ones still to fetch.
MINIMAL_SOURCE = "identifier (details not fetched yet)"

DEFAULT_TIMEOUT = 10.0


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

# --- Crossref ---------------------------------------------------------------------------


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
