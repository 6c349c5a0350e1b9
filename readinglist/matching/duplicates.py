"""Likely duplicates already in the library (Tools > Find duplicates), ranked by evidence.

Candidates are papers that share a DOI, an arXiv id or a title, and papers whose titles
differ by a few characters (a typo, a subtitle's punctuation, "v2"; compared only within
blocks that share a rare title word, so 20,000 papers are not compared pairwise). Each
candidate is weighed with the import's rules (`identity.judge`, asked both ways so the
order of the two papers does not matter) and gets a score in [0, 1]:

Strong pairs (score >= STRONG; "Check all" checks these):

* 1.00 the same DOI, 0.98 the same arXiv id; 0.06 less for each fact against them:
  titles that differ (neither the same nor similar, or numbered differently), different
  first authors, another identifier that differs. One such fact leaves the pair strong
  (an arXiv title changed between versions); with two, an identifier shared by
  unrelated records (a proceedings volume's DOI, a mistyped arXiv id) is a weak pair.
* 0.95 the same title that `judge` calls a match: the same first author and year with
  no conflicting venue, volume, number, pages or entry type (or the same abstract).
* 0.90-0.94 near-identical titles (at least NEAR_IDENTICAL alike) with the same first
  author and the same year, and nothing else conflicting.

Weak pairs (listed below the strong ones, never checked by "Check all"):

* 0.80 the same title that `judge` calls a possible duplicate (a preprint and its
  journal version: the years or venues differ), 0.05 less per fact against.
* 0.85 x similarity for other similar titles, 0.05 less per fact against.

Not listed at all:

* titles that differ in a number: "Tricks II" and "Tricks III", "issues 2-3/2012" and
  "2-3/2014", "Part 2" and "Part 3", "GPT-3" and "GPT-4" (a series, not a duplicate);
* the same or a similar title by different first authors;
* the same title in the same venue in another year, volume, issue or on other pages
  (a recurring column such as forty years of "Editorial comments");
* similar (not identical) titles whose DOIs or arXiv ids differ.

Pure logic over light rows; no database.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import partial
from typing import Any

from ..text.citation_keys import family_name
from ..text.normalize import title_key
from .identity import Facts, Verdict, facts, judge

SIMILAR_TITLES = 0.9  # SequenceMatcher ratio from which two titles count as similar
NEAR_IDENTICAL = 0.95  # ... and from which they may make a strong pair
STRONG = 0.9  # pairs scoring at least this are strong: "Check all" checks them
_BLOCK_WORDS = 2  # each title is filed under its rarest words
_MAX_BLOCK = 200  # a word (or a title and first author) shared by more is not compared

_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_VERSION = re.compile(r"v\d+")  # "v2": a version of the same work, not another work
# Roman numerals up to 39: "xi" or "vi" may be words, but rarely differ alone.
_ROMAN = re.compile(r"x{0,3}(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_NUMBER_WORDS = {
    word: n for n, words in enumerate((
        ("one", "first"), ("two", "second"), ("three", "third"), ("four", "fourth"),
        ("five", "fifth"), ("six", "sixth"), ("seven", "seventh"), ("eight", "eighth"),
        ("nine", "ninth"), ("ten", "tenth"),
    ), start=1) for word in words
}  # fmt: skip


@dataclass(frozen=True)
class DuplicateRow:
    """What a paper's duplicates are judged on (see PaperStore.duplicate_rows)."""

    id: int
    title: str
    authors: Sequence[str]
    year: int | None
    doi: str
    arxiv_id: str
    venue: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    entry_type: str = ""
    citation_key: str = ""
    aliases: str = ""  # biblatex ``ids``: alias citation keys, comma-separated
    abstract: str = ""  # only needed when a first author or the year is missing
    key: str = ""  # the title's key (textutil.title_key), computed when not given

    @classmethod
    def from_db(cls, paper_id: int, title: str, authors: Sequence[str], year: int | None,
                *rest: Any) -> DuplicateRow:
        """A row of PaperStore.duplicate_rows (authors decoded): the fields from extra
        may be missing (None) or numbers."""
        return cls(paper_id, title, authors, year,
                   *("" if value is None else str(value) for value in rest))

    def facts(self, key: str | None = None) -> Facts:
        """identity.facts of this paper (`key`: its title key, if known: not made again)."""
        found = facts(
            title="" if key is not None else self.title, authors=self.authors,
            year=self.year, venue=self.venue,
            extra={"volume": self.volume, "number": self.number, "pages": self.pages,
                   "ids": self.aliases},
            entry_type=self.entry_type, doi=self.doi, arxiv_id=self.arxiv_id,
            citation_key=self.citation_key, abstract=self.abstract,
        )
        return found if key is None else replace(found, title=key)


