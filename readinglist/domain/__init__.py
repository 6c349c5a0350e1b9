"""Plain domain types shared by every layer. No I/O, no Qt."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

_E = TypeVar("_E", bound=enum.StrEnum)


def _parse_choice(cls: type[_E], value: object, what: str) -> _E:
    """A member of `cls` from its value, case-insensitively; ValueError naming the choices."""
    if isinstance(value, cls):
        return value
    try:
        return cls(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in cls)
        raise ValueError(f"unknown {what} {value!r}; choose one of: {choices}") from None


class Status(enum.StrEnum):
    """Read status of a paper: an inbox, a queue, reading, and three ways to be done."""

    UNREAD = "unread"  # the inbox: not looked at yet
    QUEUED = "queued"  # to read, at a position in the reading queue
    READING = "reading"
    READ = "read"
    SKIMMED = "skimmed"
    ABANDONED = "abandoned"

    @classmethod
    def parse(cls, value: str | Status) -> Status:
        """Accept a status value case-insensitively; raise ValueError naming the choices."""
        return _parse_choice(cls, value, "status")

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self.value]

    @property
    def done(self) -> bool:
        """Read or skimmed: the paper counts as finished (abandoned does not)."""
        return self in (Status.READ, Status.SKIMMED)


_STATUS_LABELS = {
    "unread": "Inbox", "queued": "Queued", "reading": "Reading", "read": "Read",
    "skimmed": "Skimmed", "abandoned": "Abandoned",
}


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @classmethod
    def parse(cls, value: str | Priority) -> Priority:
        return _parse_choice(cls, value, "priority")

    @property
    def label(self) -> str:
        return self.value.capitalize()


def check_rating(value: object) -> int | None:
    """A rating is 1 to 5 stars, or None for no rating; ValueError otherwise."""
    if value is None or value == "" or value == 0:
        return None
    try:
        rating = int(str(value))
    except ValueError:
        raise ValueError(f"a rating is a number from 1 to 5, not {value!r}") from None
    if not 1 <= rating <= 5:
        raise ValueError(f"a rating is a number from 1 to 5, not {value!r}")
    return rating


@dataclass(frozen=True)
class StatusChange:
    status: Status
    at: datetime
    imported: bool = False  # the status a paper arrived with: it dates no reading


@dataclass(frozen=True)
class ReadingDates:
    """Dates derived from a paper's status history."""

    added: datetime | None
    started: datetime | None  # first time it was set to reading
    finished: datetime | None  # last time it was set to read or skimmed, if it is now
    queued: datetime | None = None  # when it last entered the queue, if it is queued now
    time_in_queue: timedelta | None = None  # all the time it spent queued (till now)

    def to_dict(self) -> dict:
        return {
            "added": self.added.isoformat() if self.added else None,
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
            "queued": self.queued.isoformat() if self.queued else None,
            "time_in_queue_days": (round(self.time_in_queue.total_seconds() / 86400, 2)
                                   if self.time_in_queue is not None else None),
        }


HIGHLIGHT_COLOURS = ("yellow", "green", "blue", "pink", "purple")


@dataclass(frozen=True)
class Annotation:
    """A highlighted passage of a paper's abstract, with an optional comment."""

    id: int
    paper_id: int
    start: int  # character offsets into the abstract
    end: int
    quote: str  # the passage as it was highlighted
    colour: str = "yellow"
    comment: str = ""
    anchored: bool = True  # False: the abstract changed and the quote is gone from it
    created: datetime | None = None
    modified: datetime | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "colour": self.colour,
            "comment": self.comment,
            "anchored": self.anchored,
            "created": self.created.isoformat() if self.created else None,
            "modified": self.modified.isoformat() if self.modified else None,
        }


@dataclass(frozen=True)
class Attachment:
    """A file attached to a paper: a copy kept in the library folder, or a link to a file
    the user keeps elsewhere. `path` is absolute."""

    path: str
    kind: str = "copy"  # "copy" | "link"
    added: datetime | None = None

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "added": self.added.isoformat() if self.added else None,
        }


