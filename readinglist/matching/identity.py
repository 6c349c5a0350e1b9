"""When are two bibliographic records the same work? The rules an import follows.

A bibliography is its owner's work, so an import only merges on evidence a bibliographer
would accept, and everything weaker is imported as its own paper and listed for review:

* **Match** (the record is merged into the paper: empty fields filled, nothing the user
  wrote overwritten; "already present" when it brings nothing new):
  the same DOI; the same arXiv id (unless their DOIs differ); the same citation key (or
  alias) with the same title; the same record (title, authors, year, venue, volume,
  number and pages all equal after normalisation); or the same title, first author and
  year with no conflicting venue, volume, number, pages or entry type.
* **Possible duplicate** (added, listed for review): the same title with weaker evidence,
  e.g. one side has no authors or no year, the years or venues differ, or the DOIs
  differ (a preprint and its journal version).
* **Different**: different titles; the same title by a different first author; the same
  title in the same venue in another year, volume, issue, on other pages or with another
  DOI (a recurring column such as "Editorial comments"); the same title published more
  than two years apart (another edition, another year's column). And a title the
  library holds twice in one venue by the same author is a column's name: only a match
  counts for it, never a possible duplicate.

Within one file, entries with different citation keys are two works unless a DOI or an
arXiv id says otherwise (the caller passes ``same_file_other_key``).

Pure logic on normalised facts; no database.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..text.citation_keys import family_name
from ..text.normalize import title_key

_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.", re.IGNORECASE)
_WORDS = re.compile(r"[0-9a-z]+")
# Entry types that name the same kind of work in different vocabularies.
_TYPE_ALIASES = {
    "conference": "inproceedings", "paper-conference": "inproceedings",
    "article-journal": "article", "jour": "article", "periodical": "article",
    "phdthesis": "thesis", "mastersthesis": "thesis", "report": "techreport",
    "chapter": "incollection", "online": "misc", "electronic": "misc", "www": "misc",
    "webpage": "misc", "unpublished": "misc", "manuscript": "misc",
}  # fmt: skip
_UNTYPED = {"", "misc"}  # says nothing about what the work is
# Fields of extra that name one record in a database: the same value is the same work,
# another value another work (two correction notices "Erratum" in one journal).
_ACCESSIONS = {"pmid": "PubMed id", "pmcid": "PMC id", "wos_ut": "Web of Science id"}
# A preprint and its journal version are rarely further apart than this.
_YEARS_APART = 2


class Verdict(enum.StrEnum):
    MATCH = "match"
    POSSIBLE = "possible"
    DIFFERENT = "different"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: str  # "same DOI", "same title, first author and year", "years differ" ...
    strength: int = 0  # among matches: identifiers 3, citation key 2, record 1, title 0


def _norm(value: object) -> str:
    return " ".join(_WORDS.findall(str(value or "").casefold()))


def _pages(value: object) -> str:
    """"10--119", "pp. 10-119" and "10 - 119" alike: the numbers, in order."""
    words = _WORDS.findall(str(value or "").casefold())
    return "-".join(w for w in words if w not in ("pp", "p", "pages"))


def aliases_of(extra: Mapping[str, Any]) -> frozenset[str]:
    """Alias citation keys of a paper: biblatex's ``ids`` field (comma-separated)."""
    return frozenset(k.strip() for k in str(extra.get("ids") or "").split(",") if k.strip())


@dataclass(frozen=True)
class Facts:
    """What identity is judged on, normalised (see `facts`)."""

    title: str
    authors: tuple[str, ...]  # family names, folded
    year: int | None
    venue: str
    volume: str
    number: str
    pages: str
    entry_type: str
    doi: str
    arxiv_id: str
    key: str
    aliases: frozenset[str] = frozenset()
    abstract: str = ""
    # Database identifiers a record may carry in extra: PubMed, PMC, Web of Science.
    accession: tuple[tuple[str, str], ...] = ()

    @property
    def first_author(self) -> str:
        return self.authors[0] if self.authors else ""


def facts(
    *, title: str, authors: Sequence[str], year: int | None, venue: str = "",
    extra: Mapping[str, Any] | str | None = None, entry_type: str = "", doi: str = "",
    arxiv_id: str = "", citation_key: str = "", abstract: str = "",
) -> Facts:
    """Facts of a record or a stored paper (`extra` as a dict or its JSON text)."""
    data: Mapping[str, Any] = (json.loads(extra or "{}") if isinstance(extra, str) else extra) or {}
    kind = (entry_type or "").strip().lower()
    return Facts(
        title=title_key(title),
        authors=tuple(title_key(family_name(a)) for a in authors if a.strip()),
        year=year,
        venue=title_key(venue or ""),
        volume=_norm(data.get("volume")),
        number=_norm(data.get("number") or data.get("issue")),
        pages=_pages(data.get("pages")),
        entry_type=_TYPE_ALIASES.get(kind, kind),
        doi=(doi or "").lower(),
        arxiv_id=(arxiv_id or "").lower(),
        key=citation_key or "",
        aliases=aliases_of(data),
        abstract=_norm(abstract)[:2000],
        accession=tuple((name, _norm(data[name])) for name in _ACCESSIONS
                        if _norm(data.get(name))),
    )


def _first_page(pages: str) -> str:
    return pages.split("-", 1)[0]


def _placed_elsewhere(new: Facts, old: Facts) -> bool:
    """Another year, volume, number or first page: another item, if in one venue."""
    return any(_differs(a, b) for a, b in (
        (new.year, old.year), (new.volume, old.volume), (new.number, old.number),
        (_first_page(new.pages), _first_page(old.pages))))