@dataclass(frozen=True)
class DuplicatePair:
    """Two papers that may be the same work; `keep` is the older one."""

    keep: int
    other: int
    # The evidence for, then against: "same DOI", "same title, first author and year",
    # "similar titles (96%), same first author; years differ (2010/2011)".
    reason: str
    score: float  # in [0, 1]; STRONG and above: checked by "Check all"

    @property
    def strong(self) -> bool:
        return self.score >= STRONG


def title_numbers(key: str) -> tuple[int, ...]:
    """The numbers a title key names, sorted: digits ("2012", "gpt3"), roman numerals
    ("ii") and number words ("second"). Version marks ("v2") are left out."""
    found: list[int] = []
    for word in key.split():
        if _VERSION.fullmatch(word):
            continue
        if digits := _DIGITS.findall(word):
            found += (int(d) for d in digits)
        elif word in _NUMBER_WORDS:
            found.append(_NUMBER_WORDS[word])
        elif _ROMAN.fullmatch(word):
            values = [_ROMAN_VALUES[c] for c in word]
            found.append(sum(-v if v < w else v
                             for v, w in zip(values, [*values[1:], 0], strict=True)))
    return tuple(sorted(found))


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _shown(value: object) -> str:
    return str(value)[:20]


def _against(a: Facts, b: Facts) -> list[str]:
    """Facts that speak against two records being one work, for the reason."""
    found = [f"{name} differ ({_shown(x)}/{_shown(y)})" for name, x, y in (
        ("years", a.year, b.year), ("volumes", a.volume, b.volume),
        ("numbers", a.number, b.number), ("pages", a.pages, b.pages),
    ) if x and y and x != y]
    if a.venue and b.venue and a.venue != b.venue:
        found.append("venues differ")
    if (a.entry_type and b.entry_type and a.entry_type != b.entry_type
            and "misc" not in (a.entry_type, b.entry_type)):
        found.append("entry types differ")
    if a.doi and b.doi and a.doi != b.doi:
        found.append("DOIs differ")
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        found.append("arXiv ids differ")
    missing = [name for name, gone in (
        ("authors", not (a.first_author and b.first_author)),
        ("year", a.year is None or b.year is None)) if gone]
    if missing:
        found.append(f"no {' or '.join(missing)} to compare")
    return found


def _reason(evidence: str, against: Sequence[str]) -> str:
    """"same title and first author; years differ (2010/2011)": for, then against."""
    return f"{evidence}; {', '.join(against)}" if against else evidence


def _shared(a: Facts, b: Facts) -> list[str]:
    """What two records with the same or a similar title also share, for the reason."""
    return [name for name, x, y in (
        ("first author", a.first_author, b.first_author), ("year", a.year, b.year),
        ("venue", a.venue, b.venue),
    ) if x and x == y]


def _verdict(a: Facts, b: Facts) -> Verdict:
    """judge() both ways, the weaker verdict: the order of two papers must not matter."""
    order = (Verdict.DIFFERENT, Verdict.POSSIBLE, Verdict.MATCH)
    return min(judge(a, b).verdict, judge(b, a).verdict, key=order.index)


