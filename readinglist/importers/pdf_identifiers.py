"""The arXiv id and DOI of a PDF: from arXiv's stamp on page 1, the file name
("2401.12345v2.pdf") and DOIs printed on the page; and the year an arXiv id gives.
"""

from __future__ import annotations

import re

from ..text.normalize import normalize_arxiv_id, normalize_doi

# arXiv's stamp: "arXiv:2401.12345v2 [cs.CL] 3 Jan 2024" (older: "arXiv:cs/0112017v1").
_STAMP_RE = re.compile(
    r"arXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)\s*"
    r"\[[^\]]{2,30}\]\s*\d{1,2}\s*[A-Z][a-z]{2,8}\s*\d{4}",
)
# Archives of old-style ids (before April 2007), so that "paper1234567.pdf" is no id.
_OLD_ARCHIVES = (
    "astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nucl-ex|nucl-th|quant-ph|"
    "physics|math|cs|nlin|q-bio|q-fin|stat|chao-dyn|solv-int|patt-sol|adap-org|comp-gas|"
    "chem-ph|alg-geom|dg-ga|funct-an|q-alg|mtrl-th|supr-con|acc-phys|ao-sci|atom-ph|"
    "bayes-an|plasm-ph|cmp-lg"
)
_FILE_ARXIV_RE = re.compile(
    rf"^(?:arxiv[-_. ]?)?(?:(\d{{4}}\.\d{{4,5}})"
    rf"|((?:{_OLD_ARCHIVES})(?:\.[a-z]{{2}})?)[_/]?(\d{{2}}(?:0[1-9]|1[0-2])\d{{3}}))(?:v\d+)?$",
    re.IGNORECASE,
)
_DOI_RE = re.compile(
    r"(?:doi\.org/|\bdoi\s*:?\s*)(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE
)


def _valid_new_arxiv(identifier: str) -> bool:
    """YYMM must be a month since the scheme began (April 2007)."""
    match = re.match(r"(\d{2})(\d{2})\.", identifier)
    return match is not None and 1 <= int(match.group(2)) <= 12 and identifier[:4] >= "0704"


def _stamp_arxiv_id(text: str) -> str:
    match = _STAMP_RE.search(text)
    if not match:
        return ""
    identifier = normalize_arxiv_id(match.group(1))
    if "." in identifier and "/" not in identifier and not _valid_new_arxiv(identifier):
        return ""
    return identifier


def _file_arxiv_id(stem: str) -> str:
    match = _FILE_ARXIV_RE.match(stem.strip())
    if not match:
        return ""
    if match.group(1):
        return match.group(1) if _valid_new_arxiv(match.group(1)) else ""
    return normalize_arxiv_id(f"{match.group(2)}/{match.group(3)}")


def _arxiv_year(identifier: str) -> int | None:
    match = re.match(r"(\d{2})(\d{2})\.\d{4,5}$", identifier) or re.search(
        r"/(\d{2})(\d{2})\d{3}$", identifier
    )
    if not match:
        return None
    yy = int(match.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy  # old-style ids start in 1991


def _find_doi(text: str) -> str:
    match = _DOI_RE.search(text)
    if not match:
        return ""
    doi = match.group(1).rstrip(".,;:")
    # A closing bracket belongs to the DOI only if it closes one opened inside it:
    # "(doi:10.1/abc)" vs "10.1002/(SICI)1097-4636(199706)".
    while doi and doi[-1] in ")]":
        opener = "(" if doi[-1] == ")" else "["
        if doi.count(opener) >= doi.count(doi[-1]):
            break
        doi = doi[:-1].rstrip(".,;:")
    return normalize_doi(doi)