def _differs(a: object, b: object) -> bool:
    """Both sides say something, and not the same thing."""
    return bool(a) and bool(b) and a != b


def _dois_conflict(new: Facts, old: Facts) -> bool:
    # arXiv's own DOI and a journal's DOI name the same work's two versions.
    if new.arxiv_id and new.arxiv_id == old.arxiv_id and (
            _ARXIV_DOI.match(new.doi) or _ARXIV_DOI.match(old.doi)):
        return False
    return _differs(new.doi, old.doi)


def judge(new: Facts, old: Facts, same_file_other_key: bool = False) -> Judgement:
    """Whether the record `new` is the paper `old` (see the module docstring).

    `same_file_other_key`: `old` came from the same file under another citation key, so
    only an identifier can make them one work."""
    found = _judge(new, old)
    if same_file_other_key and found.verdict is Verdict.MATCH and (
            found.strength < 3 or not _same_or_shortened(new.title, old.title)):
        # Two keys of one file are two works, unless an identifier says otherwise and
        # the titles agree (one DOI pasted into two different entries proves nothing).
        return Judgement(Verdict.POSSIBLE, f"{found.reason}, but another citation key of "
                         "the same file" + ("" if found.strength < 3 else " and another title"))
    return found


def _same_or_shortened(a: str, b: str) -> bool:
    """Title keys that are equal, or one the other without its subtitle."""
    return a == b or a.startswith(b) or b.startswith(a)


def _judge(new: Facts, old: Facts) -> Judgement:
    dois_conflict = _dois_conflict(new, old)
    if new.doi and new.doi == old.doi:
        return Judgement(Verdict.MATCH, "same DOI", 3)
    if new.arxiv_id and new.arxiv_id == old.arxiv_id and not dois_conflict:
        return Judgement(Verdict.MATCH, "same arXiv id", 3)
    theirs = dict(old.accession)
    accessions_differ = False
    for name, value in new.accession:
        if theirs.get(name) == value and not dois_conflict:
            return Judgement(Verdict.MATCH, f"same {_ACCESSIONS[name]}", 3)
        accessions_differ = accessions_differ or bool(theirs.get(name))
    if not new.title or new.title != old.title:
        return Judgement(Verdict.DIFFERENT, "different titles")
    if new.key and (new.key == old.key or new.key in old.aliases) and not dois_conflict:
        return Judgement(Verdict.MATCH, "same citation key and title", 2)
    if _differs(new.first_author, old.first_author):
        return Judgement(Verdict.DIFFERENT, "different first authors")
    identifiers_differ = (dois_conflict or _differs(new.arxiv_id, old.arxiv_id)
                          or accessions_differ)
    if new.venue and new.venue == old.venue and (
            identifiers_differ or _placed_elsewhere(new, old)):
        # The same title in one venue, in another issue or on other pages, or with
        # another DOI: a recurring column ("Editorial comments"), not one work.
        return Judgement(Verdict.DIFFERENT, "another item of the same venue")
    if new.year and old.year and abs(new.year - old.year) > _YEARS_APART:
        # A book's other edition, a column's other year: not one work.
        return Judgement(Verdict.DIFFERENT, f"published {abs(new.year - old.year)} years apart")
    if identifiers_differ:
        return Judgement(Verdict.POSSIBLE, "same title, different identifiers")
    same_record = (new.authors == old.authors and new.year == old.year
                   and new.venue == old.venue and new.volume == old.volume
                   and new.number == old.number and new.pages == old.pages)
    if same_record:
        return Judgement(Verdict.MATCH, "same record", 1)
    conflicts = [name for name, a, b in (
        ("years", new.year, old.year), ("venues", new.venue, old.venue),
        ("volumes", new.volume, old.volume), ("numbers", new.number, old.number),
        ("pages", new.pages, old.pages),
    ) if _differs(a, b)]
    if _differs(new.entry_type, old.entry_type) and not (
            {new.entry_type, old.entry_type} & _UNTYPED):
        conflicts.append("entry types")
    if conflicts:
        return Judgement(Verdict.POSSIBLE, "same title; " + ", ".join(conflicts) + " differ")
    if new.first_author and old.first_author and new.year is not None and new.year == old.year:
        return Judgement(Verdict.MATCH, "same title, first author and year", 0)
    if new.abstract and new.abstract == old.abstract:
        # A page that gives titles and abstracts alone (Daily Papers) imported again.
        return Judgement(Verdict.MATCH, "same title and abstract", 0)
    missing = [name for name, a, b in (
        ("authors", new.first_author, old.first_author), ("year", new.year, old.year))
        if not (a and b)]
    return Judgement(Verdict.POSSIBLE, "same title; no " + " or ".join(missing) + " to compare"
                     if missing else "same title")


def recurring_title(new: Facts, papers: Sequence[Facts]) -> bool:
    """True when the library holds `new`'s title by its first author (or by nobody) in
    two issues of one venue (other years, volumes, numbers or first pages): a column's
    name ("Editorial comments", "Calendar"), which alone says nothing about which item
    is which."""
    by_venue: dict[str, list[Facts]] = {}
    for old in papers:
        if old.title != new.title or not old.venue or _differs(
                old.first_author, new.first_author):
            continue
        others = by_venue.setdefault(old.venue, [])
        if any(_placed_elsewhere(old, other) for other in others):
            return True
        others.append(old)
    return False
