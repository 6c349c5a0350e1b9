"""PaperStore: the one place that talks SQL. Source of truth for the library.

PaperStore is the one class callers use. Its methods are written in parts, one module
each, that it inherits: the open database (store_base), the search index's outbox
(index_outbox), annotations, status history and the reading queue (status_queue), and
lists and counts (listing). This module holds the papers themselves: their fields, tags,
citation keys, attachments and full text. Rows become domain values in rows.py.

The connection is shared between the GUI thread and worker threads, so every method
holds one re-entrant lock; ``transaction()`` holds it for the whole multi-step write.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain import (
    Attachment,
    Paper,
    PaperNotFound,
    PaperRecord,
    Priority,
    ReadinglistError,
    Status,
    check_rating,
)
from ..matching.duplicates import DuplicateRow
from ..system.attachment_paths import inside_library
from ..text.citation_keys import base_key, clean_key, unique_key
from ..text.normalize import title_key
from .annotations import AnnotationsMixin
from .index_outbox import IndexOutboxMixin
from .listing import SORT_KEYS, ListingMixin, order_by
from .rows import added_time, annotation_from_row, clean_tag, paper_from_row, parse_time, utc_now
from .status_queue import StatusQueueMixin
from .store_base import SchemaTooNew, StoreBase
from .tag_admin import TagAdminMixin

# The private helpers that lived here before the store was split, by their old names.
_added_time = added_time
_annotation_from_row = annotation_from_row
_order_by = order_by
_paper_from_row = paper_from_row
_time = parse_time

# Columns a caller may change with update_fields(); everything else is managed here.
EDITABLE_FIELDS = (
    "title", "authors", "year", "venue", "arxiv_id", "doi", "url", "abstract", "links",
    "source", "status", "note", "entry_type", "citation_key", "extra", "priority", "rating",
)
_JSON_FIELDS = {"authors": list, "links": list, "extra": dict}


class PaperStore(AnnotationsMixin, StatusQueueMixin, ListingMixin, TagAdminMixin,
                 IndexOutboxMixin, StoreBase):
    """The library's database (see the module's docstring for where each part lives)."""

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
        added = added_time(record.added) or stamp
        status = Status.parse(record.status).value if record.status else Status.INBOX.value
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
            self._record_status(paper_id, Status.INBOX.value, added)
            if status != Status.INBOX.value:
                # The status it arrives with: from the moment it entered, and no day it
                # was read on (a bibliography imported as read was not read today).
                self._status_changed(paper_id, Status.INBOX.value, status, added,
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
            full: Path | None = Path(path)
            if not Path(path).is_absolute() and self.folder is not None:
                # A copy is stored relative to the library folder; one that resolves
                # outside it ("../x", written by an older import of a hostile file) is
                # not the library's own and is never opened, attached or exported.
                full = inside_library(self.folder, path)
                if full is None:
                    continue
            assert full is not None
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

    # -- papers: field edits ---------------------------------------------------------

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

    # -- ids, deletion and tags ----------------------------------------------------

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

    def set_trashed(self, paper_ids: Sequence[int], when: str | None) -> None:
        """Move papers to the Trash (`when`: the time, ISO 8601) or back (None). They keep
        everything, their queue place included; the index drops or takes them back."""
        with self.transaction():
            for paper_id in paper_ids:
                self._require(paper_id)
                # Already there: it keeps the time it went (and a restore of a paper in
                # the library changes nothing).
                self.db.execute("UPDATE papers SET trashed = ? WHERE id = ? AND "
                                f"trashed IS {'NULL' if when else 'NOT NULL'}",
                                [when, paper_id])
            self.enqueue_index(paper_ids)

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
        wanted: dict[str, str] = {}  # tags compare without case; the first spelling wins
        for tag in map(clean_tag, tags):
            if tag:
                wanted.setdefault(tag.casefold(), tag)
        with self.transaction():
            self._require(paper_id)
            current = [r[0] for r in self.db.execute(
                "SELECT tag FROM paper_tags WHERE paper_id = ?", [paper_id]).fetchall()]
            if sorted(current) == sorted(wanted.values()):
                return  # the same tags: no write, so no change to tell
            self.db.execute("DELETE FROM paper_tags WHERE paper_id = ?", [paper_id])
            self._write_tags(paper_id, wanted.values())
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

    # -- papers: reads -------------------------------------------------------------

    def id_by(self, column: str, value: str) -> int | None:
        """The first paper whose arxiv_id, doi or citation_key is `value`."""
        if column not in ("arxiv_id", "doi", "citation_key"):
            raise ValueError(f"cannot look papers up by {column!r}")
        rows = self._q(f"SELECT id FROM papers WHERE {column} = ? AND trashed IS NULL "
                       "ORDER BY id LIMIT 1", [value])
        return int(rows[0][0]) if rows else None

    def paper_exists(self, paper_id: int) -> bool:
        return bool(self._q("SELECT 1 FROM papers WHERE id = ?", [paper_id]))

    def duplicate_rows(self) -> list[DuplicateRow]:
        """What every paper's duplicates are judged on, in one query (see
        duplicates.DuplicateRow)."""
        # The abstract only decides between papers without a first author or a year, so
        # only theirs is read (the first 2,000 characters, as identity.facts keeps).
        rows = self._q(
            "SELECT id, title, authors, year, doi, arxiv_id, venue, "
            "json_extract(extra, '$.volume'), "
            "coalesce(nullif(json_extract(extra, '$.number'), ''), "
            "json_extract(extra, '$.issue')), json_extract(extra, '$.pages'), "
            "entry_type, citation_key, json_extract(extra, '$.ids'), "
            "CASE WHEN authors = '[]' OR year IS NULL THEN substr(abstract, 1, 2000) "
            "ELSE '' END, title_key FROM papers WHERE trashed IS NULL ORDER BY id")
        return [DuplicateRow.from_db(i, t, json.loads(a or "[]"), *rest)
                for i, t, a, *rest in rows]

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
            row["id"]: paper_from_row(
                row, tags.get(row["id"], ()), notes.get(row["id"], ()), files.get(row["id"], ())
            )
            for row in rows
        }

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
        """Every paper in the library (not the Trash), in id order, a batch at a time (for
        index rebuilds)."""
        last = 0
        while True:
            ids = [r[0] for r in self._q(
                "SELECT id FROM papers WHERE id > ? AND trashed IS NULL ORDER BY id LIMIT ?",
                [last, batch]
            )]
            if not ids:
                return
            papers = self.get_papers(ids)
            yield [papers[i] for i in ids if i in papers]
            last = ids[-1]


__all__ = ["EDITABLE_FIELDS", "SORT_KEYS", "PaperStore", "SchemaTooNew", "clean_tag", "utc_now"]
