"""A PDF's Info and XMP fields, kept only when they look like the paper's own title,
authors, year, keywords or abstract: tools fill them with placeholders ("Microsoft Word -
draft3.docx", "Administrator", "untitled") far more often than with the truth.
"""

from __future__ import annotations

import re
from datetime import date

from .pdf_document import _Document
from .pdf_text import _clean

_JUNK_TITLES = {
    "untitled", "untitled document", "no title", "title", "document", "paper", "main",
    "draft", "manuscript", "article", "slides", "presentation", "powerpoint presentation",
    "abstract", "template", "none", "null", "unknown", "preprint", "submission",
    "camera ready", "camera-ready", "final", "final version", "arxiv", "pdf",
}
_JUNK_TITLE_RE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b|document\d|slide \d|"
    r"(?:formatting |submission |author )?(?:instructions|guidelines) for\b|"
    r".*\b(?:latex )?author guidelines\b|.*\btemplate\b)",
    re.IGNORECASE,
)
_FILE_NAME_RE = re.compile(
    r"^[^\s/\\]*[\w\-. ]*\.(?:pdf|dvi|tex|ps|eps|docx?|odt|rtf|pptx?|key|pages|txt|indd|qxd)$",
    re.IGNORECASE,
)
_ID_LIKE_RE = re.compile(
    r"^(?:arxiv:?\s*)?(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?$"
    r"|^(?:doi:?\s*)?10\.\d{4,9}/\S+$",
    re.IGNORECASE,
)


def _sane_title(title: str) -> bool:
    """False for the placeholder titles tools write into Info/XMP instead of the title."""
    words = title.split()
    letters = sum(c.isalpha() for c in title)
    if len(title) < 3 or len(title) > 300 or letters < 3:
        return False
    lowered = title.casefold().strip(" .")
    if lowered in _JUNK_TITLES or _JUNK_TITLE_RE.match(title):
        return False
    if _FILE_NAME_RE.match(title) or _ID_LIKE_RE.match(title):
        return False
    if "\\" in title or title.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", title):
        return False  # a path
    if len(words) < 3 and (title == title.upper() or "_" in title):
        return False  # codes like "CVPR2024_0123", "MAIN", "paper_final"
    return not (len(words) == 1 and any(c.isdigit() for c in title))  # "draft3", "v2final"


def _metadata_title(document: _Document) -> str:
    candidates = [document.info.get("title", "")]
    xmp_title = document.xmp.get("title")
    if isinstance(xmp_title, dict) and xmp_title:
        candidates.append(str(xmp_title.get("x-default") or next(iter(xmp_title.values()))))
    for candidate in candidates:
        candidate = _clean(candidate)
        if candidate and _sane_title(candidate):
            return candidate
    return ""


_JUNK_AUTHORS = {
    "administrator", "admin", "user", "owner", "author", "authors", "the author",
    "the authors", "unknown", "default", "guest", "root", "test", "me", "anonymous",
    "anonymous author", "anonymous authors", "anonymous submission", "name", "your name",
    "first author", "first last", "pc", "home", "windows user", "microsoft office user",
}
_AUTHOR_TOOL_RE = re.compile(
    r"latex|hyperref|pdftex|tex\b|acrobat|microsoft|\bword\b|openoffice|libreoffice|"
    r"www\.|https?:|@|\bsubmission\b|\bpaper id\b",
    re.IGNORECASE,
)


def _split_names(value: str) -> list[str]:
    """Names from an author field: "A B, C D and E F", "B, A; D, C" or "A B & C D"."""
    value = _clean(value)
    if ";" in value:
        parts = [p.strip() for p in value.split(";")]
        return [_flip(p) for p in parts if p]
    parts = [p.strip() for p in re.split(r",|\band\b|&", value) if p.strip()]
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(len(p.split()) == 1 for p in parts):
        # "Smith, Alice, Jones, Bob": last, first pairs
        return [f"{parts[i + 1]} {parts[i]}" for i in range(0, len(parts), 2)]
    return parts


def _flip(name: str) -> str:
    """"Last, First" -> "First Last"; other forms unchanged."""
    if name.count(",") == 1:
        last, first = (s.strip() for s in name.split(","))
        return f"{first} {last}" if first and last else last or first
    return name


def _name_like(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or any(c.isdigit() for c in name):
        return False
    return sum(c.isalpha() for c in name) >= 2


def _sane_authors(value: str) -> list[str]:
    """Authors from a metadata field, or [] when the field holds a login or a tool name."""
    value = _clean(value)
    if not value or value.casefold() in _JUNK_AUTHORS or _AUTHOR_TOOL_RE.search(value):
        return []
    names = _split_names(value)
    if not names or not all(_name_like(n) for n in names):
        return []
    if len(names) == 1 and len(names[0].split()) == 1:
        return []  # a lone word is a login name ("jsmith") far more often than an author
    return names


def _metadata_authors(document: _Document) -> list[str]:
    authors = _sane_authors(document.info.get("author", ""))
    if authors:
        return authors
    creators = document.xmp.get("creator")
    if isinstance(creators, list):
        names = [n for c in creators for n in _sane_authors(str(c))]
        if names:
            return names
    return []


def _metadata_year(document: _Document) -> int | None:
    match = re.match(r"^(?:D:)?\s*(\d{4})", document.info.get("creationdate", ""))
    year: int | None = int(match.group(1)) if match else None
    created = document.xmp.get("created")
    if year is None and created is not None and hasattr(created, "year"):
        year = created.year
    # PDF dates from before the format existed, or from the future, are clock errors.
    if year is not None and 1993 <= year <= date.today().year + 1:
        return year
    return None


def _metadata_keywords(document: _Document) -> str:
    keywords = document.info.get("keywords", "") or str(document.xmp.get("keywords", ""))
    if not keywords:
        subjects = document.xmp.get("subject")
        if isinstance(subjects, list):
            keywords = ", ".join(str(s) for s in subjects)
    keywords = _clean(keywords)
    # Some tools put the DOI or an id there; keywords are words.
    if not re.search(r"[^\W\d_]{3}", keywords) or _ID_LIKE_RE.match(keywords):
        return ""
    return keywords


def _metadata_abstract(document: _Document) -> str:
    """The Subject or XMP description, when it is prose (some publishers put the abstract
    there; most put a journal name or nothing)."""
    candidates = [document.info.get("subject", "")]
    description = document.xmp.get("description")
    if isinstance(description, dict) and description:
        candidates.append(str(description.get("x-default") or next(iter(description.values()))))
    for candidate in candidates:
        candidate = _clean(candidate)
        if len(candidate.split()) >= 25 and "." in candidate:
            return candidate
    return ""
