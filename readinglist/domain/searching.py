"""Search results and views: hits with snippets, facets, what a view shows, and the
search index's state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .papers import Status


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
    # {"status": {"inbox": 3, ...}, "tag": {"llm": 2, ...}, "year": {"2024": 5, ...}}
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

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "tag": self.tag, "year": self.year,
                "last_import": self.last_import, "queue": self.queue}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> View:
        year = data.get("year")
        return cls(status=_status_name(data.get("status")), tag=data.get("tag") or None,
                   year=int(year) if isinstance(year, int | str) and str(year).isdigit()
                   else None,
                   last_import=bool(data.get("last_import")), queue=bool(data.get("queue")))


def _status_name(value: Any) -> str | None:
    """A stored view's status by its name today ('unread', from before schema 10, is
    'inbox'); an unknown one is kept as it is (listing it names the choices)."""
    if not value:
        return None
    try:
        return Status.parse(str(value)).value
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class SavedSearch:
    """A query saved under a name, with the view it was made in: it shows in the sidebar
    with a live count and behaves as a view."""

    name: str
    query: str
    view: View = View()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "view": self.view.to_dict()}


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


# The query language in brief: the search box's tooltip, `readinglist search --help`.
QUERY_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("lora*", "words starting with lora"),
    ('"model soups"', "the phrase"),
    ("title:diffusion", "a word in a field: title, author, abstract, note, tag, venue, "
                        "annotation, fulltext"),
    ("author:smith", "an author (accents and case do not matter)"),
    ("tag:llm  status:reading  year:2024", "a tag, a status, a year (year:2020..2024)"),
    ("a OR b", "either word (words alone must all match)"),
    ("-word", "without the word (in a shell: readinglist search -- -word)"),
    ("difusion~", "spelled roughly so (typos)"),
)
