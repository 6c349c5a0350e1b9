"""Paper identifiers as people write them: arXiv ids and DOIs, bare, prefixed ("arXiv:",
"doi:") or as links (arxiv.org, doi.org and the arXiv mirrors), parsed to one canonical
Identifier. Pure text work: nothing here touches the network.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Literal

from ..text.normalize import normalize_doi


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
