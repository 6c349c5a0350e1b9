"""Clean-up of the text pypdf extracts: whitespace folded, lines split, and hyphenation
at line ends undone where the document itself shows how the word is spelt.
"""

from __future__ import annotations

import re


def _clean(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


def _lines(text: str) -> list[str]:
    return [c for c in (_clean(line) for line in text.splitlines()) if c]


# --- hyphenation -----------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_BREAK_RE = re.compile(r"(?<![\w-])([^\W\d_]+(?:-[^\W\d_]+)*)-[ \t]*\n[ \t]*([^\W\d_]+)")


def _dehyphenate_pages(pages: list[str]) -> list[str]:
    """Each page with `_dehyphenate` applied, the whole document serving as vocabulary."""
    if not any("-\n" in p or re.search(r"-[ \t]+\n", p) for p in pages):
        return pages
    vocabulary = {w.casefold() for p in pages for w in _WORD_RE.findall(p)}
    return [_dehyphenate(p, vocabulary) for p in pages]


def _dehyphenate(text: str, vocabulary: set[str] | None = None) -> str:
    """Undo hyphenation at line ends where the document itself says how the word is spelt.

    "trans-\\nformer" becomes "transformer" when "transformer" occurs elsewhere in the text,
    and "self-\\nattention" becomes "self-attention" when that spelling does; a break with
    no such evidence is left alone, since guessing would glue real compounds together.
    """
    if "-\n" not in text and not re.search(r"-[ \t]+\n", text):
        return text
    if vocabulary is None:
        vocabulary = {w.casefold() for w in _WORD_RE.findall(text)}

    def repair(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        if not right[0].islower():
            return match.group(0)
        head = left.rsplit("-", 1)[-1]
        if f"{head}{right}".casefold() in vocabulary:
            return f"{left}{right}"
        if f"{head}-{right}".casefold() in vocabulary:
            return f"{left}-{right}"
        return match.group(0)

    return _BREAK_RE.sub(repair, text)
