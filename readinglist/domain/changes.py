"""What a write changed, and the subscribers told of it (Anki's OpChanges, calibre's
listeners).

Every write of the library returns a :class:`Changes` and publishes it on the library's
:class:`ChangeBus`. The views (the GUI's table, sidebar, detail pane, queue, dashboard,
index status) update from it and from nothing else. Edits made by another process on the
same library arrive the same way, read from the database's change log
(store/change_log.py) with ``elsewhere`` set.

Plain Python: subscribers are called on the thread that wrote; the GUI's one Qt bridge
(gui/change_bridge.py) carries them over to the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from . import Annotation, Paper

# Pseudo-fields of a paper's entry in `Changes.changed`, beside its database columns.
TAGS = "tags"
ANNOTATIONS = "annotations"
ATTACHMENTS = "attachments"
FULLTEXT = "fulltext"
HISTORY = "history"  # its status history (the timeline)
# Columns of a paper whose change can move it between the sidebar's counts.
COUNTED_FIELDS = frozenset({"status", "year", TAGS})
# What the table shows of a paper (paper_table_model's columns and the title's tooltip).
TABLE_FIELDS = frozenset({"title", "authors", "year", "status", TAGS, "added", "priority",
                          "rating", "queue_position"})

_NO_FIELDS: Mapping[int, frozenset[str]] = MappingProxyType({})


@dataclass(frozen=True)
class Changes:
    """What one write (or a batch of them, or another process) changed in the library.

    ``changed`` maps a paper id to the names of what changed in it: its columns
    (``title``, ``status``, ``queue_position``, …) and the pseudo-fields ``tags``,
    ``annotations``, ``attachments``, ``fulltext`` and ``history``. Papers in ``added`` or
    ``removed`` are not also in ``changed``. ``everything`` says: reread it all (a
    restore, or a change log too old to say). A write that makes something carries it:
    ``paper`` (the paper written, as it is now) or ``annotation``.
    """

    added: frozenset[int] = frozenset()
    changed: Mapping[int, frozenset[str]] = field(default_factory=lambda: _NO_FIELDS)
    removed: frozenset[int] = frozenset()
    last_import: bool = False  # the "Last import" view holds other papers now
    saved_searches: bool = False  # a saved search was added, changed or deleted
    tag_colours: bool = False  # a tag's colour was set, changed or taken away
    indexed: frozenset[int] = frozenset()  # the search index took these in
    index: bool = False  # the index's state changed (built, rebuilding, …)
    everything: bool = False
    elsewhere: bool = False  # made by another process on this library
    paper: Paper | None = field(default=None, compare=False)
    annotation: Annotation | None = field(default=None, compare=False)

    # -- what it touches -----------------------------------------------------------------

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.last_import
                    or self.saved_searches or self.tag_colours or self.indexed or self.index
                    or self.everything)

    @property
    def papers(self) -> frozenset[int]:
        """Every paper added, changed or removed."""
        return self.added | self.changed.keys() | self.removed

    def fields(self, paper_id: int) -> frozenset[str]:
        """What changed in this paper (empty if nothing did)."""
        return self.changed.get(paper_id, frozenset())

    def touches(self, paper_id: int) -> bool:
        return self.everything or paper_id in self.papers

    def any_field(self, names: Iterable[str]) -> bool:
        """True if any paper changed in one of these fields."""
        wanted = frozenset(names)
        return any(fields & wanted for fields in self.changed.values())

    @property
    def membership(self) -> bool:
        """Papers came or went (into the Trash and back too): lists, counts and the queue
        may hold others now."""
        return bool(self.everything or self.added or self.removed
                    or self.any_field(("trashed",)))

    @property
    def counts(self) -> bool:
        """The sidebar's counts may be different."""
        return (self.membership or self.last_import or self.saved_searches
                or self.any_field(COUNTED_FIELDS))

    @property
    def queue(self) -> bool:
        """The reading queue's members or order may be different."""
        return self.membership or self.any_field(("queue_position", "status"))

    @property
    def annotations(self) -> bool:
        return self.membership or self.any_field((ANNOTATIONS,))

    def paper_written(self) -> Paper:
        """The paper the write carries (a write of one paper always carries it)."""
        if self.paper is None:
            raise ValueError("this write carries no paper")
        return self.paper

    def annotation_written(self) -> Annotation:
        """The highlight the write carries (a write of one highlight always does)."""
        if self.annotation is None:
            raise ValueError("this write carries no highlight")
        return self.annotation

    # -- combining -----------------------------------------------------------------------

    def merged(self, other: Changes) -> Changes:
        """This change followed by `other`, as one (a paper added then changed is added;
        added then removed is gone from both)."""
        gone = self.added & other.removed  # added, then removed: neither
        back = self.removed & other.added  # removed, then put back (an undone merge)
        added = ((self.added - other.removed) | other.added) - back
        removed = (self.removed | other.removed) - gone - back
        changed: dict[int, frozenset[str]] = {}
        for source in (self.changed, other.changed):
            for paper_id, names in source.items():
                changed[paper_id] = changed.get(paper_id, frozenset()) | names
        for paper_id in added | removed | gone:
            changed.pop(paper_id, None)
        for paper_id in back:
            changed[paper_id] = changed.get(paper_id, frozenset()) | {"restored"}
        return Changes(
            added=frozenset(added),
            changed=MappingProxyType(changed),
            removed=frozenset(removed),
            last_import=self.last_import or other.last_import,
            saved_searches=self.saved_searches or other.saved_searches,
            tag_colours=self.tag_colours or other.tag_colours,
            indexed=self.indexed | other.indexed,
            index=self.index or other.index,
            everything=self.everything or other.everything,
            elsewhere=self.elsewhere or other.elsewhere,
            paper=other.paper or self.paper,
            annotation=other.annotation or self.annotation,
        )

    def carrying(self, *, paper: Paper | None = None,
                 annotation: Annotation | None = None) -> Changes:
        """The same changes, carrying what the write made."""
        return replace(self, paper=paper or self.paper,
                       annotation=annotation or self.annotation)

    def describe(self) -> dict[str, Any]:
        """A plain summary (CLI --json, logs)."""
        return {
            "added": sorted(self.added),
            "changed": {str(k): sorted(v) for k, v in sorted(self.changed.items())},
            "removed": sorted(self.removed),
            "everything": self.everything,
        }


