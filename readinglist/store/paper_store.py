"""PaperStore: the one place that talks SQL. Source of truth for the library.

The connection is shared between the GUI thread and worker threads, so every method
holds one re-entrant lock; ``transaction()`` holds it for the whole multi-step write.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..citation_keys import base_key, clean_key, unique_key
from ..domain import (
    Annotation,
    Attachment,
    Paper,
    PaperNotFound,
    PaperRecord,
    Priority,
    ReadinglistError,
    Status,
    check_rating,
)
from ..textutil import title_key
from .connections import ReadConnections, WriteLock, reading
from .schema import MIGRATION_NAMES, SCHEMA_VERSION, migrations

# Columns a caller may change with update_fields(); everything else is managed here.
EDITABLE_FIELDS = (
    "title", "authors", "year", "venue", "arxiv_id", "doi", "url", "abstract", "links",
    "source", "status", "note", "entry_type", "citation_key", "extra", "priority", "rating",
)
_JSON_FIELDS = {"authors": list, "links": list, "extra": dict}
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
    # Tags compare without case everywhere, so they sort without it too.
    "tags": "(SELECT group_concat(tag, ', ') FROM paper_tags WHERE paper_id = papers.id)"
            " COLLATE NOCASE",
    "id": "papers.id",
}


class SchemaTooNew(ReadinglistError):
    pass


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def clean_tag(tag: str) -> str:
    """Tags are trimmed and inner whitespace folded; case is kept but compared without it."""
    return " ".join(tag.split())


class PaperStore:
    def __init__(self, path: Path | str | None) -> None:
        """Open (and migrate) the database at `path`; None opens an in-memory database."""
        target = ":memory:" if path is None else str(path)
        # Attachment copies are stored relative to this folder, so the library can move.
        self.folder = Path(path).resolve().parent if path is not None else None
        self._lock = WriteLock()
        self._data_version: int | None = None  # see changed_elsewhere
        # Readers of a file database have their own connections (see connections.py);
        # an in-memory database has only the one.
        self._readers = ReadConnections(target, timeout=10) if path is not None else None
        try:
            conn = sqlite3.connect(target, check_same_thread=False, timeout=10)
            self.db = Database(conn)
            self.db.execute("PRAGMA foreign_keys = ON")
            if path is not None:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:  # not a database, read-only folder, locked ...
            raise ReadinglistError(f"cannot open the library database {target}: {exc}") from None

    # -- lifecycle ---------------------------------------------------------------

    def _migrate(self) -> None:
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = applied - set(MIGRATION_NAMES)
        if unknown:
            raise SchemaTooNew(
                "this library was written by a newer Readinglist "
                f"(unknown migrations: {', '.join(sorted(unknown))}); upgrade the app"
            )
        migrations.apply(self.db)
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def changed_elsewhere(self) -> bool:
        """True (once) when another connection, another process or another library on
        the same file, committed since the last call. Never waits: while this store
        writes, False (the next call tells)."""
        if not self._lock.try_acquire():
            return False
        try:
            # data_version counts the commits of other connections, as seen by this one.
            version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
        finally:
            self._lock.release()
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    def close(self) -> None:
        if self._readers is not None:
            self._readers.close()
        with self._lock:
            self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all."""
        with self._lock, self.db.atomic():
            yield

    def _q(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        """Rows of a read: on this thread's own connection, so it never waits for a
        write in progress (inside a write, through the writer, to see it)."""
        with self._reading() as conn:
            return conn.execute(sql, params).fetchall()

    def _reading(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return reading(self.db.conn, self._lock, self._readers)

    # -- meta ----------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._q("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    # -- papers: writes ------------------------------------------------------------

    def insert_paper(self, record: PaperRecord, now: datetime | None = None) -> int:
        """Add a paper; its status starts the history. Attachments are added separately."""
        now = now or utc_now()
        stamp = now.isoformat()
        added = _added_time(record.added) or stamp
        status = Status.parse(record.status).value if record.status else Status.UNREAD.value
        priority = Priority.parse(record.priority).value if record.priority else "normal"
        rating = check_rating(record.rating)
        note_stamp = stamp if record.note else None
        with self.transaction():
            key = self.free_citation_key(record.citation_key) or unique_key(
                base_key(record.title, record.authors, record.year), self.citation_key_taken
            )
            cursor = self.db.execute(
                """INSERT INTO papers (id, title, title_key, authors, year, venue, arxiv_id,
                       doi, url, abstract, links, source, status, note, added, modified,
                       entry_type, citation_key, extra, priority, rating, note_created,
                       note_modified)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                           ?)""",
                [
                    self.next_paper_id(), record.title, title_key(record.title),
                    json.dumps(record.authors),
                    record.year, record.venue, record.arxiv_id, record.doi, record.url,
                    record.abstract, json.dumps(record.links), record.source, status,
                    record.note, added, stamp, record.entry_type, key,
                    json.dumps(record.extra, ensure_ascii=False), priority, rating,
                    note_stamp, note_stamp,
                ],
            )
            paper_id = int(cursor.lastrowid or 0)
            self._record_status(paper_id, Status.UNREAD.value, added)
            if status != Status.UNREAD.value:
                # The status it arrives with: from the moment it entered, and no day it
                # was read on (a bibliography imported as read was not read today).
                self._status_changed(paper_id, Status.UNREAD.value, status, added,
                                     imported=True)
            self._write_tags(paper_id, record.tags)
            if record.fulltext:
                self.set_fulltext(paper_id, record.fulltext)
            self.enqueue_index([paper_id])
        return paper_id

    # -- citation keys ---------------------------------------------------------------

    def citation_key_taken(self, key: str) -> bool:
        # The `!= ''` term lets SQLite use the partial unique index (else: a table scan).
        return bool(self._q(
            "SELECT 1 FROM papers WHERE citation_key = ? AND citation_key != '' LIMIT 1", [key]))

    def free_citation_key(self, key: str) -> str:
        """`key` cleaned, or "" when it is empty or another paper has it."""
        key = clean_key(key)
        return key if key and not self.citation_key_taken(key) else ""

    # -- attachments and full text -----------------------------------------------------

    def add_attachment(self, paper_id: int, path: Path | str, kind: str) -> None:
        """Attach a file (absolute path). Copies inside the library folder are stored
        relative to it."""
        if kind not in ("copy", "link"):
            raise ValueError(f"attachment kind is 'copy' or 'link', not {kind!r}")
        stored = str(path)
        if kind == "copy" and self.folder is not None:
            with contextlib.suppress(ValueError):
                stored = str(Path(path).resolve().relative_to(self.folder))
        with self.transaction():
            self._require(paper_id)
            exists = self.db.execute(
                "SELECT 1 FROM attachments WHERE paper_id = ? AND path = ?", [paper_id, stored]
            ).fetchone()
            if not exists:
                self.db.execute(
                    "INSERT INTO attachments (paper_id, path, kind, added) VALUES (?, ?, ?, ?)",
                    [paper_id, stored, kind, utc_now().isoformat()],
                )

    def remove_attachments(self, paper_id: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM attachments WHERE paper_id = ?", [paper_id])

    def _attachments_for(self, conn: sqlite3.Connection,
                         id_list_json: str) -> dict[int, tuple[Attachment, ...]]:
        result: dict[int, list[Attachment]] = {}
        for paper_id, path, kind, added in conn.execute(
            "SELECT paper_id, path, kind, added FROM attachments WHERE paper_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY id",
            [id_list_json],
        ):
            full = Path(path)
            if not full.is_absolute() and self.folder is not None:
                full = self.folder / full
            result.setdefault(paper_id, []).append(
                Attachment(str(full), kind, datetime.fromisoformat(added))
            )
        return {k: tuple(v) for k, v in result.items()}

    def set_fulltext(self, paper_id: int, text: str) -> None:
        with self.transaction():
            if text:
                self.db.execute(
                    "INSERT INTO fulltext (paper_id, text) VALUES (?, ?) ON CONFLICT(paper_id) "
                    "DO UPDATE SET text = excluded.text", [paper_id, text])
            else:
                self.db.execute("DELETE FROM fulltext WHERE paper_id = ?", [paper_id])
            self.enqueue_index([paper_id])

    def fulltexts(self, ids: Sequence[int]) -> dict[int, str]:
        return dict(self._q(
            "SELECT paper_id, text FROM fulltext "
            "WHERE paper_id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))]))

    def update_fields(self, paper_id: int, fields: dict[str, Any]) -> None:
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"cannot edit field(s): {', '.join(sorted(unknown))}")
        values = dict(fields)
        if "title" in values:
            values["title_key"] = title_key(values["title"])
        for key, kind in _JSON_FIELDS.items():
            if key in values:
                values[key] = json.dumps(kind(values[key]), ensure_ascii=False)
        if "status" in values:
            values["status"] = Status.parse(values["status"]).value
        if "priority" in values:
            values["priority"] = Priority.parse(values["priority"]).value
        if "rating" in values:
            values["rating"] = check_rating(values["rating"])
        values["modified"] = utc_now().isoformat()
        # Column names come from EDITABLE_FIELDS (checked above), values are parameters.
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        with self.transaction():
            self._require(paper_id)
            if "citation_key" in values:
                values["citation_key"] = self._check_key_change(paper_id, values["citation_key"])
            current, note = self.db.execute(
                "SELECT status, note FROM papers WHERE id = ?", [paper_id]).fetchone()
            self.db.execute(
                f"UPDATE papers SET {assignments} WHERE id = :_id", {**values, "_id": paper_id}
            )
            if "status" in values and current != values["status"]:
                self._status_changed(paper_id, current, values["status"], values["modified"])
            if "note" in values and values["note"] != note:
                self.db.execute(
                    "UPDATE papers SET note_modified = ?, note_created = coalesce(note_created, ?)"
                    " WHERE id = ?", [values["modified"], values["modified"], paper_id])
            self.enqueue_index([paper_id])

    def _check_key_change(self, paper_id: int, key: str) -> str:
        cleaned = clean_key(key)
        if not cleaned:
            raise ReadinglistError("a citation key cannot be empty")
        other = self.db.execute(
            "SELECT id FROM papers WHERE citation_key = ? AND citation_key != '' AND id != ?",
            [cleaned, paper_id],
        ).fetchone()
        if other:
            raise ReadinglistError(f"citation key {cleaned!r} is already used by paper {other[0]}")
        return cleaned

    def _status_changed(self, paper_id: int, old: str, new: str, stamp: str,
                        imported: bool = False) -> None:
        """Record a status change and keep what derives from it: the queue position,
        the dates started and finished (`imported`: the status a paper arrived with,
        which dates no reading)."""
        self._record_status(paper_id, new, stamp, imported)
        if new == Status.QUEUED.value and old != new:
            self.db.execute(
                "UPDATE papers SET queue_position = (SELECT coalesce(max(queue_position), 0) + 1"
                " FROM papers) WHERE id = ?", [paper_id])
        elif new != Status.QUEUED.value:
            self.db.execute("UPDATE papers SET queue_position = NULL WHERE id = ?", [paper_id])
        if new == Status.READING.value and not imported:
            self.db.execute("UPDATE papers SET started = coalesce(started, ?) WHERE id = ?",
                            [stamp, paper_id])
        finished = stamp if Status(new).done and not imported else None
        self.db.execute("UPDATE papers SET finished = ? WHERE id = ?", [finished, paper_id])

    def refresh_status_caches(self, paper_id: int) -> None:
        """Make the dates started and finished and the queue place agree with the status
        history again (after a restore or a merge moved history rows)."""
        with self.transaction():
            self.db.execute(
                "UPDATE papers SET started = (SELECT min(changed) FROM status_history h "
                "WHERE h.paper_id = papers.id AND h.status = 'reading' AND NOT h.imported), "
                "finished = CASE WHEN status IN ('read', 'skimmed') THEN (SELECT max(changed) "
                "FROM status_history h WHERE h.paper_id = papers.id AND h.status = papers.status"
                " AND NOT h.imported) END WHERE id = ?", [paper_id])
            self.db.execute(
                "UPDATE papers SET queue_position = NULL WHERE id = ? AND status != 'queued'",
                [paper_id])
            self.db.execute(
                "UPDATE papers SET queue_position = (SELECT coalesce(max(queue_position), 0) + 1"
                " FROM papers) WHERE id = ? AND status = 'queued' AND queue_position IS NULL",
                [paper_id])

    # -- the reading queue -------------------------------------------------------------

    def queue_ids(self) -> list[int]:
        """Queued papers, next to read first."""
        return [r[0] for r in self._q(
            "SELECT id FROM papers WHERE queue_position IS NOT NULL "
            "ORDER BY queue_position, id")]

    def move_in_queue(self, paper_id: int, index: int) -> None:
        """Put a queued paper at `index` (0 = next), renumbering the queue 1..n."""
        with self.transaction():
            ids = self.queue_ids()
            if paper_id not in ids:
                raise ReadinglistError(f"paper {paper_id} is not in the reading queue")
            ids.remove(paper_id)
            ids.insert(max(0, min(index, len(ids))), paper_id)
            self.db.conn.executemany(
                "UPDATE papers SET queue_position = ? WHERE id = ?",
                [(n, i) for n, i in enumerate(ids, start=1)])
            self.enqueue_index([paper_id])

    def set_queue_order(self, order: Sequence[int]) -> None:
        """Renumber the queue 1..n in `order` (not queued: skipped; queued but not named:
        after, in their order), moving only the papers whose place changed."""
        with self.transaction():
            queued = self.queue_ids()
            in_queue = set(queued)
            wanted = [i for i in dict.fromkeys(order) if i in in_queue]
            named = set(wanted)
            ids = [*wanted, *(i for i in queued if i not in named)]
            places = dict(self._q("SELECT id, queue_position FROM papers "
                                  "WHERE queue_position IS NOT NULL"))
            moved = [(n, i) for n, i in enumerate(ids, start=1) if places.get(i) != n]
            self.db.conn.executemany(
                "UPDATE papers SET queue_position = ? WHERE id = ?", moved)
            self.enqueue_index([i for _, i in moved])

    def _record_status(self, paper_id: int, status: str, stamp: str,
                       imported: bool = False) -> None:
        self.db.execute(
            "INSERT INTO status_history (paper_id, status, changed, imported) "
            "VALUES (?, ?, ?, ?)", [paper_id, status, stamp, int(imported)],
        )

    def status_history(self, paper_id: int) -> list[tuple[str, str, bool]]:
        """(status, ISO time, imported) of every status change of a paper, oldest
        first; `imported`: the status it arrived with from an import."""
        return [(status, changed, bool(imported)) for status, changed, imported in self._q(
            "SELECT status, changed, imported FROM status_history WHERE paper_id = ? "
            "ORDER BY changed, id", [paper_id])]

    def all_status_histories(self) -> dict[int, list[tuple[str, str, bool]]]:
        """Every paper's status changes, oldest first, in one query (for statistics)."""
        result: dict[int, list[tuple[str, str, bool]]] = {}
        for paper_id, status, changed, imported in self._q(
            "SELECT paper_id, status, changed, imported FROM status_history "
            "ORDER BY paper_id, changed, id"
        ):
            result.setdefault(paper_id, []).append((status, changed, bool(imported)))
        return result

    def next_paper_id(self) -> int:
        """The id for a new paper: never one a deleted paper had, so that anything still
        naming a deleted paper (an undo, a note's #id link) cannot reach a new one."""
        row = self.db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM papers), 0), "
            "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'max_paper_id'), 0))"
        ).fetchone()
        return int(row[0]) + 1

    def id_was_used(self, paper_id: int) -> bool:
        """True when `paper_id` is, or was once, a paper's id in this library."""
        return paper_id < self.next_paper_id()

    def delete_paper(self, paper_id: int) -> None:
        with self.transaction():
            self._require(paper_id)
            self.db.execute("DELETE FROM papers WHERE id = ?", [paper_id])
            self.db.execute(
                "INSERT INTO meta(key, value) VALUES ('max_paper_id', ?) ON CONFLICT(key) "
                "DO UPDATE SET value = max(CAST(value AS INTEGER), excluded.value)",
                [paper_id])
            self.enqueue_index([paper_id])

    def set_tags(self, paper_id: int, tags: Iterable[str]) -> None:
        with self.transaction():
            self._require(paper_id)
            self.db.execute("DELETE FROM paper_tags WHERE paper_id = ?", [paper_id])
            self._write_tags(paper_id, tags)
            self._touch(paper_id)

    def _write_tags(self, paper_id: int, tags: Iterable[str]) -> None:
        for tag in tags:
            tag = clean_tag(tag)
            if tag:
                self.db.execute(
                    "INSERT OR IGNORE INTO paper_tags(paper_id, tag) VALUES (?, ?)",
                    [paper_id, self._canonical_tag(tag)],
                )

    def _canonical_tag(self, tag: str) -> str:
        """Reuse the library's existing spelling of a tag ('LLM' stays 'LLM' when 'llm' comes)."""
        row = self.db.execute("SELECT tag FROM paper_tags WHERE tag = ? LIMIT 1", [tag]).fetchone()
        return row[0] if row else tag

    def _touch(self, paper_id: int) -> None:
        self.db.execute(
            "UPDATE papers SET modified = ? WHERE id = ?", [utc_now().isoformat(), paper_id]
        )
        self.enqueue_index([paper_id])

    def _require(self, paper_id: int) -> None:
        if not self.db.execute("SELECT 1 FROM papers WHERE id = ?", [paper_id]).fetchone():
            raise PaperNotFound(paper_id)

    # -- papers: reads -------------------------------------------------------------

    def id_by(self, column: str, value: str) -> int | None:
        """The first paper whose arxiv_id, doi or citation_key is `value`."""
        if column not in ("arxiv_id", "doi", "citation_key"):
            raise ValueError(f"cannot look papers up by {column!r}")
        rows = self._q(f"SELECT id FROM papers WHERE {column} = ? ORDER BY id LIMIT 1", [value])
        return int(rows[0][0]) if rows else None

    def paper_exists(self, paper_id: int) -> bool:
        return bool(self._q("SELECT 1 FROM papers WHERE id = ?", [paper_id]))

    def duplicate_rows(self) -> list[tuple[Any, ...]]:
        """What every paper's duplicates are judged on, in one query: (id, title, authors
        JSON, year, doi, arxiv_id, venue, volume, number, pages, entry_type, citation_key,
        alias keys, abstract, title_key) -- the columns of duplicates.DuplicateRow.from_db."""
        # The abstract only decides between papers without a first author or a year, so
        # only theirs is read (the first 2,000 characters, as identity.facts keeps).
        return self._q(
            "SELECT id, title, authors, year, doi, arxiv_id, venue, "
            "json_extract(extra, '$.volume'), "
            "coalesce(nullif(json_extract(extra, '$.number'), ''), "
            "json_extract(extra, '$.issue')), json_extract(extra, '$.pages'), "
            "entry_type, citation_key, json_extract(extra, '$.ids'), "
            "CASE WHEN authors = '[]' OR year IS NULL THEN substr(abstract, 1, 2000) "
            "ELSE '' END, title_key FROM papers ORDER BY id")

    def get_paper(self, paper_id: int) -> Paper:
        papers = self.get_papers([paper_id])
        if paper_id not in papers:
            raise PaperNotFound(paper_id)
        return papers[paper_id]

    def get_papers(self, ids: Sequence[int]) -> dict[int, Paper]:
        """Papers by id (missing ids are left out), with their tags, in two queries."""
        if not ids:
            return {}
        id_list = json.dumps(list(ids))
        with self._reading() as conn:
            cursor = conn.execute(
                "SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?))", [id_list]
            )
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
            tags = self._tags_for(conn, id_list)
            notes = self._annotations_for(conn, id_list)
            files = self._attachments_for(conn, id_list)
        return {
            row["id"]: _paper_from_row(
                row, tags.get(row["id"], ()), notes.get(row["id"], ()), files.get(row["id"], ())
            )
            for row in rows
        }

    def _annotations_for(self, conn: sqlite3.Connection,
                         id_list_json: str) -> dict[int, tuple[Annotation, ...]]:
        cursor = conn.execute(
            "SELECT * FROM annotations WHERE paper_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY paper_id, start, id",
            [id_list_json],
        )
        columns = [d[0] for d in cursor.description]
        result: dict[int, list[Annotation]] = {}
        for values in cursor.fetchall():
            note = _annotation_from_row(dict(zip(columns, values, strict=True)))
            result.setdefault(note.paper_id, []).append(note)
        return {k: tuple(v) for k, v in result.items()}

    def _tags_for(self, conn: sqlite3.Connection,
                  id_list_json: str) -> dict[int, tuple[str, ...]]:
        result: dict[int, list[str]] = {}
        for paper_id, tag in conn.execute(
            "SELECT paper_id, tag FROM paper_tags WHERE paper_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY tag COLLATE NOCASE",
            [id_list_json],
        ):
            result.setdefault(paper_id, []).append(tag)
        return {k: tuple(v) for k, v in result.items()}

    def iter_papers(self, batch: int = 500) -> Iterator[list[Paper]]:
        """Every paper, in id order, a batch at a time (for index rebuilds and exports)."""
        last = 0
        while True:
            ids = [r[0] for r in self._q(
                "SELECT id FROM papers WHERE id > ? ORDER BY id LIMIT ?", [last, batch]
            )]
            if not ids:
                return
            papers = self.get_papers(ids)
            yield [papers[i] for i in ids if i in papers]
            last = ids[-1]

    def list_ids(
        self,
        status: Status | str | None = None,
        tag: str | None = None,
        sort: str = "added",
        descending: bool = False,
        year: int | None = None,
        last_import: bool = False,
    ) -> list[int]:
        """Ids of papers matching the filters, sorted in SQL (`last_import`: only the
        papers of the last import)."""
        where: list[str] = []
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
                               _order_by(sort, descending))

    def _ids_where(self, select: str, where: list[str], params: list[Any], order: str) -> list[int]:
        """Run `select` with the conditions ANDed (fragments are ours, values parameters)."""
        sql = select + (" WHERE " + " AND ".join(where) if where else "") + order
        return [r[0] for r in self._q(sql, params)]

    def sort_ids(self, ids: Sequence[int], sort: str, descending: bool = False) -> list[int]:
        """The given ids, re-ordered by a column (used to sort search results)."""
        sql = (
            "SELECT papers.id FROM papers WHERE papers.id IN (SELECT value FROM json_each(?))"
            + _order_by(sort, descending)
        )
        return [r[0] for r in self._q(sql, [json.dumps(list(ids))])]

    def facet_counts(
        self, ids: Sequence[int] | None, top_tags: int = 30
    ) -> dict[str, dict[str, int]]:
        """Counts by status, tag (the most used) and year among these papers (None: all)."""
        if ids is None:
            scope, params = "SELECT id FROM papers", []
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

    def table_rows(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """(id, title, authors JSON, year, status, added, tags, priority, rating, queue
        position) for the table: only the columns it shows (no abstract, note or
        highlights), in one query."""
        return self._q(
            "SELECT id, title, authors, year, status, added, "
            "(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM paper_tags"
            "  WHERE paper_id = papers.id ORDER BY tag COLLATE NOCASE)),"
            " priority, rating, queue_position"
            " FROM papers WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(ids))],
        )

    def year_counts(self) -> dict[str, int]:
        return {str(y): n for y, n in self._q(
            "SELECT year, count(*) FROM papers WHERE year IS NOT NULL "
            "GROUP BY year ORDER BY year DESC")}

    def paper_count(self) -> int:
        return int(self._q("SELECT count(*) FROM papers")[0][0])

    def status_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for status, n in self._q("SELECT status, count(*) FROM papers GROUP BY status"):
            counts[status] = n
        return counts

    def tag_counts(self) -> dict[str, int]:
        return {
            tag: n
            for tag, n in self._q(
                "SELECT tag, count(*) FROM paper_tags GROUP BY tag ORDER BY tag COLLATE NOCASE"
            )
        }

    # -- annotations ----------------------------------------------------------------------

    def insert_annotation(self, paper_id: int, start: int, end: int, quote: str,
                          colour: str, comment: str) -> int:
        stamp = utc_now().isoformat()
        with self.transaction():
            self._require(paper_id)
            cursor = self.db.execute(
                "INSERT INTO annotations (paper_id, start, end, quote, colour, comment, "
                "anchored, created, modified) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                [paper_id, start, end, quote, colour, comment, stamp, stamp],
            )
            self._touch(paper_id)
        return int(cursor.lastrowid or 0)

    def get_annotation(self, annotation_id: int) -> Annotation:
        with self._reading() as conn:
            cursor = conn.execute("SELECT * FROM annotations WHERE id = ?", [annotation_id])
            values = cursor.fetchone()
            if values is None:
                raise ReadinglistError(f"no annotation with id {annotation_id}")
            columns = [d[0] for d in cursor.description]
        return _annotation_from_row(dict(zip(columns, values, strict=True)))

    def annotations(self, ids: Sequence[int]) -> list[Annotation]:
        """Annotations by id, in the order given, in one query."""
        with self._reading() as conn:
            cursor = conn.execute(
                "SELECT * FROM annotations WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(ids))],
            )
            columns = [d[0] for d in cursor.description]
            found = {
                row["id"]: _annotation_from_row(row)
                for row in (dict(zip(columns, v, strict=True)) for v in cursor.fetchall())
            }
        return [found[i] for i in ids if i in found]

    def update_annotation(self, annotation_id: int, fields: dict[str, Any]) -> None:
        allowed = {"start", "end", "quote", "colour", "comment", "anchored"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot edit annotation field(s): {', '.join(sorted(unknown))}")
        values = {**fields, "modified": utc_now().isoformat()}
        assignments = ", ".join(f"{column} = :{column}" for column in values)
        with self.transaction():
            paper_id = self.get_annotation(annotation_id).paper_id
            self.db.execute(
                f"UPDATE annotations SET {assignments} WHERE id = :_id",
                {**values, "_id": annotation_id},
            )
            self._touch(paper_id)

    def delete_annotation(self, annotation_id: int) -> None:
        with self.transaction():
            paper_id = self.get_annotation(annotation_id).paper_id
            self.db.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            self._touch(paper_id)

    def annotation_ids(self, colour: str | None = None, tag: str | None = None) -> list[int]:
        """Ids of annotations across the library, newest first, filtered by colour/tag."""
        where: list[str] = []
        params: list[Any] = []
        if colour:
            where.append("colour = ?")
            params.append(colour)
        if tag:
            where.append("paper_id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)")
            params.append(clean_tag(tag))
        return self._ids_where("SELECT id FROM annotations", where, params,
                               " ORDER BY created DESC, id DESC")

    # -- search index outbox ------------------------------------------------------------

    def enqueue_index(self, paper_ids: Iterable[int]) -> None:
        """Record that search must re-read these papers (call inside the write's transaction)."""
        with self._lock:
            self.db.conn.executemany(
                "INSERT INTO index_outbox(paper_id) VALUES (?)", [(i,) for i in paper_ids]
            )

    def enqueue_all_for_index(self) -> None:
        with self.transaction():
            self.db.execute("INSERT INTO index_outbox(paper_id) SELECT id FROM papers")

    def outbox(self, limit: int = 1000) -> list[tuple[int, int]]:
        """Oldest pending (seq, paper_id) pairs."""
        return [(s, p) for s, p in self._q(
            "SELECT seq, paper_id FROM index_outbox ORDER BY seq LIMIT ?", [limit]
        )]

    def outbox_size(self) -> int:
        return int(self._q("SELECT count(*) FROM index_outbox")[0][0])

    def last_seq(self) -> int:
        """The highest outbox sequence ever issued: the database's write position."""
        rows = self._q("SELECT seq FROM sqlite_sequence WHERE name = 'index_outbox'")
        return int(rows[0][0]) if rows else 0

    def drop_outbox_upto(self, seq: int) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM index_outbox WHERE seq <= ?", [seq])


def _order_by(sort: str, descending: bool) -> str:
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; choose one of: {', '.join(SORT_KEYS)}")
    direction = "DESC" if descending else "ASC"
    # Tie-break on id so the order is stable between calls.
    return f" ORDER BY {SORT_KEYS[sort]} {direction}, papers.id {direction}"


def _annotation_from_row(row: dict[str, Any]) -> Annotation:
    return Annotation(
        id=row["id"],
        paper_id=row["paper_id"],
        start=row["start"],
        end=row["end"],
        quote=row["quote"],
        colour=row["colour"],
        comment=row["comment"],
        anchored=bool(row["anchored"]),
        created=datetime.fromisoformat(row["created"]),
        modified=datetime.fromisoformat(row["modified"]),
    )


def _paper_from_row(
    row: dict[str, Any],
    tags: tuple[str, ...],
    annotations: tuple[Annotation, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> Paper:
    return Paper(
        id=row["id"],
        title=row["title"],
        authors=tuple(json.loads(row["authors"] or "[]")),
        year=row["year"],
        venue=row["venue"],
        arxiv_id=row["arxiv_id"],
        doi=row["doi"],
        url=row["url"],
        abstract=row["abstract"],
        links=tuple(json.loads(row["links"] or "[]")),
        source=row["source"],
        status=Status.parse(row["status"]),
        tags=tags,
        note=row["note"],
        added=datetime.fromisoformat(row["added"]),
        modified=datetime.fromisoformat(row["modified"]),
        annotations=annotations,
        entry_type=row["entry_type"],
        citation_key=row["citation_key"],
        extra=json.loads(row["extra"] or "{}"),
        attachments=attachments,
        priority=Priority.parse(row["priority"]),
        rating=row["rating"],
        queue_position=row["queue_position"],
        started=_time(row["started"]),
        finished=_time(row["finished"]),
        note_created=_time(row["note_created"]),
        note_modified=_time(row["note_modified"]),
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _added_time(text: str) -> str | None:
    """A date added carried by an import (our own exports write it), as stored: UTC ISO
    time; None when there is none or it does not parse, or lies in the future."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return when.isoformat() if when <= utc_now() else None
