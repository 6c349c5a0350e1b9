"""A paper and what belongs to it: status, priority, rating, highlights, attachments,
its row in the table, and the record an importer makes of it. No I/O."""

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
    """Read status of a paper: an inbox, a queue, reading, and three ways to be done.

    One name per status everywhere (CLI, JSON, search, exports, GUI): its value. Names
    earlier versions wrote or other tools use (STATUS_ALIASES: 'unread' was the inbox's
    until schema 10) are accepted on input: ``Status("unread")`` is ``Status.INBOX``.
    """

    INBOX = "inbox"  # not looked at yet
    UNREAD = "inbox"  # an alias of INBOX (the same member), for code written before
    QUEUED = "queued"  # to read, at a position in the reading queue
    READING = "reading"
    READ = "read"
    SKIMMED = "skimmed"
    ABANDONED = "abandoned"

    @classmethod
    def parse(cls, value: str | Status) -> Status:
        """Accept a status value or alias case-insensitively; raise ValueError naming the
        choices."""
        return _parse_choice(cls, value, "status")

    @classmethod
    def _missing_(cls, value: object) -> Status | None:
        # Called by Status(value) when no value matches: aliases, any case or spacing.
        if not isinstance(value, str):
            return None
        key = " ".join(value.split()).lower()
        return cls._value2member_map_.get(STATUS_ALIASES.get(key, key))  # type: ignore[return-value]

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self.value]

    @property
    def done(self) -> bool:
        """Read or skimmed: the paper counts as finished (abandoned does not)."""
        return self in (Status.READ, Status.SKIMMED)


# Other names of a status accepted on input (never written): what earlier versions
# stored ('unread'), and what other tools call the inbox.
STATUS_ALIASES = {"unread": "inbox", "new": "inbox"}

_STATUS_LABELS = {
    "inbox": "Inbox", "queued": "Queued", "reading": "Reading", "read": "Read",
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
    status: Status = Status.INBOX
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
    trashed: datetime | None = None  # when it was moved to the Trash (None: in the library)

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
            "trashed": self.trashed.isoformat() if self.trashed else None,
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
