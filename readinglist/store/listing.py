"""Lists of papers: filtered and sorted ids, the paper table's light rows, and counts
(facets by status, tag and year).

Sorting reads an index: every sort key has one on exactly its expression and collation
(migration m012), in the order ``ORDER BY key, id`` gives, which SQLite reads without
sorting. A large set of papers (the library, a search's matches) is sorted by reading
the key's whole index and keeping the set's papers; a small one is looked up and sorted.
Both give the order ``ORDER BY key, id`` (in the direction asked) gives.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from ..domain import Status, TableRow
from .rows import clean_tag, table_row_from_row
from .store_base import StoreBase

# Papers in the library, and those in the Trash (see m008_trash).
LIVE = "papers.trashed IS NULL"
TRASHED = "papers.trashed IS NOT NULL"

# Sort keys offered to the GUI and CLI, mapped to SQL expressions (never user text).
# Each has an index on exactly this expression (m001, m005, m012): change one only with
# a migration that indexes the new expression.
SORT_KEYS: dict[str, str] = {
    "title": "papers.title COLLATE NOCASE",
    "authors": "papers.authors COLLATE NOCASE",
    "year": "papers.year",
    "status": "papers.status",
    "added": "papers.added",
    "priority": "CASE papers.priority WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END",
    "rating": "papers.rating",
    "finished": "papers.finished",
    "queue": "papers.queue_position",
    "modified": "papers.modified",
    "trashed": "papers.trashed",
    # Tags compare without case everywhere, so they sort without it too: every tag of
    # the paper, in tag order, joined by ", " (kept in tag_lists by triggers, m012).
    "tags": "(SELECT tags FROM tag_lists WHERE tag_lists.paper_id = papers.id) COLLATE NOCASE",
    "id": "papers.id",
}

# A set of papers at most this share of the library is looked up and sorted (time grows
# with the set: 3 to 5 us a paper); a larger one is picked from the key's whole index
# (time grows with the library: 25 to 45 ms at 100,000 papers, about as long as looking
# up 10,000).
LOOKUP_SHARE = 1 / 10


def order_by(sort: str, descending: bool) -> str:
    """The ORDER BY clause for a sort key (ValueError naming the keys if unknown)."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; choose one of: {', '.join(SORT_KEYS)}")
    direction = "DESC" if descending else "ASC"
    # Tie-break on id so the order is stable between calls.
    return f" ORDER BY {SORT_KEYS[sort]} {direction}, papers.id {direction}"


def index_order_sql(sort: str) -> str:
    """The query of every paper's id (in the library and in the Trash) in a key's
    ascending order, read from the key's index (the key is checked by the caller)."""
    if sort == "id":  # the table is in id order, but scanning it reads every row (with
        return "SELECT id FROM papers"  # its abstract): an index has the ids, sorted after
    if sort == "tags":
        return "SELECT paper_id FROM tag_lists ORDER BY tags COLLATE NOCASE, paper_id"
    return "SELECT papers.id FROM papers" + order_by(sort, False)


