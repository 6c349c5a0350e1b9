"""The database side of an import's identity checks and of the "Last import" view.

Candidates for a record are the papers that share its DOI, arXiv id, citation key or
title key (each an indexed column); `identity.judge` decides which, if any, it is.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from ..domain import PaperRecord
from ..matching.identity import Facts, aliases_of, facts
from ..text.citation_keys import clean_key
from ..text.normalize import title_key
from . import change_log
from .paper_store import PaperStore

_LIVE = "AND trashed IS NULL"
_TITLE_CANDIDATES = 200
_COLUMNS = ("id, title, authors, year, venue, extra, entry_type, doi, arxiv_id, "
            "citation_key, abstract")


def record_facts(record: PaperRecord) -> Facts:
    return facts(
        title=record.title, authors=record.authors, year=record.year, venue=record.venue,
        extra=record.extra, entry_type=record.entry_type, doi=record.doi,
        arxiv_id=record.arxiv_id, citation_key=clean_key(record.citation_key),
        abstract=record.abstract,
    )


def candidates(store: PaperStore, record: PaperRecord,
               alias_ids: Sequence[int] = ()) -> list[tuple[int, Facts]]:
    """Papers that may be `record`, by id, with their facts (`alias_ids`: papers that
    hold the record's citation key as an alias)."""
    # Papers in the Trash are left out: an entry of a paper the user threw away comes
    # back as a new paper (as in Zotero), not as "already present" and unseen.
    # Papers of the same title: at most _TITLE_CANDIDATES of them (a title such as
    # "Introduction" or "Editorial" can be shared by thousands: each entry was judged
    # against all those before it, quadratic). Identifiers below are not capped.
    parts, params = [f"SELECT * FROM (SELECT {_COLUMNS} FROM papers WHERE title_key = ? "
                     f"{_LIVE} ORDER BY id LIMIT {_TITLE_CANDIDATES})"], [
        title_key(record.title)]
    # The `!= ''` terms let SQLite use the partial and plain indexes.
    for column, value in (("doi", record.doi), ("arxiv_id", record.arxiv_id),
                          ("citation_key", clean_key(record.citation_key))):
        if value:
            parts.append(f"SELECT {_COLUMNS} FROM papers WHERE {column} = ? "
                         f"AND {column} != '' {_LIVE}")
            params.append(value)
    if alias_ids:
        parts.append(f"SELECT {_COLUMNS} FROM papers WHERE id IN "
                     f"(SELECT value FROM json_each(?)) {_LIVE}")
        params.append(json.dumps(list(alias_ids)))
    rows = store._q(" UNION ".join(parts) + " ORDER BY id", params)
    return [(row[0], _row_facts(tuple(row))) for row in rows]


@functools.lru_cache(maxsize=4096)
def _row_facts(row: tuple[Any, ...]) -> Facts:
    """The facts of a stored paper's row, kept for the rows met again (the same papers
    are candidates for many entries of one import; a changed paper is another row)."""
    return facts(
        title=row[1], authors=json.loads(row[2] or "[]"), year=row[3], venue=row[4],
        extra=row[5], entry_type=row[6], doi=row[7], arxiv_id=row[8], citation_key=row[9],
        abstract=row[10])


def alias_map(store: PaperStore) -> dict[str, int]:
    """Alias citation keys (biblatex ``ids``) of the library's papers: key -> paper id."""
    found: dict[str, int] = {}
    for paper_id, extra in store._q(
            "SELECT id, extra FROM papers WHERE extra LIKE '%\"ids\"%' "
            "AND trashed IS NULL ORDER BY id"):
        for key in aliases_of(json.loads(extra or "{}")):
            found.setdefault(key, paper_id)
    return found


def set_last_import(store: PaperStore, rows: Sequence[tuple[int, str]]) -> None:
    """Remember the papers of the import that just finished: (paper id, outcome)."""
    with store.transaction():
        store.db.execute("DELETE FROM last_import")
        first: dict[int, tuple[int, int, str]] = {}  # a paper's first row, in file order
        for n, (paper_id, outcome) in enumerate(rows):
            first.setdefault(paper_id, (paper_id, n, outcome))
        store.db.conn.executemany(
            "INSERT INTO last_import (paper_id, position, outcome) VALUES (?, ?, ?)",
            list(first.values()))
        change_log.note(store, "last_import")


def last_import_ids(store: PaperStore) -> list[int]:
    """The papers of the last import still in the library, in file order."""
    return [r[0] for r in store._q(
        "SELECT paper_id FROM last_import JOIN papers ON papers.id = paper_id "
        "AND papers.trashed IS NULL "
        "ORDER BY position")]
