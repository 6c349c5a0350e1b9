"""Library: the one API that the CLI, the GUI and scripts use.

Every write goes through here: it changes the database (the source of truth) in one
transaction that also queues the paper for the search index, then brings the index up
to date. Reads come from the database; searches from the index, with snippets taken from
the database's text.
"""

from __future__ import annotations

import builtins
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..domain import (
    Annotation,
    ImportFailed,
    IndexState,
    Paper,
    PaperRecord,
    ReadinglistError,
    Status,
    TableRow,
    View,
    ViewSearch,
)
from ..domain.changes import NOTHING, ChangeBus, Changes
from ..search.index import SearchIndex
from ..store import import_lookup
from ..store.database_file import DiskFull, LibraryReadOnly
from ..store.paper_store import SORT_KEYS, PaperStore
from ..store.schema import NewerSchema
from ..store.write_guard import GuardedWriter
from ..text.normalize import extract_links, normalize_arxiv_id, normalize_doi
from . import checking, safekeeping
from .annotating import Annotating
from .checking import CheckReport
from .importing import check_year, normalize
from .indexing import IndexSync
from .opening import DB_FILE, INDEX_DIR, DailyBackup, LibraryRefused, open_library
from .organizing import Organizing, tags_after
from .queueing import Queueing
from .reading_log import ReadingLog
from .searching import SNIPPET_FIELDS as SNIPPET_FIELDS  # re-exported
from .searching import Searching
from .transfers import MergeUndo, Transfers
from .views import EVERYTHING, search_ids, search_view

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def import_extensions() -> tuple[str, ...]:
    """File name endings the importers read (for file dialogs and drops)."""
    from .. import importers  # here, as exporters and lookup below: searches need none

    return importers.EXTENSIONS


def export_formats() -> builtins.list[tuple[str, str, str]]:
    """(name, extension with dot, description) of every export format, by name."""
    from .. import exporters

    result = []
    for name in sorted({*exporters.FORMATS, "json"}):
        if name in exporters.FORMATS:
            _module, extension, description = exporters.FORMATS[name]
        else:  # written by the library itself (snapshots), not an exporter module
            extension, description = _JSON_EXPORT
        result.append((name, extension, description))
    return result


_JSON_EXPORT = (".json", "Readinglist JSON (everything: notes, highlights, history)")


_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S")