class ListingMixin(StoreBase):
    """PaperStore's listing and counting methods (a mixin: PaperStore is the class to use)."""

    def list_ids(
        self,
        status: Status | str | None = None,
        tag: str | None = None,
        sort: str = "added",
        descending: bool = False,
        year: int | None = None,
        last_import: bool = False,
        trash: bool = False,
    ) -> list[int]:
        """Ids of papers matching the filters, sorted (`last_import`: only the papers of
        the last import; `trash`: the papers in the Trash instead of those in the
        library)."""
        order_by(sort, descending)  # an unknown key fails before any work
        # Each filter is read from its own index; SQLite would pick one of them and read
        # every match's row for the others and for the sort key (rows hold abstracts).
        queries: list[tuple[str, list[Any]]] = []
        if last_import:
            queries.append(("SELECT paper_id FROM last_import", []))
        if year is not None:
            queries.append(("SELECT id FROM papers WHERE year = ?", [int(year)]))
        if status:
            queries.append(("SELECT id FROM papers WHERE status = ?",
                            [Status.parse(status).value]))
        if tag:
            queries.append(("SELECT paper_id FROM paper_tags WHERE tag = ?", [clean_tag(tag)]))
        with self._reading() as conn:
            return _consistent(conn, lambda: _listed(conn, queries, sort, descending, trash))

    def sort_ids(self, ids: Sequence[int], sort: str, descending: bool = False) -> list[int]:
        """The given ids, re-ordered by a column (used to sort search results and the
        table); ids of no paper are left out, repeated ones kept once."""
        order_by(sort, descending)
        with self._reading() as conn:  # one query: one state of the library
            return _sorted(conn, set(ids), sort, descending)

    def facet_counts(
        self, ids: Sequence[int] | None, top_tags: int = 30
    ) -> dict[str, dict[str, int]]:
        """Counts by status, tag (the most used) and year among these papers (None: all)."""
        if ids is None:
            scope, params = f"SELECT id FROM papers WHERE {LIVE}", []
        else:
            scope, params = "SELECT value FROM json_each(?)", [json.dumps(list(ids))]
        with self._reading() as conn:
            # One pass into a temporary table, so the three counts do not re-read the ids.
            conn.execute("DROP TABLE IF EXISTS temp.facet_ids")
            conn.execute(f"CREATE TEMP TABLE facet_ids AS {scope}", params)
            try:
                status = dict(conn.execute(
                    "SELECT status, count(*) FROM papers WHERE id IN (SELECT * FROM facet_ids)"
                    " GROUP BY status ORDER BY count(*) DESC, status").fetchall())
                tags = dict(conn.execute(
                    "SELECT tag, count(*) FROM paper_tags WHERE paper_id IN "
                    "(SELECT * FROM facet_ids) GROUP BY tag ORDER BY count(*) DESC, "
                    "tag COLLATE NOCASE LIMIT ?", [top_tags]).fetchall())
                years = {str(y): n for y, n in conn.execute(
                    "SELECT year, count(*) FROM papers WHERE id IN (SELECT * FROM facet_ids)"
                    " AND year IS NOT NULL GROUP BY year ORDER BY year DESC").fetchall()}
            finally:
                conn.execute("DROP TABLE IF EXISTS temp.facet_ids")
        return {"status": status, "tag": tags, "year": years}

    def table_rows(self, ids: Sequence[int]) -> dict[int, TableRow]:
        """The paper table's rows, by id (unknown ids are left out): only the columns it
        shows (no abstract, note or highlights), in one query."""
        # char(31) is rows.TAG_SEPARATOR: the tags come back as one text.
        rows = self._q(
            "SELECT id, title, authors, year, status, added, "
            "(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM paper_tags"
            "  WHERE paper_id = papers.id ORDER BY tag COLLATE NOCASE)),"
            " priority, rating, queue_position"
            " FROM papers WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))],
        )
        return {row[0]: table_row_from_row(row) for row in rows}

    def year_counts(self) -> dict[str, int]:
        return {str(y): n for y, n in self._q(
            f"SELECT year, count(*) FROM papers WHERE year IS NOT NULL AND {LIVE} "
            "GROUP BY year ORDER BY year DESC")}

    def paper_count(self) -> int:
        return int(self._q(f"SELECT count(*) FROM papers WHERE {LIVE}")[0][0])

    def trash_count(self) -> int:
        return int(self._q(f"SELECT count(*) FROM papers WHERE {TRASHED}")[0][0])

    def status_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for status, n in self._q(
                f"SELECT status, count(*) FROM papers WHERE {LIVE} GROUP BY status"):
            counts[status] = n
        return counts

    def tag_counts(self) -> dict[str, int]:
        return {
            tag: n
            for tag, n in self._q(
                "SELECT tag, count(*) FROM paper_tags WHERE paper_id IN "
                f"(SELECT id FROM papers WHERE {LIVE}) GROUP BY tag ORDER BY tag COLLATE NOCASE"
            )
        }


# -- sorting (on the reading connection) -------------------------------------------------------


T = TypeVar("T")


def _consistent(conn: sqlite3.Connection, read: Callable[[], T], tries: int = 3) -> T:
    """What `read` (several queries) returns, read again when another connection
    committed meanwhile, so that its queries saw one state of the library. (Not a read
    transaction: the store begins none but its writes, with BEGIN IMMEDIATE.)"""
    for _ in range(tries - 1):
        before = conn.execute("PRAGMA data_version").fetchone()[0]
        result = read()
        if conn.execute("PRAGMA data_version").fetchone()[0] == before:
            return result
    return read()


def _library_size(conn: sqlite3.Connection) -> int:
    """About how many papers the library has, at once: the highest id (ids are never
    reused, so more than that when papers were deleted for good)."""
    return int(conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 0)


def _ids(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> set[int]:
    return {row[0] for row in conn.execute(sql, params)}


def _listed(conn: sqlite3.Connection, queries: list[tuple[str, list[Any]]], sort: str,
            descending: bool, trash: bool) -> list[int]:
    """list_ids: the papers every query finds (none: all of them), in the library or in
    the Trash, sorted."""
    trashed = _ids(conn, f"SELECT id FROM papers WHERE {TRASHED}")
    if not queries and not trash:  # the whole library: the index's order
        return _picked(_index_order(conn, sort), trashed, descending, keep=False)
    chosen = trashed if trash else None
    for sql, params in queries:
        found = _ids(conn, sql, params)
        chosen = found if chosen is None else chosen & found
    assert chosen is not None
    return _sorted(conn, chosen if trash else chosen - trashed, sort, descending)


def _index_order(conn: sqlite3.Connection, sort: str) -> list[int]:
    """Every paper's id in the key's ascending order (ties by id), from its index."""
    ids = [row[0] for row in conn.execute(index_order_sql(sort))]
    return sorted(ids) if sort == "id" else ids


def _picked(order: list[int], ids: Collection[int], descending: bool, keep: bool) -> list[int]:
    """The ids of `order` that are in `ids` (keep) or not (not keep), in its order or
    the reverse (the order is total: descending is ascending reversed)."""
    picked = ([i for i in order if i in ids] if keep else
              [i for i in order if i not in ids])
    if descending:
        picked.reverse()
    return picked


def _sorted(conn: sqlite3.Connection, ids: set[int], sort: str, descending: bool) -> list[int]:
    """The ids of papers among `ids`, sorted by a key: looked up, or picked from the
    key's whole index when there are many."""
    if not ids:
        return []
    if len(ids) > LOOKUP_SHARE * _library_size(conn):
        return _picked(_index_order(conn, sort), ids, descending, keep=True)
    sql = ("SELECT papers.id FROM papers WHERE papers.id IN (SELECT value FROM json_each(?))"
           + order_by(sort, descending))
    return [row[0] for row in conn.execute(sql, [json.dumps(list(ids))])]
