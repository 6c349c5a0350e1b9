"""Hugging Face Daily Papers page, saved as text: header lines, then for each paper a
title paragraph followed by an abstract paragraph, separated by blank lines."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..domain import EntryProblem, PaperRecord
from ..text.normalize import extract_links
from .base import ParseResult
from .limits import drop_oversized

FORMAT = "dailypapers"
EXTENSIONS = (".txt",)

# Page chrome that is never a paper (compared case-insensitively).
_CHROME = {
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "byak and the research community",
    "daily papers",
    "trending papers",
}
# Only month names: a title like "Kosmos 2" must not be taken for a date.
_DATE = re.compile(
    r"^(?:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.? \d{1,2}"
    r"(?:, \d{4})?|\d{4}-\d{2}-\d{2})$"
)
# A title is one short line; an abstract is prose. 300 characters is longer than any
# real title and shorter than almost any abstract.
_MAX_TITLE = 300


@dataclass
class _Paragraph:
    line: int
    text: str
    lines: int


_SNIFF_CHARS = 200_000


def looks_like(text: str) -> bool:
    """True when the text has the page's chrome or its title/abstract rhythm."""
    head = text[:2000].lower()
    if "get trending papers" in head or "byak and the research community" in head:
        return True
    # The head of the file is enough to judge (and a 200 MB file is not split whole).
    head_end = text.rfind("\n", 0, _SNIFF_CHARS) if len(text) > _SNIFF_CHARS else len(text)
    paragraphs = _paragraphs(text[:max(head_end, 0)])[:12]
    shapes = [_is_title(p) for p in paragraphs]
    pairs = sum(1 for a, b in itertools.pairwise(shapes) if a and not b)
    return pairs >= 3


def _paragraphs(text: str) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            paragraphs.append(_Paragraph(start, " ".join(current), len(current)))
            current = []
    if current:
        paragraphs.append(_Paragraph(start, " ".join(current), len(current)))
    return paragraphs


def _is_chrome(p: _Paragraph) -> bool:
    return p.text.lower() in _CHROME or bool(_DATE.match(p.text))


def _is_title(p: _Paragraph) -> bool:
    return p.lines == 1 and len(p.text) <= _MAX_TITLE and not _is_chrome(p)


def parse(text: str, source: str) -> ParseResult:
    """Papers in a Daily Papers dump; entries that cannot be read are reported by line."""
    result = ParseResult()
    page_date = ""
    pending_title: _Paragraph | None = None

    def flush_title_without_abstract(title: _Paragraph) -> None:
        result.records.append(_record(title, None, source, page_date))
        result.warnings.append(EntryProblem(
            source, title.line, f"'{_short(title.text)}' has no abstract; imported without one"
        ))

    for paragraph in _paragraphs(text):
        if _is_chrome(paragraph):
            if _DATE.match(paragraph.text) and not page_date:
                page_date = paragraph.text
            continue
        if _is_title(paragraph):
            if pending_title is not None:
                flush_title_without_abstract(pending_title)
            pending_title = paragraph
            continue
        if pending_title is None:
            result.problems.append(EntryProblem(
                source, paragraph.line,
                f"text without a title before it, skipped: '{_short(paragraph.text)}'",
            ))
            continue
        result.records.append(_record(pending_title, paragraph, source, page_date))
        pending_title = None
    if pending_title is not None:
        flush_title_without_abstract(pending_title)
    drop_oversized(result, source)
    return result


def _record(title: _Paragraph, abstract: _Paragraph | None, source: str, date: str) -> PaperRecord:
    abstract_text = abstract.text if abstract else ""
    return PaperRecord(
        title=title.text,
        abstract=abstract_text,
        links=extract_links(abstract_text),
        source=f"Daily Papers {date} ({source})" if date else f"Daily Papers ({source})",
        line=title.line,
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