def _forwarded(service: str, method: Callable[Concatenate[_S, _P], _R]
               ) -> Callable[Concatenate[Library, _P], _R]:
    """A Library method that calls `method` of the service the library holds as
    `service` (its signature and documentation are the service's)."""
    name = method.__name__

    @functools.wraps(method)
    def forward(self: Library, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return getattr(getattr(self, service), name)(*args, **kwargs)

    return forward


# `builtins.list` in annotations below `Library.list`: in the class body, `list` names
# that method.
class Library:
    """A reading-list library in one folder: ``library.sqlite`` plus the ``index/`` folder.

    >>> lib = Library.open("~/papers")        # created on first use
    >>> lib.import_file("daily_papers.txt").summary()
    >>> [p.title for p in lib.search("lora*").papers(lib)]
    """

    def __init__(self, folder: Path, store: PaperStore, index: SearchIndex, *,
                 read_only: str | None = None) -> None:
        self.folder = folder
        self.store = store
        self.index = index
        self.read_only_reason = read_only  # read-only media, a full disk...; or None
        self.notes: builtins.list[str] = []  # said when it was opened (read-only, ...)
        self.sync = IndexSync(store, index)
        # Subscribers told of every write (the GUI's views), and the one write path
        # (which refuses writes to a read-only library, and says a full disk plainly).
        self.bus = ChangeBus()
        self.writer = GuardedWriter(store, self.bus, after_commit=self.sync.notify,
                                    folder=folder, read_only=read_only)
        self._daily_backup: DailyBackup | None = None
        self.clock: Callable[[], datetime] = datetime.now  # names backups (tests move it)
        self.sync.add_listener(self._indexed)
        # Services of their own, with their dependencies named: imports, exports and
        # merges; searching; highlights.
        self.transfers = Transfers(store, self.sync, self.writer, self)
        self.searching = Searching(store, index, self.sync)
        self.annotating = Annotating(store, self.writer)
        self.organizing = Organizing(store, self.writer)
        self.reading = ReadingLog(store, self.writer, self.get,
                                  lambda: self.list(sort="id"), self.update)
        self.queueing = Queueing(store, self.writer, self.get_many, self.reading.set_status)

    # Its API, forwarded (signatures and documentation are Transfers').
    import_files = _forwarded("transfers", Transfers.import_files)
    import_file = _forwarded("transfers", Transfers.import_file)
    import_sample = _forwarded("transfers", Transfers.import_sample)
    import_records = _forwarded("transfers", Transfers.import_records)
    add_identifier = _forwarded("transfers", Transfers.add_identifier)
    fetch_details = _forwarded("transfers", Transfers.fetch_details)
    attach_file = _forwarded("transfers", Transfers.attach_file)
    find_duplicates = _forwarded("transfers", Transfers.find_duplicates)
    merge_papers = _forwarded("transfers", Transfers.merge_papers)
    undo_merge = _forwarded("transfers", Transfers.undo_merge)
    select_ids = _forwarded("transfers", Transfers.select_ids)
    export = _forwarded("transfers", Transfers.export)

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, build_index: bool = True,
             read_only: bool = False, daily_backup: bool = True,
             clock: Callable[[], datetime] = datetime.now) -> Library:
        """Open (creating if needed) the library in folder `path` (default: see README).

        The database is looked at first (opening.py): one missing or empty where a
        library was, or unreadable, is refused (LibraryRefused, offering the newest
        backup), a newer one too (NewerSchema); an older one is backed up, then updated.
        Where nothing can be written, or with `read_only`, it opens read-only (reads
        work, writes raise LibraryReadOnly, `notes` says why).

        The search index is checked against the database. With ``build_index`` (the
        default) a missing or stale index is rebuilt before returning; the GUI passes
        False and calls :meth:`ensure_index` in the background instead. `daily_backup`:
        see opening.DailyBackup (`clock` tells the time: tests).
        """
        return open_library(cls, path, build_index=build_index, read_only=read_only,
                            daily_backup=daily_backup, clock=clock)

    index_problem: str | None = None

    @property
    def read_only(self) -> bool:  # see read_only_reason
        return self.read_only_reason is not None

    def ensure_index(
        self, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> bool:
        """Rebuild the index if :meth:`open` found it missing or stale. True when ready."""
        if self.index_problem is None and self.index.is_open:
            return True
        return self.reindex(progress, cancelled)

    def reindex(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> bool:
        """Rebuild the search index from the database. False if cancelled."""
        if self.read_only_reason is not None:
            raise LibraryReadOnly(self.read_only_reason)
        ok = self.sync.rebuild(progress, cancelled)
        if ok:
            self.index_problem = None
        return ok

    def index_state(self) -> IndexState:
        return self.sync.state()

    closed = False

    def close(self) -> None:
        self.closed = True
        if self._daily_backup is not None:
            self._daily_backup.wait()  # a consistent copy or none: never half of one
        self.sync.stop_worker()
        self.index.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------

    def get(self, paper_id: int) -> Paper:
        """The paper with this id (PaperNotFound if there is none)."""
        return self.store.get_paper(paper_id)

    def get_many(self, ids: Sequence[int]) -> list[Paper]:
        """Papers in the order of `ids` (unknown ids are skipped)."""
        papers = self.store.get_papers(ids)
        return [papers[i] for i in ids if i in papers]

    def citation_key_free(self, key: str, paper_id: int | None = None) -> bool:
        """True unless a paper other than `paper_id` (one in the Trash too) has this key."""
        return not self.store.citation_key_taken(key) or (
            paper_id is not None and self.get(paper_id).citation_key == key)

    def find_paper(self, reference: str) -> int | None:
        """The id of the paper a reference names: "28" or "#28", an arXiv id or URL, or
        a DOI (as written in notes). None when the library has no such paper."""
        from .. import lookup

        text = reference.strip()
        if text.lstrip("#").isdigit():
            paper_id = int(text.lstrip("#"))
            return paper_id if self.store.paper_exists(paper_id) else None
        identifier = lookup.parse_identifier(text)
        if identifier is None:
            return None
        column = "arxiv_id" if identifier.kind == "arxiv" else "doi"
        return self.store.id_by(column, identifier.value)

    def list(
        self,
        status: Status | str | None = None,
        tag: str | None = None,
        sort: str = "added",
        descending: bool = False,
        year: int | None = None,
    ) -> builtins.list[Paper]:
        """Papers filtered by status, tag and/or year, sorted by `sort` (see SORT_KEYS)."""
        return self.get_many(self.list_ids(status, tag, sort, descending, year))

    def list_ids(
        self,
        status: Status | str | None = None,
        tag: str | None = None,
        sort: str = "added",
        descending: bool = False,
        year: int | None = None,
        last_import: bool = False,
    ) -> builtins.list[int]:
        """Ids of papers filtered by status, tag, year and/or the last import, sorted."""
        return self.store.list_ids(status, tag, sort, descending, year, last_import)

    def subscribe(self, subscriber: Callable[[Changes], None]) -> Callable[[], None]:
        """Call `subscriber(changes)` after every write, import, merge and index update,
        and for what other processes change (see :meth:`poll_elsewhere`); on the thread
        that wrote. Returns the call that unsubscribes."""
        return self.bus.subscribe(subscriber)

    def poll_elsewhere(self) -> Changes:
        """What another process (the CLI beside the open app) changed in this library
        since the last call, published to subscribers too (``elsewhere`` set). Cheap when
        nothing changed (``PRAGMA data_version``), and never waits for a write."""
        if not self.store.changed_elsewhere():
            return NOTHING
        # Read and told first: a failure to refresh the index must not lose the news.
        changes = self.writer.changes_elsewhere()
        try:
            if self.index.is_open:
                self.index.refresh()
            if self.sync.background:
                self.sync.notify()  # outbox rows the other process left, if any
        except Exception:  # the other process is committing to the index right now
            log.warning("the search index could not be refreshed now", exc_info=True)
        self.bus.publish(changes)
        return changes

    def writing_elsewhere(self) -> bool:
        """True while another thread of this process writes (an import in progress): a
        write now would wait until it commits. Never waits."""
        return self.writer.busy()

    def changed_elsewhere(self) -> bool:
        """True when :meth:`poll_elsewhere` finds changes by another process."""
        return bool(self.poll_elsewhere())

    def search_view(self, query: str, view: View = EVERYTHING,
                    snippet_limit: int | None = None, facets: bool = True,
                    snippets: bool = True) -> ViewSearch:
        """A search inside a view (the sidebar's choice, the queue): see views.py."""
        return search_view(self, query, view, snippet_limit, facets, snippets)

    def search_ids(self, query: str = "", view: View = EVERYTHING, sort: str | None = None,
                   descending: bool = False) -> builtins.list[int]:
        """Ids of the papers a view shows that match `query` (all of them for an empty
        query), ranked, in queue order, or sorted by `sort`: one pass (see views.py)."""
        return search_ids(self, query, view, sort, descending)

    def saved_search_ids(self, name: str) -> builtins.list[int]:
        """What a saved search finds now (its query inside its view), ranked."""
        found = [s for s in self.saved_searches() if s.name.casefold() == name.casefold()]
        if not found:
            raise ReadinglistError(f"no saved search named {name!r}")
        return self.search_ids(found[0].query, found[0].view)

    def last_import_ids(self) -> builtins.list[int]:
        """The papers the last import added or found in the library, in file order."""
        return import_lookup.last_import_ids(self.store)

    def sort_ids(self, ids: Sequence[int], sort: str,
                 descending: bool = False) -> builtins.list[int]:
        return self.store.sort_ids(ids, sort, descending)

    def table_rows(self, ids: Sequence[int]) -> dict[int, TableRow]:
        """Light rows for the paper table, by id."""
        return self.store.table_rows(ids)

    def count(self) -> int:
        return self.store.paper_count()

    def status_counts(self) -> dict[str, int]:
        return self.store.status_counts()

    def tag_counts(self) -> dict[str, int]:
        return self.store.tag_counts()

    def year_counts(self) -> dict[str, int]:
        return self.store.year_counts()

    sort_keys = tuple(SORT_KEYS)

    # -- searching (see searching.py) ---------------------------------------------------

    search = _forwarded("searching", Searching.search)
    snippets = _forwarded("searching", Searching.snippets)
    facets = _forwarded("searching", Searching.facets)
    more_like_this = _forwarded("searching", Searching.more_like_this)
    match_spans = _forwarded("searching", Searching.match_spans)

    # -- highlights (see annotating.py) ---------------------------------------------------

    add_annotation = _forwarded("annotating", Annotating.add_annotation)
    update_annotation = _forwarded("annotating", Annotating.update_annotation)
    delete_annotation = _forwarded("annotating", Annotating.delete_annotation)
    restore_annotation = _forwarded("annotating", Annotating.restore_annotation)

    # -- writing -------------------------------------------------------------------------

    def _indexed(self, paper_ids: builtins.list[int]) -> None:
        """The index took in these papers (an empty list: it was rebuilt)."""
        self.writer.publish(Changes(indexed=frozenset(paper_ids), index=True,
                                    everything=False))

    def index_in_background(self) -> None:
        """From now on writes return once the database has them; a worker thread applies
        them to the search index (within milliseconds). The GUI works this way."""
        if not self.read_only:  # nothing to apply, and nothing may be written
            self.sync.start_worker()

    # -- safety: checks, repairs and backups (checking.py, safekeeping.py) ---------------

    def check(self) -> CheckReport:
        """Check the database, the search index and the attached files."""
        return checking.check(self)

    def repair(self, progress: Callable[[str], None] | None = None) -> CheckReport:
        """Check, back up, repair what can be, check again (the report says all)."""
        return checking.repair(self, self.clock(), progress)

    def back_up(self, file: str | Path | None = None) -> Path:
        """A backup now, into LIB/backups or to `file`; returns where it went."""
        return safekeeping.back_up(self.folder, file, self.clock())

    def wait_for_index(self, timeout: float | None = 10.0) -> bool:
        """Wait until every write so far is searchable (background mode). True if so."""
        return self.sync.wait_idle(timeout)

    # Every write below is one transaction through the writer, and returns what changed
    # (a Changes; `.paper` or `.annotation` is what it wrote, as it is now).

    def add(self, title: str, **fields: Any) -> Changes:
        """Add one paper by hand. Fields as in :class:`PaperRecord` (authors, year, doi, ...)."""
        record = PaperRecord(title=title, **fields)
        normalize(record)
        if not record.title:
            raise ReadinglistError("a paper needs a title")
        with self.writer.write() as write:
            paper_id = self.store.insert_paper(record)
        return write.changes.carrying(paper=self.get(paper_id))

    def update(self, paper_id: int, **fields: Any) -> Changes:
        """Change metadata fields (title, authors, year, venue, arxiv_id, doi, url, abstract,
        source, status, note). Links are re-read from the abstract when it changes."""
        if "abstract" in fields and "links" not in fields:
            fields["links"] = extract_links(fields["abstract"])
        if "doi" in fields:
            fields["doi"] = normalize_doi(fields["doi"])
        if "arxiv_id" in fields:
            fields["arxiv_id"] = normalize_arxiv_id(fields["arxiv_id"])
        if "title" in fields and not str(fields["title"]).strip():
            raise ReadinglistError("a paper needs a title")
        if "year" in fields:
            fields["year"] = check_year(fields["year"])
        with self.writer.write() as write:
            before = self.get(paper_id)
            self.store.update_fields(paper_id, fields)
            if "abstract" in fields and fields["abstract"] != before.abstract:
                self.annotating.reanchor(before.annotations, fields["abstract"])
        return write.changes.carrying(paper=self.get(paper_id))

    def annotations(self, colour: str | None = None,
                    tag: str | None = None) -> builtins.list[Annotation]:
        """Every highlight in the library, newest first, optionally by colour or tag."""
        return self.store.annotations(self.store.annotation_ids(colour, tag))

    # -- tags across the library (and their colours), and the Trash (organizing.py) ----

    saved_searches = _forwarded("organizing", Organizing.saved_searches)
    save_search = _forwarded("organizing", Organizing.save_search)
    rename_saved_search = _forwarded("organizing", Organizing.rename_saved_search)
    delete_saved_search = _forwarded("organizing", Organizing.delete_saved_search)
    edit_many = _forwarded("organizing", Organizing.edit_many)
    restore_many = _forwarded("organizing", Organizing.restore_many)
    rename_tag = _forwarded("organizing", Organizing.rename_tag)
    merge_tags = _forwarded("organizing", Organizing.merge_tags)
    delete_tag = _forwarded("organizing", Organizing.delete_tag)
    papers_tagged = _forwarded("organizing", Organizing.papers_tagged)
    put_tags = _forwarded("organizing", Organizing.put_tags)
    tags = _forwarded("organizing", Organizing.tags)
    tag_colours = _forwarded("organizing", Organizing.tag_colours)
    tag_colours_of = _forwarded("organizing", Organizing.tag_colours_of)
    set_tag_colour = _forwarded("organizing", Organizing.set_tag_colour)
    delete = _forwarded("organizing", Organizing.delete)
    trash = _forwarded("organizing", Organizing.delete)
    restore = _forwarded("organizing", Organizing.restore)
    trash_ids = _forwarded("organizing", Organizing.trash_ids)
    trash_count = _forwarded("organizing", Organizing.trash_count)
    empty_trash = _forwarded("organizing", Organizing.empty_trash)

    # -- status, history, priority, rating (reading_log.py) ----------------------------

    set_status = _forwarded("reading", ReadingLog.set_status)
    history = _forwarded("reading", ReadingLog.history)
    reading_dates = _forwarded("reading", ReadingLog.reading_dates)
    timeline = _forwarded("reading", ReadingLog.timeline)
    statistics = _forwarded("reading", ReadingLog.statistics)
    set_priority = _forwarded("reading", ReadingLog.set_priority)
    set_rating = _forwarded("reading", ReadingLog.set_rating)

    # -- the reading queue (queueing.py) ----------------------------------------------

    queue_ids = _forwarded("queueing", Queueing.queue_ids)
    queue = _forwarded("queueing", Queueing.queue)
    move_in_queue = _forwarded("queueing", Queueing.move_in_queue)
    set_queue_order = _forwarded("queueing", Queueing.set_queue_order)
    move_up = _forwarded("queueing", Queueing.move_up)
    move_down = _forwarded("queueing", Queueing.move_down)
    move_to_top = _forwarded("queueing", Queueing.move_to_top)
    read_next = _forwarded("queueing", Queueing.read_next)

    def set_note(self, paper_id: int, text: str) -> Changes:
        return self.update(paper_id, note=text)

    def set_tags(self, paper_id: int, tags: Iterable[str]) -> Changes:
        with self.writer.write() as write:
            self.store.set_tags(paper_id, tags)
        return write.changes.carrying(paper=self.get(paper_id))

    def add_tags(self, paper_id: int, *tags: str) -> Changes:
        return self.change_tags(paper_id, add=tags)

    def remove_tags(self, paper_id: int, *tags: str) -> Changes:
        return self.change_tags(paper_id, remove=tags)

    def change_tags(
        self, paper_id: int, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> Changes:
        """Add and remove tags in one step (tags compare without case)."""
        with self.writer.write() as write:
            self.store.set_tags(paper_id, tags_after(self.get(paper_id).tags, add, remove))
        return write.changes.carrying(paper=self.get(paper_id))

__all__ = ["DB_FILE", "INDEX_DIR", "CheckReport", "DiskFull", "ImportFailed", "Library",
           "LibraryReadOnly", "LibraryRefused", "MergeUndo", "NewerSchema", "TableRow"]