def changes_of(
    added: Iterable[int] = (),
    changed: Mapping[int, Iterable[str]] | None = None,
    removed: Iterable[int] = (),
    **flags: Any,
) -> Changes:
    """A Changes from plain collections (`changed` maps ids to field names)."""
    # A paper added and removed in the same stretch never showed: it is neither.
    came, went = frozenset(added), frozenset(removed)
    added_set, removed_set = came - went, went - came
    both = came | went  # once: an import's read-back has a row per paper
    fields = {paper_id: frozenset(names) for paper_id, names in (changed or {}).items()
              if paper_id not in both}
    return Changes(added=added_set, changed=MappingProxyType(fields), removed=removed_set,
                   **flags)


NOTHING = Changes()

Subscriber = Callable[[Changes], None]


class ChangeBus:
    """Subscribers told of every Changes, in the order they subscribed.

    Publishing calls them on the publishing thread. A subscriber that raises is reported
    on stderr and the others are still told: one broken view must not stop the rest (nor
    undo a write that is already committed).
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber(changes)` after every write; returns the unsubscribe call."""
        with self._lock:
            self._subscribers.append(subscriber)
        return lambda: self.unsubscribe(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def publish(self, changes: Changes) -> None:
        if not changes:
            return
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(changes)
            except Exception:  # see the class docstring
                import traceback

                traceback.print_exc()
