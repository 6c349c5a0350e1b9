"""Lists of papers: filtered and sorted ids, the paper table's light rows, and counts
(facets by status, tag and year)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..domain import Status, TableRow
from .rows import clean_tag, table_row_from_row
from .store_base import StoreBase

# Papers in the library, and those in the Trash (see m008_trash).
LIVE = "papers.trashed IS NULL"
TRASHED = "papers.trashed IS NOT NULL"

# Sort keys offered to the GUI and CLI, mapped to SQL expressions (never user text).
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
    # Tags compare without case everywhere, so they sort without it too.
    "tags": "(SELECT group_concat(tag, ', ') FROM paper_tags WHERE paper_id = papers.id)"
            " COLLATE NOCASE",
    "id": "papers.id",
}


def order_by(sort: str, descending: bool) -> str:
    """The ORDER BY clause for a sort key (ValueError naming the keys if unknown)."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; choose one of: {', '.join(SORT_KEYS)}")
    direction = "DESC" if descending else "ASC"
    # Tie-break on id so the order is stable between calls.
    return f" ORDER BY {SORT_KEYS[sort]} {direction}, papers.id {direction}"


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
        """Ids of papers matching the filters, sorted in SQL (`last_import`: only the
        papers of the last import; `trash`: the papers in the Trash instead of those in
        the library)."""
        where: list[str] = [TRASHED if trash else LIVE]
        params: list[Any] = []
        if last_import:
            where.append("papers.id IN (SELECT paper_id FROM last_import)")
        if year is not None:
            where.append("papers.year = ?")
            params.append(int(year))
        if status:
            where.append("papers.status = ?")
            params.append(Status.parse(status).value)
        if tag:
            where.append("papers.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)")
            params.append(clean_tag(tag))
        return self._ids_where("SELECT papers.id FROM papers", where, params,
                               order_by(sort, descending))

    def sort_ids(self, ids: Sequence[int], sort: str, descending: bool = False) -> list[int]:
        """The given ids, re-ordered by a column (used to sort search results)."""
        sql = (
            "SELECT papers.id FROM papers WHERE papers.id IN (SELECT value FROM json_each(?))"
            + order_by(sort, descending)
        )
        return [r[0] for r in self._q(sql, [json.dumps(list(ids))])]

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