@dataclass(frozen=True)
class Paper:
    """A paper as stored in the library."""

    id: int
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    arxiv_id: str = ""
    doi: str = ""
    url: str = ""
    abstract: str = ""
    links: tuple[str, ...] = ()
    source: str = ""
    status: Status = Status.UNREAD
    tags: tuple[str, ...] = ()
    note: str = ""
    added: datetime | None = None
    modified: datetime | None = None
    annotations: tuple[Annotation, ...] = ()
    # Bibliographic detail beyond the core fields, kept so nothing an import brought in
    # is lost on export: BibTeX entry type ("article"), the citation key (unique in the
    # library, stable once given), and every other field by its lower-case BibTeX name
    # ({"volume": "12", "pages": "1--10", "publisher": "ACM"}).
    entry_type: str = ""
    citation_key: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    priority: Priority = Priority.NORMAL
    rating: int | None = None  # 1-5 stars
    queue_position: int | None = None  # 1 = next to read; only while queued
    started: datetime | None = None  # first set to reading (from the status history)
    finished: datetime | None = None  # last set to read or skimmed, while it is so
    note_created: datetime | None = None
    note_modified: datetime | None = None

    def to_dict(self) -> dict:
        """JSON-ready representation (used by the CLI's --json output)."""
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "year": self.year,
            "venue": self.venue,
            "arxiv_id": self.arxiv_id,
            "doi": self.doi,
            "url": self.url,
            "abstract": self.abstract,
            "links": list(self.links),
            "source": self.source,
            "status": self.status.value,
            "tags": list(self.tags),
            "note": self.note,
            "added": self.added.isoformat() if self.added else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "annotations": [a.to_dict() for a in self.annotations],
            "entry_type": self.entry_type,
            "citation_key": self.citation_key,
            "extra": dict(self.extra),
            "attachments": [a.to_dict() for a in self.attachments],
            "priority": self.priority.value,
            "rating": self.rating,
            "queue_position": self.queue_position,
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
            "note_created": self.note_created.isoformat() if self.note_created else None,
            "note_modified": self.note_modified.isoformat() if self.note_modified else None,
        }


@dataclass(frozen=True)
class TableRow:
    """What the paper table shows for one paper (no abstract: keeps big tables light)."""

    id: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    status: Status
    tags: tuple[str, ...]
    added: str  # the day it was added: YYYY-MM-DD
    priority: Priority = Priority.NORMAL
    rating: int | None = None
    queue_position: int | None = None


@dataclass
class PaperRecord:
    """A paper as read by an importer, before it has an id."""

    title: str
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str = ""
    arxiv_id: str = ""
    doi: str = ""
    url: str = ""
    abstract: str = ""
    links: list[str] = field(default_factory=list)
    source: str = ""
    tags: list[str] = field(default_factory=list)
    line: int | None = None  # where the record starts in its file, for messages
    entry_type: str = ""  # BibTeX entry type, lower case: article, inproceedings, misc ...
    citation_key: str = ""  # the key the file gave it; kept when unique in the library
    extra: dict[str, str] = field(default_factory=dict)  # other fields, lower-case names
    note: str = ""  # a note the file carried (RIS N1, CSL note, CSV note column)
    status: str = ""  # a read status the file carried ("" leaves the default)
    priority: str = ""  # low | normal | high ("" leaves the default)
    rating: int | None = None  # 1-5
    files: list[str] = field(default_factory=list)  # absolute paths of files to attach
    fulltext: str = ""  # text extracted from an attached PDF, for search
    attach_mode: str = "copy"  # how `files` are attached: "copy" or "link"
    key: str = ""  # how messages name the entry besides its line (BibTeX key, RIS ID)
    added: str = ""  # when the paper entered a library (ISO time), from our own exports


@dataclass(frozen=True)
class EntryProblem:
    """One entry an importer could not read, with where and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


class Outcome(enum.StrEnum):
    """What an import did with one entry (the report's filter)."""

    ADDED = "added"
    PRESENT = "already present"  # the library has it; nothing changed
    MERGED = "merged"  # the library has it; empty fields were filled in
    POSSIBLE = "possible duplicate"  # added as its own paper, listed for review
    FAILED = "failed"
    WARNING = "warning"


@dataclass(frozen=True)
class ReportEntry:
    """One line of an import report: an entry, where it came from and what became of it."""

    outcome: Outcome
    source: str
    line: int | None
    key: str = ""  # the entry's citation key or RIS ID, if it had one
    paper_id: int | None = None  # the paper it became or was found to be
    title: str = ""
    detail: str = ""  # why: the reason of a failure, the fields merged, the other paper
    other_id: int | None = None  # a possible duplicate: the paper it may be the same as

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome.value, "source": self.source, "line": self.line,
            "key": self.key, "id": self.paper_id, "title": self.title,
            "detail": self.detail, "other_id": self.other_id,
        }