class _Ranker:
    """Weighs candidate pairs of `rows` (see the module docstring)."""

    def __init__(self, rows: Sequence[DuplicateRow], threshold: float) -> None:
        self.rows = {row.id: row for row in rows}
        self.keys = {row.id: row.key or title_key(row.title) for row in rows}
        self._first_authors: dict[int, str] = {}
        self.threshold = threshold
        self._facts: dict[int, Facts] = {}
        self._numbers: dict[int, tuple[int, ...]] = {}
        self._letters: dict[int, Counter[str]] = {}

    def facts(self, paper_id: int) -> Facts:
        if paper_id not in self._facts:  # only papers in some candidate pair need them
            self._facts[paper_id] = self.rows[paper_id].facts(self.keys[paper_id])
        return self._facts[paper_id]

    def first_author(self, paper_id: int) -> str:
        """The folded family name of the first author, "" for none."""
        if paper_id not in self._first_authors:
            authors = self.rows[paper_id].authors
            self._first_authors[paper_id] = (title_key(family_name(authors[0]))
                                             if authors else "")
        return self._first_authors[paper_id]

    def numbers(self, paper_id: int) -> tuple[int, ...]:
        if paper_id not in self._numbers:
            self._numbers[paper_id] = title_numbers(self.keys[paper_id])
        return self._numbers[paper_id]

    def letters_bound(self, a: int, b: int) -> float:
        """An upper bound of the titles' similarity from the letters they share, far
        cheaper than SequenceMatcher's own (which rebuilds its tables for every pair)."""
        for paper_id in (a, b):
            if paper_id not in self._letters:
                self._letters[paper_id] = Counter(self.keys[paper_id])
        shared = sum((self._letters[a] & self._letters[b]).values())
        return 2 * shared / (len(self.keys[a]) + len(self.keys[b]))

    def ratio(self, a: int, b: int) -> float:
        return SequenceMatcher(None, self.keys[a], self.keys[b], autojunk=False).ratio()

    def identifier(self, a: int, b: int, name: str, base: float) -> tuple[str, float]:
        fa, fb = self.facts(a), self.facts(b)
        against = []
        if self.keys[a] != self.keys[b] and (
                self.numbers(a) != self.numbers(b) or self.ratio(a, b) < self.threshold):
            against.append("titles differ")
        if fa.first_author and fb.first_author and fa.first_author != fb.first_author:
            against.append("different first authors")
        if name == "DOI" and fa.arxiv_id and fb.arxiv_id and fa.arxiv_id != fb.arxiv_id:
            against.append("arXiv ids differ")
        if name == "arXiv id" and fa.doi and fb.doi and fa.doi != fb.doi and not (
                _ARXIV_DOI.match(fa.doi) or _ARXIV_DOI.match(fb.doi)):
            against.append("DOIs differ")
        return _reason(f"same {name}", against), base - 0.06 * len(against)

    def shared_identifier(self, a: int, b: int) -> bool:
        """Both in the pairs of one identifier: the first of those stands for them all,
        so a group of ten papers with one DOI is nine pairs, not forty-five."""
        ra, rb = self.rows[a], self.rows[b]
        return bool((ra.doi and ra.doi.lower() == rb.doi.lower())
                    or (ra.arxiv_id and ra.arxiv_id.lower() == rb.arxiv_id.lower()))

    def same_title(self, a: int, b: int) -> tuple[str, float] | None:
        if self.shared_identifier(a, b):
            return None
        fa, fb = self.facts(a), self.facts(b)
        verdict = _verdict(fa, fb)
        if verdict is Verdict.DIFFERENT:
            return None
        shared = _shared(fa, fb)
        if verdict is Verdict.MATCH:
            if fa.abstract and fa.abstract == fb.abstract and "first author" not in shared:
                shared.append("abstract")
            return "same " + _and(["title", *shared]), 0.95
        against = _against(fa, fb)
        return (_reason("same " + _and(["title", *shared]), against),
                max(0.5, 0.8 - 0.05 * len(against)))

    def similar(self, a: int, b: int) -> tuple[str, float] | None:
        # Cheapest tests first: most titles that share a rare word are by other people.
        first_a, first_b = self.first_author(a), self.first_author(b)
        if first_a and first_b and first_a != first_b:
            return None
        if self.numbers(a) != self.numbers(b):
            return None  # "Tricks II" and "Tricks III": a series, not one work
        if self.shared_identifier(a, b):
            return None
        length_a, length_b = len(self.keys[a]), len(self.keys[b])
        if (2 * min(length_a, length_b) / (length_a + length_b) < self.threshold
                or self.letters_bound(a, b) < self.threshold):
            return None
        ratio = self.ratio(a, b)
        if ratio < self.threshold:
            return None
        fa, fb = self.facts(a), self.facts(b)
        if (fa.doi and fb.doi and fa.doi != fb.doi) or (
                fa.arxiv_id and fb.arxiv_id and fa.arxiv_id != fb.arxiv_id):
            return None  # two identifiers and two titles: two works
        # The rest is judged as if the titles were the same.
        verdict = _verdict(replace(fa, title=fb.title), fb)
        if verdict is Verdict.DIFFERENT:
            return None
        shared, against = _shared(fa, fb), _against(fa, fb)
        # floor: a 99.6 % match is not shown as "100 %", which would read as identical
        reason = _reason(f"similar titles ({math.floor(ratio * 100)}%)"
                         + (", same " + _and(shared) if shared else ""), against)
        if (verdict is Verdict.MATCH and ratio >= NEAR_IDENTICAL
                and {"first author", "year"} <= set(shared)):
            return reason, STRONG + (ratio - NEAR_IDENTICAL) * 0.8
        return reason, max(0.05, 0.85 * ratio - 0.05 * len(against))


