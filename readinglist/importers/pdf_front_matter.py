"""Title, authors and abstract read off the opening text of a paper (page 1; page 2 too
for the abstract), for PDFs whose metadata does not give them: the title from font sizes
or, failing those, the first substantial lines; authors only when the lines after the
title are plainly names; the abstract from its heading to the next heading.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from .pdf_document import _Span
from .pdf_text import _clean

# Lines on page 1 that are never the title.
_HEADER_RE = re.compile(
    r"^(?:preprint\b|under review\b|published (?:as|in)\b|accepted (?:at|to|for|by|as)\b|"
    r"to appear\b|in proceedings\b|proceedings of\b|technical report\b|draft\b(?!-)|"
    r"arxiv preprint\b|copyright\b|©|\(c\) |submitted to\b|camera[- ]ready\b|"
    r"journal of\b|vol\.|volume \d|page \d|this (?:paper|work|article|version) )",
    re.IGNORECASE,
)
_VENUE_YEAR_RE = re.compile(
    r"\b(?:conference|proceedings|workshop|symposium|journal|transactions|ICLR|NeurIPS|NIPS|"
    r"ICML|ACL|EMNLP|NAACL|EACL|COLING|CVPR|ICCV|ECCV|AAAI|IJCAI|KDD|SIGIR|WWW|CHI|UAI|"
    r"AISTATS|COLT|TACL|JMLR|TMLR)\b.*\b(?:19|20)\d{2}\b"
)
# The abstract's heading, alone on its line or run in with punctuation ("Abstract. We",
# "Abstract—We", "ABSTRACT We"). "Abstract Syntax Notation" is not one.
_ABSTRACT_RE = re.compile(
    r"^(?:(?:Abstract|ABSTRACT|A B S T R A C T|a b s t r a c t)\s*$"
    r"|(?:Abstract|ABSTRACT)\s*[.:\u2014\u2013-]+\s*(.*)$"
    r"|ABSTRACT\s+(.*)$)"
)
# What ends an abstract: the first numbered heading ("1 Introduction", "I. INTRODUCTION"),
# an unnumbered "Introduction", or the keyword block many journals put after it.
_SECTION_RE = re.compile(
    r"^(?:1\.?\s+[A-Z]|I\.\s+[A-Z]"
    r"|(?i:(?:\d+(?:\.\d+)*\.?\s+)?(?:introduction|background|related work|motivation)\b)"
    r"|(?i:keywords|key words|index terms|ccs concepts|acm reference format|general terms|"
    r"mathematics subject classification)\b)"
)


def _is_junk_line(line: str) -> bool:
    """Stamps, running headers, venue lines, addresses and page numbers."""
    if line.lower().startswith("arxiv:") or _HEADER_RE.match(line):
        return True
    if len(line) <= 120 and _VENUE_YEAR_RE.search(line):
        return True
    if "@" in line or re.search(r"https?://|www\.", line, re.IGNORECASE):
        return True
    return len(line) < 3 or sum(c.isalpha() for c in line) < 3


def _font_title(spans: list[_Span], page_height: float,
                lines: list[str]) -> tuple[str, int]:
    """The largest-font text near the top of page 1, and the index of its last line in
    `lines`. ("", -1) when no text stands out by size."""
    if not spans:
        return "", -1
    sizes = Counter[float]()
    for span in spans:
        sizes[span.size] += len(span.text)
    body = sizes.most_common(1)[0][0]
    top = page_height * 0.4 if page_height else -math.inf
    candidates = [
        s for s in spans
        if s.y >= top and not _is_junk_line(s.text) and not _ABSTRACT_RE.match(s.text)
    ]
    if not candidates:
        return "", -1
    biggest = max(s.size for s in candidates)
    if biggest < body * 1.15:
        return "", -1
    chosen = {id(s) for s in candidates if s.size == biggest}
    start = next(i for i, s in enumerate(spans) if id(s) in chosen)
    picked = [spans[start]]
    for span in spans[start + 1:]:
        if abs(span.size - biggest) <= 0.5:
            if picked[-1].y - span.y > biggest * 2.5:
                break  # same size but far below: another block
            picked.append(span)
        elif sum(c.isalpha() for c in span.text) > 1:
            break  # footnote marks and superscripts may interrupt; words end the title
    title = _clean(" ".join(s.text for s in picked))
    end = _match_lines(lines, picked)
    if end is not None:
        # The page text has pypdf's word spacing, better than joining runs with spaces.
        first, last = end
        title = " ".join(lines[first:last + 1])
        return (title, last) if _plausible_title(title) else ("", -1)
    return (title, -1) if _plausible_title(title) else ("", -1)


def _match_lines(lines: list[str], picked: list[_Span]) -> tuple[int, int] | None:
    """Which consecutive lines of the page text the title runs make up."""
    blob = "".join("".join(s.text.split()) for s in picked)
    first = None
    for i, line in enumerate(lines):
        squeezed = "".join(line.split())
        if squeezed and squeezed in blob and len(squeezed) >= min(len(blob), 3):
            if first is None:
                first = i
        elif first is not None:
            return first, i - 1
    return (first, len(lines) - 1) if first is not None else None


def _plausible_title(title: str) -> bool:
    return 3 <= len(title) <= 300 and sum(c.isalpha() for c in title) >= 3


# A title line ending in one of these words continues on the next line.
_CONTINUES = {
    "a", "an", "the", "of", "for", "and", "or", "in", "on", "to", "with", "via", "from",
    "by", "at", "as", "into", "towards", "toward", "using", "through", "without", "is",
    "are", "under", "over", "beyond", "between", "versus", "vs",
}


def _first_lines_title(lines: list[str]) -> tuple[str, int]:
    """The first substantial line(s) of page 1, skipping stamps, headers and addresses."""
    for i, line in enumerate(lines[:30]):
        if _ABSTRACT_RE.match(line) or _SECTION_RE.match(line):
            return "", -1  # reached the body without a title
        if _is_junk_line(line) or len(line.split()) < 2:
            continue
        title, end = line, i
        if i + 1 < len(lines):
            following = lines[i + 1]
            last_word = line.rsplit(None, 1)[-1].casefold()
            joins = line.endswith((":", "-", "\u2013", "\u2014")) or last_word in _CONTINUES
            if (joins or following[:1].islower()) and not _is_junk_line(following):
                title = f"{line}{following}" if line.endswith("-") else f"{line} {following}"
                end = i + 1
        return (title, end) if _plausible_title(title) else ("", -1)
    return "", -1


# Affiliation words: a line with one is an address, not a list of names.
_AFFILIATION_RE = re.compile(
    r"\b(?:universit\w*|institut\w*|college|school|department|dept|faculty|laborator\w*|"
    r"lab|labs|research|center|centre|inc|ltd|corporation|corp|company|academy|foundation|"
    r"group|team|hospital|google|deepmind|microsoft|meta|openai|facebook|amazon|apple|"
    r"nvidia|ibm|baidu|alibaba|tencent|huawei|brain|ai)\b",
    re.IGNORECASE,
)
_NAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la",
                   "le", "bin", "ibn", "al", "dos", "das", "y", "ter", "ten"}
_MARKS = "*\u2217\u2020\u2021\u00a7\u00b6\u22c6\u2660\u2663\u2665\u2666#"


def _names_in_line(line: str) -> list[str] | None:
    """The names on an author line, or None unless every part reads as a person's name."""
    if _AFFILIATION_RE.search(line) or _is_junk_line(line):
        return None
    # Footnote marks and affiliation numbers glued to names: "Alice Smith1,2*".
    parts = [re.sub(rf"[{re.escape(_MARKS)}\d]+", " ", p) for p in re.split(r",|;|\band\b|&", line)]
    parts = [p for p in parts if p.strip()]
    names: list[str] = []
    for part in parts:
        words = part.split()
        given = [w for w in words if w.casefold() not in _NAME_PARTICLES]
        # Without separators, "Alice Smith Bob Jones" could be one name or two: not clear.
        if not 2 <= len(words) <= 4 or (len(parts) == 1 and len(given) > 3):
            return None
        for word in words:
            if word.casefold() in _NAME_PARTICLES:
                continue
            if not re.fullmatch(r"[^\W\d_][^\W\d_'.\-]*\.?", word) or not word[0].isupper():
                return None
        names.append(" ".join(words))
    return names or None


