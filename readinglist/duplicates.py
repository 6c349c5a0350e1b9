"""Likely duplicates already in the library: the same DOI, arXiv id or title, or titles
that differ by a few characters (a typo, a subtitle's punctuation, "v2").

Pure logic over light rows, so it runs on 10,000 papers without comparing every pair:
titles are compared only within blocks that share a rare title word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .citation_keys import family_name
from .textutil import title_key

SIMILAR_TITLES = 0.9  # SequenceMatcher ratio from which two titles count as near-identical
_BLOCK_WORDS = 2  # each title is filed under its rarest words
_MAX_BLOCK = 200  # a word shared by more titles than this is too common to block on


@dataclass(frozen=True)
class DuplicateRow:
    id: int
    title: str
    authors: Sequence[str]
    year: int | None
    doi: str
    arxiv_id: str


@dataclass(frozen=True)
class DuplicatePair:
    """Two papers that are probably the same work; `keep` is the older one."""

    keep: int
    other: int
    reason: str  # "same DOI", "same arXiv id", "same title", "similar titles (93%)"
    score: float  # 1.0 for identical identifiers or titles


def same_first_author(a: Sequence[str], b: Sequence[str]) -> bool:
    """True when both first authors share a family name, or either list is empty (a
    record without authors, like a Daily Papers entry, is matched on its title alone)."""
    if not a or not b:
        return True
    return title_key(family_name(a[0])) == title_key(family_name(b[0]))


def _conflict(a: DuplicateRow, b: DuplicateRow) -> bool:
    """Different DOIs or arXiv ids, or different first authors: two works."""
    if a.doi and b.doi and a.doi != b.doi:
        return True
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        return True
    return not same_first_author(a.authors, b.authors)


def find_pairs(
    rows: Iterable[DuplicateRow], threshold: float = SIMILAR_TITLES
) -> list[DuplicatePair]:
    """Likely duplicate pairs, strongest first. A paper may appear in several pairs."""
    rows = sorted(rows, key=lambda r: r.id)
    found: dict[tuple[int, int], DuplicatePair] = {}

    def add(a: DuplicateRow, b: DuplicateRow, reason: str, score: float) -> None:
        key = (min(a.id, b.id), max(a.id, b.id))
        if key not in found or found[key].score < score:
            found[key] = DuplicatePair(key[0], key[1], reason, score)

    for attr, reason in (("doi", "same DOI"), ("arxiv_id", "same arXiv id")):
        groups: dict[str, list[DuplicateRow]] = defaultdict(list)
        for row in rows:
            if getattr(row, attr):
                groups[getattr(row, attr)].append(row)
        for group in groups.values():
            for other in group[1:]:
                add(group[0], other, reason, 1.0)

    keys = {row.id: title_key(row.title) for row in rows}
    by_title: dict[str, list[DuplicateRow]] = defaultdict(list)
    for row in rows:
        if keys[row.id]:
            by_title[keys[row.id]].append(row)
    for group in by_title.values():
        for other in group[1:]:
            if not _conflict(group[0], other):
                add(group[0], other, "same title", 1.0)

    # Near-identical titles: compare only titles that share one of their rarest words.
    frequency: dict[str, int] = defaultdict(int)
    for key in keys.values():
        for word in set(key.split()):
            frequency[word] += 1
    blocks: dict[str, list[DuplicateRow]] = defaultdict(list)
    for row in rows:
        words = sorted(set(keys[row.id].split()), key=lambda w: (frequency[w], w))
        for word in [w for w in words if len(w) > 2][:_BLOCK_WORDS]:
            blocks[word].append(row)
    compared: set[tuple[int, int]] = set()
    for block in blocks.values():
        if len(block) > _MAX_BLOCK:
            continue
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                pair = (a.id, b.id)
                if pair in compared or pair in found or keys[a.id] == keys[b.id]:
                    continue
                compared.add(pair)
                matcher = SequenceMatcher(None, keys[a.id], keys[b.id], autojunk=False)
                if matcher.quick_ratio() < threshold:
                    continue
                ratio = matcher.ratio()
                if ratio >= threshold and not _conflict(a, b):
                    add(a, b, f"similar titles ({ratio:.0%})", ratio)
    return sorted(found.values(), key=lambda p: (-p.score, p.keep, p.other))