def _same_author_pairs(ids: Sequence[int], first_author: Callable[[int], str]
                       ) -> Iterator[tuple[int, int]]:
    """The pairs of `ids` that may share a first author: the same one, or none on either
    side (a record without authors may be anyone's). Groups of more than _MAX_BLOCK are
    left out: hundreds of items of one title by one author are a series, and pairing
    every author's papers with authorless ones of a common title would be too many."""
    by_author: dict[str, list[int]] = defaultdict(list)
    for paper_id in ids:
        by_author[first_author(paper_id)].append(paper_id)
    anonymous = by_author.pop("", [])
    for group in [*by_author.values(), anonymous]:
        if len(group) <= _MAX_BLOCK:
            for i, a in enumerate(group):
                yield from ((a, b) for b in group[i + 1:])
    if anonymous and len(ids) <= _MAX_BLOCK:
        yield from ((a, b) for group in by_author.values() for a in group for b in anonymous)


def find_pairs(
    rows: Iterable[DuplicateRow], threshold: float = SIMILAR_TITLES,
    only: Collection[int] | None = None,
) -> list[DuplicatePair]:
    """Likely duplicate pairs, strongest first (`only`: just the pairs involving those
    papers). A paper may appear in several pairs."""
    rows = sorted(rows, key=lambda r: r.id)
    ranker = _Ranker(rows, threshold)
    keys = ranker.keys
    wanted = None if only is None else set(only)
    found: dict[tuple[int, int], DuplicatePair] = {}
    seen: set[tuple[int, int]] = set()

    def consider(a: int, b: int, weigh: Callable[[int, int], tuple[str, float] | None]) -> None:
        pair = (min(a, b), max(a, b))
        if pair in seen or (wanted is not None and a not in wanted and b not in wanted):
            return
        seen.add(pair)
        weighed = weigh(*pair)
        if weighed is not None:
            reason, score = weighed
            found[pair] = DuplicatePair(*pair, reason, round(min(1.0, score), 4))

    # Identifiers first: a pair weighed here is not weighed again on its title.
    for attr, name, base in (("doi", "DOI", 1.0), ("arxiv_id", "arXiv id", 0.98)):
        groups: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            if getattr(row, attr):
                groups[getattr(row, attr).lower()].append(row.id)
        for group in groups.values():
            for other in group[1:]:
                consider(group[0], other, partial(ranker.identifier, name=name, base=base))

    # The same title: every pair that may share a first author, so that a recurring
    # column's items are weighed pairwise.
    by_title: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if keys[row.id]:
            by_title[keys[row.id]].append(row.id)
    for group in by_title.values():
        if len(group) > 1 and (wanted is None or not wanted.isdisjoint(group)):
            for a, b in _same_author_pairs(group, ranker.first_author):
                consider(a, b, ranker.same_title)

    # Similar titles: compare only titles that share one of their rarest words.
    frequency: dict[str, int] = defaultdict(int)
    for key in keys.values():
        for word in set(key.split()):
            frequency[word] += 1
    blocks: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        words = sorted(set(keys[row.id].split()), key=lambda w: (frequency[w], w))
        for word in [w for w in words if len(w) > 2][:_BLOCK_WORDS]:
            blocks[word].append(row.id)
    for block in blocks.values():
        # A word shared by more than _MAX_BLOCK titles is too common to block on.
        if 1 < len(block) <= _MAX_BLOCK and (wanted is None or not wanted.isdisjoint(block)):
            for a, b in _same_author_pairs(block, ranker.first_author):
                if keys[a] != keys[b]:
                    consider(a, b, ranker.similar)
    return sorted(found.values(), key=lambda p: (-p.score, p.keep, p.other))


def plan_merges(
    pairs: Iterable[tuple[int, int]], existing: set[int] | None = None
) -> list[tuple[int, list[int]]]:
    """Turn (keep, other) pairs into merges of whole groups, one per surviving paper.

    Pairs are applied as if merged one after the other: a paper already merged away is
    represented by the paper it went into, so with A<-B and B<-C everything ends in A.
    Pairs naming a paper not in `existing` (deleted since they were found) are skipped.
    Returns [(keep, others)] with groups and their members in the order first seen.
    """
    parent: dict[int, int] = {}

    def find(paper_id: int) -> int:
        root = paper_id
        while parent.get(root, root) != root:
            root = parent[root]
        while paper_id != root:  # path compression keeps long chains cheap
            parent[paper_id], paper_id = root, parent[paper_id]
        return root

    order: list[int] = []
    for keep, other in pairs:
        if existing is not None and (keep not in existing or other not in existing):
            continue
        for paper_id in (keep, other):
            if paper_id not in parent:
                parent[paper_id] = paper_id
                order.append(paper_id)
        root_keep, root_other = find(keep), find(other)
        if root_keep != root_other:
            parent[root_other] = root_keep
    groups: dict[int, list[int]] = {}
    for paper_id in order:
        root = find(paper_id)
        members = groups.setdefault(root, [])
        if paper_id != root:
            members.append(paper_id)
    return [(keep, others) for keep, others in groups.items() if others]
