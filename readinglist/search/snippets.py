"""Snippets of where a query matched, as plain segments (never HTML).

Whoosh's fragmenter picks the best passage; our formatter returns text pieces with a
`hit` flag, so each front end decides how to show a match and user text is never
interpreted as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from whoosh.analysis import Analyzer
from whoosh.highlight import ContextFragmenter, Formatter, highlight

from ..domain import Segment

ELLIPSIS = "\u2026"
_WORD = re.compile(r"\w")


class _SegmentFormatter(Formatter):
    def format_fragment(self, fragment, replace=False):
        segments: list[Segment] = []
        text = fragment.text
        # Only punctuation and spaces left out at either end: show them, not an ellipsis.
        index = 0 if not _WORD.search(text, 0, fragment.startchar) else fragment.startchar
        end = len(text) if not _WORD.search(text, fragment.endchar) else fragment.endchar
        if index > 0:
            segments.append(Segment(ELLIPSIS))
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, -t.endchar)):
            if token.startchar is None or token.startchar < index:
                continue
            if token.startchar > index:
                segments.append(Segment(text[index:token.startchar]))
            segments.append(Segment(text[token.startchar:token.endchar], hit=True))
            index = token.endchar
        segments.append(Segment(text[index:end]))
        if end < len(text):
            segments.append(Segment(ELLIPSIS))
        return [s for s in segments if s.text]

    def format(self, fragments, replace=False):
        return [self.format_fragment(f) for f in fragments]


def _score_fragment(fragment) -> float:
    """Prefer passages with more of the different query words, then more matches, then
    earlier ones (Whoosh's default counts matches only, and breaks ties by the last)."""
    distinct = len({t.text for t in fragment.matches})
    return distinct * 1000 + len(fragment.matches) * 10 - fragment.startchar / 10000


def make_snippet(
    text: str, terms: Iterable[str], analyzer: Analyzer, maxchars: int = 260
) -> tuple[Segment, ...]:
    """The best passage of `text` containing `terms` (index terms of that field), or ()."""
    termset = frozenset(terms)
    if not text or not termset:
        return ()
    fragments = highlight(
        text, termset, analyzer, ContextFragmenter(maxchars=maxchars, surround=60),
        _SegmentFormatter(), top=1, scorer=_score_fragment, mode="index",
    )
    return tuple(fragments[0]) if fragments else ()


def match_spans(text: str, terms: Iterable[str], analyzer: Analyzer) -> list[tuple[int, int]]:
    """Character ranges of `text` whose analysed form is one of `terms` (for highlighting)."""
    termset = frozenset(terms)
    if not text or not termset:
        return []
    return [
        (token.startchar, token.endchar)
        # Index mode: the tokens the index holds, compounds' closed forms included.
        for token in analyzer(text, chars=True, mode="index")
        if token.text in termset
    ]