@dataclass
class ImportReport:
    """What an import did: one list per outcome, so callers can print or show each entry."""

    added: list[tuple[int, str]] = field(default_factory=list)  # (paper id, title)
    # Duplicates of papers already in the library that brought something new:
    # (existing id, title, names of the fields filled in).
    merged: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    # Duplicates that brought nothing new: (existing id, title).
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    failed: list[EntryProblem] = field(default_factory=list)
    warnings: list[EntryProblem] = field(default_factory=list)
    cancelled: bool = False
    # Files that could not be read at all (missing, unknown format, not text): messages.
    unreadable: list[str] = field(default_factory=list)
    # Added papers that may be the same work as another: (new id, other id, why).
    possible: list[tuple[int, int, str]] = field(default_factory=list)
    # Every entry that became a paper or was found in the library, in file order, with
    # its source, line and key (failures and warnings are in `failed` and `warnings`).
    entries: list[ReportEntry] = field(default_factory=list)

    def summary(self) -> str:
        merged = f"{len(self.merged)} merged into existing papers, " if self.merged else ""
        count = len(self.possible)
        possible = (f" ({count} of them possible duplicate{'s' if count != 1 else ''} to "
                    "review)" if count else "")
        text = (
            f"{len(self.added)} added{possible}, {merged}{len(self.duplicates)} already "
            f"present, {len(self.failed)} failed"
        )
        return text + (" (cancelled: nothing was imported)" if self.cancelled else "")

    def all_entries(self) -> list[ReportEntry]:
        """Every line of the report (papers, failures, warnings), file by file in order."""
        problems = [
            ReportEntry(outcome, p.source, p.line, detail=p.reason)
            for outcome, group in ((Outcome.FAILED, self.failed),
                                   (Outcome.WARNING, self.warnings))
            for p in group
        ]
        order = {source: n for n, source in enumerate(
            dict.fromkeys(e.source for e in [*self.entries, *problems]))}
        return sorted([*self.entries, *problems],
                      key=lambda e: (order[e.source], e.line or 0))

    def counts(self) -> dict[Outcome, int]:
        """How many report lines each outcome has."""
        return {
            Outcome.ADDED: len(self.added) - len(self.possible),
            Outcome.POSSIBLE: len(self.possible),
            Outcome.MERGED: len(self.merged),
            Outcome.PRESENT: len(self.duplicates),
            Outcome.FAILED: len(self.failed),
            Outcome.WARNING: len(self.warnings),
        }

    def paper_ids(self) -> list[int]:
        """The papers this import added or found in the library, once each."""
        return list(dict.fromkeys(e.paper_id for e in self.entries if e.paper_id is not None))

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "counts": {outcome.value: n for outcome, n in self.counts().items()},
            "added": [{"id": i, "title": t} for i, t in self.added],
            "merged": [
                {"id": i, "title": t, "filled": list(f)} for i, t, f in self.merged
            ],
            "already_present": [{"id": i, "title": t} for i, t in self.duplicates],
            "possible_duplicates": [
                {"id": i, "other_id": o, "reason": r} for i, o, r in self.possible
            ],
            "failed": [
                {"source": p.source, "line": p.line, "reason": p.reason} for p in self.failed
            ],
            "warnings": [
                {"source": p.source, "line": p.line, "reason": p.reason} for p in self.warnings
            ],
            "cancelled": self.cancelled,
            "unreadable": list(self.unreadable),
            "entries": [e.to_dict() for e in self.all_entries()],
        }


@dataclass(frozen=True)
class Segment:
    """A piece of snippet text; `hit` marks a matched word (render it highlighted)."""

    text: str
    hit: bool = False


@dataclass(frozen=True)
class SearchHit:
    paper_id: int
    score: float
    snippet_field: str = ""  # which field the snippet comes from: title, abstract, note
    snippet: tuple[Segment, ...] = ()

    def snippet_text(self, mark: tuple[str, str] = ("[", "]")) -> str:
        """The snippet as plain text, matched words wrapped in `mark`."""
        return "".join(f"{mark[0]}{s.text}{mark[1]}" if s.hit else s.text for s in self.snippet)


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: tuple[SearchHit, ...]
    total: int
    # Counts over every match (not only the hits returned), when asked for:
    # {"status": {"unread": 3, ...}, "tag": {"llm": 2, ...}, "year": {"2024": 5, ...}}
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # A corrected query that finds something, when this one found nothing.
    suggestion: str | None = None

    @property
    def ids(self) -> list[int]:
        return [h.paper_id for h in self.hits]


@dataclass(frozen=True)
class View:
    """What the library is looked at through: the sidebar's choice (a status, a tag, a
    year, the last import) and whether it is the reading queue, listed in its order."""

    status: str | None = None
    tag: str | None = None
    year: int | None = None
    last_import: bool = False
    queue: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.status or self.tag or self.year is not None or self.last_import)


@dataclass(frozen=True)
class ViewSearch:
    """A search inside a view: its results (facets and total over every match), the
    hits the view shows, in its order (relevance, or the queue's), and how many matches
    the last import holds (the sidebar's count)."""

    results: SearchResults
    hits: tuple[SearchHit, ...]
    in_last_import: int

    @property
    def ids(self) -> list[int]:
        return [h.paper_id for h in self.hits]


@dataclass(frozen=True)
class IndexState:
    """How the search index relates to the database, for status displays."""

    ready: bool
    pending: int  # writes not yet applied to the index
    documents: int
    papers: int
    message: str = ""


class ReadinglistError(Exception):
    """Base class for errors that are the user's to fix (shown without a traceback)."""


class PaperNotFound(ReadinglistError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id


class QueryError(ReadinglistError):
    """A search query that cannot be read; the message says where."""


class ImportFailed(ReadinglistError):
    """A whole file could not be imported (missing, unreadable, unknown format)."""
