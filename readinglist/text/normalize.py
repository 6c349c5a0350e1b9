"""Small text helpers shared by importers and the store: title keys, links, identifiers,
and control characters kept out of stored and printed text."""

from __future__ import annotations

import re
import unicodedata

# Braces are not URL characters (RFC 3986) but LaTeX leftovers: \href{url}{url}.
_URL_RE = re.compile(r"""https?://[^\s<>"'`{}]+""", re.IGNORECASE)
# Characters that end a sentence rather than a URL when they trail it.
_URL_TRAILING = ".,;:!?)]}'\""
_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")
# Old-style ids: archive, optional subject class (dropped: arXiv files "math.GT/0309136"
# as "math/0309136"), seven digits.
_ARXIV_OLD = re.compile(r"\b([a-z\-]+)(?:\.[A-Z]{2})?/(\d{7})(v\d+)?\b", re.IGNORECASE)
# Control characters a terminal acts on (ESC starts colour, title and clipboard sequences,
# BEL rings, BS and a lone CR overwrite what was shown): C0 but tab and line feed, DEL,
# and C1 (U+0080-U+009F; U+009B is a one-character CSI for some terminals).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Line breaks of other systems and pages: they separate words, so they become newlines.
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")


def fold_accents(text: str) -> str:
    """Drop combining accents: 'Schütze' -> 'Schutze'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def title_key(title: str) -> str:
    """The key two titles must share to count as the same paper.

    Case, accents, punctuation and spacing are ignored, so "Model Soups: ..." and
    "model soups - ..." collide.
    """
    folded = fold_accents(title).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


def extract_links(text: str) -> list[str]:
    """URLs in running text, in order of appearance, without trailing punctuation."""
    links: list[str] = []
    for match in _URL_RE.finditer(text):
        url = match.group(0)
        while url and url[-1] in _URL_TRAILING:
            # Keep a closing bracket that closes one opened inside the URL.
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if url and url not in links:
            links.append(url)
    return links


def normalize_doi(doi: str) -> str:
    """Lower-case DOI without resolver prefix: 'https://doi.org/10.1/ABC' -> '10.1/abc'."""
    doi = doi.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    return doi.lower()


def normalize_arxiv_id(value: str) -> str:
    """arXiv id without version or URL: 'https://arxiv.org/abs/2401.12345v2' -> '2401.12345'."""
    value = value.strip()
    match = _ARXIV_NEW.search(value)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.search(value)
    return f"{match.group(1).lower()}/{match.group(2)}" if match else ""


def strip_controls(text: str) -> str:
    """`text` without control characters (CONTROL_CHARACTERS): CRLF and a lone CR become
    LF, as do vertical tab and form feed (they part lines and pages); tab and newline
    stay; every other C0 character, DEL and C1 is removed. Imported metadata passes
    through this before it is stored, and the CLI's text output before it is printed."""
    if not CONTROL_CHARACTERS.search(text):
        return text  # the common case: nothing to do
    return CONTROL_CHARACTERS.sub("", _LINE_BREAKS.sub("\n", text))


def visible_controls(text: str) -> str:
    """`text` with each control character (CONTROL_CHARACTERS) shown as its Unicode
    picture (ESC as U+241B, DEL as U+2421) or, for C1, as U+FFFD: inert wherever it is
    shown, and a reader still sees that something was there."""
    def picture(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        if code < 0x20:
            return chr(0x2400 + code)
        return "\u2421" if code == 0x7F else "\ufffd"
    return CONTROL_CHARACTERS.sub(picture, text)
