"""The Whoosh index on disk: create, open, apply changes, rebuild, search.

The index is a cache of the database. Next to the Whoosh files, ``state.json`` records
which library it belongs to, its schema version, and the database write sequence it
reflects; anything that does not match is rebuilt rather than trusted.

One process at a time writes it: every write below holds ``index.lock`` (index_lock.py),
and raises IndexBusy when another process holds it. Searches never need the lock.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from ..domain import Paper, ReadinglistError, Segment
from . import segments
from .building import PARALLEL_BUILD_FROM, build_writer, remove_path
from .collecting import RankAndCount
from .index_lock import IndexLock
from .query import DEFAULT_FIELDS, build_parser, parse_query, preprocess
from .readers import fresh_reader, paper_ids
from .schema import build_schema, paper_document
from .scoring import CachedLengthsBM25F, field_lengths
from .snippets import make_snippet, match_spans

__all__ = ["PARALLEL_BUILD_FROM", "STATE_FILE", "IndexBusy", "IndexDamaged", "IndexStamp",
           "RawHit", "SearchIndex", "edit_distance"]

STATE_FILE = "state.json"
MAX_UNMERGED_SEGMENTS = 8
WHOOSH_LOCK_WAIT = 1.0  # seconds; Whoosh's own lock is free whenever index.lock is ours
Progress = Callable[[int, int], None]  # (done, total)
Cancelled = Callable[[], bool]


class IndexBusy(ReadinglistError):
    """Another process (or thread) writes the index now; the message names it."""


class IndexDamaged(Exception):
    """A file the index needs is missing or unreadable (it is then rebuilt)."""


@dataclass(frozen=True)
class IndexStamp:
    library_id: str
    schema_version: int
    seq: int


@dataclass(frozen=True)
class RawHit:
    paper_id: int
    score: float


class SearchIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.schema = build_schema()
        self.parser = build_parser(self.schema)
        self._ix: windex.Index | None = None
        self._parsed: dict[str, wq.Query] = {}
        self._parse_lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._search_lock = threading.RLock()
        # Beside the folder, not in it: a rebuild replaces the folder.
        self.lock = IndexLock(self._sibling(".lock"))

    def _sibling(self, suffix: str) -> Path:
        return self.folder.with_name(self.folder.name + suffix)

    @contextmanager
    def _writing(self, purpose: str) -> Iterator[None]:
        """Hold the index lock (re-entrant: the caller usually holds it already)."""
        if not self.lock.acquire(purpose):
            raise IndexBusy(self.lock.busy_message())
        try:
            yield
        finally:
            self.lock.release()

    # -- state ----------------------------------------------------------------------

    def read_stamp(self) -> IndexStamp | None:
        """The recorded state, or None when the index is missing or unreadable."""
        try:
            data = json.loads((self.folder / STATE_FILE).read_text("utf-8"))
            stamp = IndexStamp(str(data["library_id"]), int(data["schema_version"]),
                               int(data["seq"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            exists = windex.exists_in(str(self.folder))
        except Exception:  # a corrupt TOC raises whoosh's own errors, not OSError
            return None
        return stamp if exists else None

    @staticmethod
    def _write_stamp(folder: Path, stamp: IndexStamp) -> None:
        tmp = folder / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(stamp.__dict__), "utf-8")
        os.replace(tmp, folder / STATE_FILE)  # atomic: readers see old or new, never half

    def open(self) -> None:
        """Open the existing index (raises if it cannot be read)."""
        self.close()
        self._ix = windex.open_dir(str(self.folder))
        try:
            # Read the TOC and open every segment's files now, so that corruption shows
            # up here (and leads to a rebuild), not in the middle of a search.
            self._ix.doc_count()
            missing = segments.missing_files(self._ix.storage, self._ix._segments())
            if missing:
                raise IndexDamaged(f"missing {', '.join(missing[:3])}")
            self._searcher = self._ix.searcher(weighting=CachedLengthsBM25F())
            reader = self._searcher.reader()
            for fieldname in ("title", "abstract"):
                next(iter(reader.lexicon(fieldname)), None)
            _check_ids(reader)
        except BaseException:
            self.close()  # not open: searches must not reach the broken files
            raise

    @property
    def is_open(self) -> bool:
        return self._ix is not None

    def close(self) -> None:
        with self._search_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None

    def doc_count(self) -> int:
        """Documents in the index as of the last commit (from the open searcher, which
        every commit refreshes: opening a fresh reader per call costs ~20 ms)."""
        if self._ix is None:
            return 0
        with self._search_lock:
            return self._get_searcher().doc_count()

    # -- writing ----------------------------------------------------------------------

    def apply(
        self, updates: Iterable[tuple[Paper, str]], deletes: Iterable[int], stamp: IndexStamp
    ) -> None:
        """Bring these papers (each with its full text) up to date in one commit, then
        record the new stamp."""
        assert self._ix is not None, "index is not open"
        with self._writing("update"):
            # compound=False: a compound segment is copied whole into memory when opened.
            writer = self._whoosh_writer(compound=False, codec=segments.codec())
            try:
                for paper, fulltext in updates:
                    writer.update_document(**paper_document(paper, fulltext))
                for paper_id in deletes:
                    writer.delete_by_term("id", str(paper_id))
            except BaseException:
                writer.cancel()
                raise
            # A small commit adds a segment and makes the edit searchable at once;
            # merging rewrites segments and is left to merge_small(), called when idle.
            writer.commit(merge=False)
            self._write_stamp(self.folder, stamp)
        self._refresh_searcher()

    def segment_count(self) -> int:
        return len(self._ix._segments()) if self._ix is not None else 0

    def merge_small(self) -> bool:
        """Merge small segments once they pile up (each one slows every search down).
        Returns True if it merged."""
        if self._ix is None or self.segment_count() < MAX_UNMERGED_SEGMENTS:
            return False
        # The search lock too: the merge deletes the merged segments' files, which a
        # search still running might be about to open.
        with self._writing("merge"), self._search_lock:
            writer = self._whoosh_writer(compound=False, codec=_bulk_codec())
            writer.commit(merge=True)  # Whoosh's MERGE_SMALL policy
            self._refresh_searcher()
        return True

    def _whoosh_writer(self, **options: object) -> windex.IndexWriter:
        assert self._ix is not None, "index is not open"
        try:
            return self._ix.writer(timeout=WHOOSH_LOCK_WAIT, **options)
        except windex.LockError:
            # index.lock is ours, so a process that does not take it holds Whoosh's lock
            # (an older Readinglist, or a worker it left behind). The outbox keeps the work.
            raise IndexBusy("another program is writing the search index") from None

    def recover(self) -> None:
        """Finish or clear what a writer killed during a rebuild left behind: a complete
        build that was not yet swapped in, a half-built one, the old folder."""
        with self._writing("open"):
            building, old = self._sibling(".building"), self._sibling(".old")
            if (not self.folder.exists() and building.is_dir()
                    and (building / STATE_FILE).is_file()):
                os.replace(building, self.folder)  # killed between the swap's two renames
            remove_path(building)
            remove_path(old)

    def rebuild(
        self,
        batches: Iterable[list[tuple[Paper, str]]],
        total: int,
        stamp: IndexStamp,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> bool:
        """Build a fresh index beside the current one, then swap it in.

        Returns False (and leaves the current index alone) if cancelled.
        """
        with self._writing("rebuild"):
            return self._rebuild(batches, total, stamp, progress, cancelled)

    def _rebuild(
        self,
        batches: Iterable[list[tuple[Paper, str]]],
        total: int,
        stamp: IndexStamp,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> bool:
        building = self._sibling(".building")
        remove_path(building)  # what a killed build left, whatever it is
        building.mkdir(parents=True)
        new_ix = windex.create_in(str(building), self.schema)
        writer = build_writer(new_ix, total)
        done = 0
        try:
            for batch in batches:
                if cancelled and cancelled():
                    writer.cancel()
                    new_ix.close()
                    remove_path(building)
                    return False
                for paper, fulltext in batch:
                    writer.add_document(**paper_document(paper, fulltext))
                done += len(batch)
                if progress:
                    progress(done, total)
            writer.commit()
        except BaseException:
            writer.cancel()
            new_ix.close()
            remove_path(building)
            raise
        new_ix.close()
        self._write_stamp(building, stamp)
        with self._search_lock:
            self.close()
            old = self._sibling(".old")
            remove_path(old)
            if self.folder.exists():
                os.replace(self.folder, old)
            os.replace(building, self.folder)
            remove_path(old)
            self.open()
        return True

    # -- searching ------------------------------------------------------------------------

    def refresh(self) -> None:
        """See what another process committed to the index (a CLI beside the app)."""
        self._refresh_searcher()

    def _refresh_searcher(self) -> None:
        """Make the searcher see the last commit, reopening only the segments that changed.

        Not Searcher.refresh(): whoosh-reloaded 2.7.5 reuses a segment's reader even when
        the segment's deletions changed (and re-adds segments a merge removed), so an
        updated paper was found twice.
        """
        with self._search_lock:
            if self._searcher is None or self._ix is None:
                return
            # The old searcher is dropped, not closed: closing it would close the segment
            # readers the new one shares; fresh_reader closed the ones it replaced.
            self._searcher = Searcher(fresh_reader(self._ix, self._searcher.reader()),
                                      fromindex=self._ix, weighting=CachedLengthsBM25F())

    def _get_searcher(self) -> Searcher:
        assert self._ix is not None, "index is not open"
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=CachedLengthsBM25F())
        return self._searcher

    def parse(self, text: str) -> wq.Query:
        """The parsed query; the last few are kept, since a search, its snippets and the
        table's later pages of snippets all parse the same text."""
        with self._parse_lock:
            cached = self._parsed.get(text)
        if cached is None:
            cached = parse_query(self.parser, text)
            with self._parse_lock:
                self._parsed[text] = cached
                while len(self._parsed) > 16:
                    self._parsed.pop(next(iter(self._parsed)))
        return cached

    @staticmethod
    def rewrite(text: str) -> str:
        """The query text as the parser sees it (offsets in parsed queries refer to it)."""
        return preprocess(text)

    def search(self, q: wq.Query, limit: int | None,
               all_ids: bool = False) -> tuple[list[RawHit], int, list[int] | None]:
        """Ranked (BM25F) hits for a parsed query, how many documents matched and, with
        `all_ids`, the ids of every match (unranked): all from one walk of the matches
        (see collecting.py: Whoosh's own top-k pass ranked some queries wrongly, and
        counted in a second walk)."""
        with self._search_lock:
            searcher = self._get_searcher()
            id_of = _id_lookup(searcher)
            if limit is None:
                results = searcher.search(q, limit=None)
                hits = [RawHit(id_of(hit.docnum), float(hit.score or 0.0)) for hit in results]
                return hits, len(hits), [h.paper_id for h in hits] if all_ids else None
            collector = RankAndCount(limit, keep_all=all_ids)
            searcher.search_with_collector(q, collector)
            hits = [RawHit(id_of(docnum), float(score or 0.0))
                    for score, docnum in collector.results().top_n]
            ids = [id_of(docnum) for docnum in collector.docnums] if all_ids else None
            return hits, collector.count(), ids

    def warm(self) -> None:
        """Read what every search needs from each segment (paper ids, the field lengths
        of the default fields): 0.4 s at 100,000 papers, which the first search after
        opening would otherwise pay. Outside the search lock: a search meanwhile reads
        the same values itself."""
        with self._search_lock:
            if self._ix is None:
                return
            reader = self._get_searcher().reader()
        paper_ids(reader)
        for leaf, _offset in reader.leaf_readers():
            for fieldname in DEFAULT_FIELDS:
                field_lengths(leaf, fieldname)

    def matching_ids(self, q: wq.Query) -> list[int]:
        """Ids of every paper the query matches, unranked (cheaper than scoring them)."""
        with self._search_lock:
            searcher = self._get_searcher()
            id_of = _id_lookup(searcher)
            return [id_of(docnum) for docnum in searcher.docs_for_query(q)]

    def ids_with_term(self, fieldname: str, term: str, limit: int) -> list[int]:
        """Ids of up to `limit` papers whose `fieldname` holds this index term."""
        return self.matching_ids(wq.Term(fieldname, term))[:limit]

    def more_like(self, paper_id: int, text: str, top: int = 10) -> list[RawHit]:
        """Papers most similar to this one by the key terms of `text` (its title and
        abstract, from the database), best first; the paper itself is left out."""
        with self._search_lock:
            searcher = self._get_searcher()
            docnum = searcher.document_number(id=str(paper_id))
            if docnum is None or not text.strip():
                return []
            results = searcher.more_like(docnum, "abstract", text=text, top=top, numterms=12)
            return [RawHit(int(hit["id"]), float(hit.score or 0.0)) for hit in results]

    def suggest(self, q: wq.Query, qstring: str, surface: Callable[[str, str], str | None],
                fields: Iterable[str] = ("title", "abstract")) -> dict[str, str]:
        """Respellings for the query's unknown words: {word as typed: closest frequent
        word of the library (within 2 edits)}. `qstring` is the text `q` was parsed from.

        Index terms are stems ("diffus"); `surface(field, term)` turns one back into a
        word as written in some paper ("diffusion").
        """
        wanted = tuple(fields)
        replacements: dict[tuple[int, int], str] = {}
        with self._search_lock:
            reader = self._get_searcher().reader()
            for leaf in _positive_leaves(q):
                if not isinstance(leaf, wq.Term) or leaf.field() not in wanted:
                    continue
                start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
                if start is None or end is None or (start, end) in replacements:
                    continue
                if any((f, leaf.text) in reader for f in wanted):
                    continue  # a known word: the other words are what failed
                # The closest word first, the most frequent among equally close ones.
                best: tuple[int, int, str, str] | None = None
                for fieldname in wanted:
                    for term in reader.terms_within(fieldname, leaf.text, 2, prefix=1):
                        rank = (edit_distance(leaf.text, term),
                                -reader.doc_frequency(fieldname, term))
                        if best is None or rank < best[:2]:
                            best = (*rank, fieldname, term)
                if best is not None:
                    word = surface(best[2], best[3])
                    if word:
                        replacements[(start, end)] = word
        return {qstring[start:end]: word for (start, end), word in replacements.items()}

    def matched_terms(self, q: wq.Query, fields: Iterable[str]) -> dict[str, set[str]]:
        """The index terms the query matches in `fields` (prefixes expanded), for snippets.

        Whoosh's own ``Query.existing_terms`` drops every field after the first one it
        sees (a loop variable shadows its field filter), so the leaves are walked here.
        """
        wanted = set(fields)
        terms: dict[str, set[str]] = {}
        with self._search_lock:
            reader = self._get_searcher().reader()
            for leaf in _positive_leaves(q):
                fieldname = leaf.field()
                if fieldname not in wanted:
                    continue
                # Plain terms come back as text, expanded ones (prefix, fuzzy) as bytes.
                for name, term in leaf.expanded_terms(reader, phrases=True):
                    if (name, term) in reader:
                        text = term if isinstance(term, str) else self.schema[name].from_bytes(term)
                        terms.setdefault(name, set()).add(text)
        return terms

    def snippet(self, fieldname: str, text: str, terms: set[str]) -> tuple[Segment, ...]:
        return make_snippet(text, terms, self.schema[fieldname].analyzer)

    def spans(self, fieldname: str, text: str, terms: set[str]) -> list[tuple[int, int]]:
        return match_spans(text, terms, self.schema[fieldname].analyzer)


def _positive_leaves(q: wq.Query) -> Iterable[wq.Query]:
    """Leaf queries that must or may match (not the ones under NOT)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _bulk_codec() -> W3Codec:
    """Whoosh's codec with bigger posting blocks (512, not 128 postings): measured 17 %
    smaller for 6 % more build time, which keeps the index no larger than the database."""
    return segments.codec(blocklimit=512)


def _check_ids(reader: IndexReader) -> None:
    """Read the first and last paper id of every segment (every search maps document
    numbers to ids through this column): IndexDamaged if one is not a number."""
    for leaf, _offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        if not count:
            continue
        column = leaf.column_reader("id")
        for docnum in (0, count - 1):
            try:
                int(column[docnum])
            except (TypeError, ValueError):
                raise IndexDamaged(f"segment {leaf.segment()}: unreadable id column") from None


def _id_lookup(searcher: Searcher) -> Callable[[int], int]:
    """docnum -> paper id, from the id columns, read once per segment (collecting.py)."""
    return paper_ids(searcher.reader()).__getitem__