def _text_authors(lines: list[str], start: int) -> list[str]:
    """Names on the lines right after the title, when they are plainly a list of names.

    Stops at the first line that is not; gives up (returns []) if more name-like lines
    follow before the abstract, because then names and affiliations are interleaved and
    which is which is a guess.
    """
    authors: list[str] = []
    i = start
    while i < len(lines) and (names := _names_in_line(lines[i])):
        authors.extend(names)
        i += 1
    for line in lines[i:i + 15]:
        if _ABSTRACT_RE.match(line) or _SECTION_RE.match(line):
            break
        if _names_in_line(line):
            return []
    return authors


def _abstract(lines: list[str], title: str) -> str:
    """The paragraph after an "Abstract" heading, up to the next heading, or ""."""
    start = None
    first = ""
    for i, line in enumerate(lines):
        match = _ABSTRACT_RE.match(line)
        # "Abstract Representations of Code" is a title, not a heading with text after it.
        if match and line != title and not title.startswith(line):
            start, first = i, match.group(1) or match.group(2) or ""
            break
    if start is None:
        return ""
    body = [first] if first else []
    for line in lines[start + 1:]:
        if _SECTION_RE.match(line) or (body and _ends_abstract(line)):
            break
        body.append(line)
        if sum(len(b) for b in body) > 5000:
            return ""  # no heading ended it: not an abstract we can trust
    return _clean(" ".join(body))


def _ends_abstract(line: str) -> bool:
    """Page furniture that follows an abstract in the text when no heading does: a running
    footer ("Preprint. Under review."), a venue line, a footnote, a contact address.
    (A URL does not end it: "Code is at https://..." is common in abstracts.)"""
    if line.lower().startswith("arxiv:") or _HEADER_RE.match(line) or "@" in line:
        return True
    if len(line) <= 120 and _VENUE_YEAR_RE.search(line):
        return True
    return line[0] in _MARKS or bool(re.match(r"^\d\s?[A-Z][a-z]+ (?:contribution|author)", line))
