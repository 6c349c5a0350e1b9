"""Citation keys in the author-year-word style ("vaswani2017attention").

A paper gets its key once, when it enters the library (from the imported file when that
key is free, else made here), and keeps it, so exports stay stable when titles change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .normalize import fold_accents

# Words that make a poor key word (the key names the paper by its first real word).
_SKIP = frozenset({
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards",
    "toward", "via", "is", "are", "do", "does", "can", "how", "what", "when", "why",
    "beyond", "through", "into", "at", "by",
})
# Characters BibTeX, biber and LaTeX all accept in a key.
# What would break an entry's head in a .bib file: the key is the user's, everything
# else (Unicode, "/", "+", "'") is kept ("Brown:EPODD-8-2/3-49", "negrão14").
_KEY_SAFE = re.compile(r"[\s,{}()\"#%=\\~]+")


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_accents(text).lower())


_NAME_SUFFIX = re.compile(r"(?:,\s*|\s+)(?:Jr\.?|Sr\.?|II|III|IV)$")


def family_name(author: str) -> str:
    """The family name of "Last, First" or "First Last" (last word), as written."""
    # "Harry L. Baldwin, Jr." and "Edwin V. Bell II": the name before the suffix.
    author = _NAME_SUFFIX.sub("", author.strip())
    if "," in author:
        return author.split(",", 1)[0].strip()
    parts = author.split()
    return parts[-1] if parts else ""


def base_key(title: str, authors: Sequence[str], year: int | None) -> str:
    """'Attention Is All You Need', ['Ashish Vaswani', ...], 2017 -> 'vaswani2017attention'."""
    name = _ascii_word(family_name(authors[0])) if authors else ""
    words = [_ascii_word(w) for w in re.findall(r"[^\W_]+", title)]
    word = next((w for w in words if w and w not in _SKIP), words[0] if words else "")
    key = f"{name}{year or ''}{word}"
    return key or "paper"


def _suffix(n: int) -> str:
    """The n-th suffix (from 0): a, b, ... z, aa, ab ... (bijective base 26)."""
    suffix = ""
    while True:
        suffix = chr(ord("a") + n % 26) + suffix
        n = n // 26 - 1
        if n < 0:
            return suffix


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or base + a, b, ... z, aa, ab ...: the first one `taken` says is free
    after those taken in a row.

    The suffixes are searched by galloping (a, b, d, h, p ...) and then halving, so the
    thousandth paper of one base key costs about 20 calls of `taken`, not a thousand: a
    list of 5,000 identifiers imported without a lookup (keys "arxiv", "arxiva" ...)
    made one SQL query per candidate, 4.5 million for 3,000 ids. Where keys were freed
    in the middle (papers deleted for good), a later free suffix may be found first.
    """
    base = _KEY_SAFE.sub("", base) or "paper"
    if not taken(base):
        return base
    if not taken(base + _suffix(0)):
        return base + _suffix(0)
    low, high = 0, 1  # low: known taken
    while taken(base + _suffix(high)):
        low, high = high, high * 2 + 1
    while high - low > 1:  # low taken, high free
        middle = (low + high) // 2
        if taken(base + _suffix(middle)):
            low = middle
        else:
            high = middle
    return base + _suffix(high)


def clean_key(key: str) -> str:
    """A key from a file, without characters that would break a BibTeX file."""
    return _KEY_SAFE.sub("", key.strip())
