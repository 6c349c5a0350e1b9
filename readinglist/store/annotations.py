"""The annotations table: highlights of a paper's abstract, with their comments."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..domain import Annotation, ReadinglistError
from .index_outbox import IndexOutboxMixin
from .rows import annotation_from_row, clean_tag, utc_now

# Columns a caller may change with update_annotation().
EDITABLE_ANNOTATION_FIELDS = frozenset({"start", "end", "quote", "colour", "comment", "anchored"})


class AnnotationsMixin(IndexOutboxMixin):
    """PaperStore's annotation methods (a mixin: PaperStore is the class to use)."""

    def insert_annotation(self, paper_id: int, start: int, end: int, quote: str,
                          colour: str, comment: str,
                          made: tuple[datetime | None, datetime | None] = (None, None)
                          ) -> int:
        """A new highlight; `made` (created, modified) puts back one that was deleted
        with its own dates (an undo), instead of now."""
        stamp = utc_now().isoformat()
        created, modified = (t.isoformat() if t else None for t in made)
        with self.transaction():
            self._require(paper_id)
            cursor = self.db.execute(
                "INSERT INTO annotations (paper_id, start, end, quote, colour, comment, "
                "anchored, created, modified) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                [paper_id, start, end, quote, colour, comment, created or stamp,
                 modified or created or stamp],
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
        return annotation_from_row(dict(zip(columns, values, strict=True)))

    def annotations(self, ids: Sequence[int]) -> list[Annotation]:
        """Annotations by id, in the order given, in one query."""
        with self._reading() as conn:
            cursor = conn.execute(
                "SELECT * FROM annotations WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(ids))],
            )
            columns = [d[0] for d in cursor.description]
            found = {
                row["id"]: annotation_from_row(row)
                for row in (dict(zip(columns, v, strict=True)) for v in cursor.fetchall())
            }
        return [found[i] for i in ids if i in found]

    def _annotations_for(self, conn: sqlite3.Connection,
                         id_list_json: str) -> dict[int, tuple[Annotation, ...]]:
        """The annotations of these papers (a JSON list of ids), in the order of the
        abstract, read on `conn` (get_papers reads all of a paper on one connection)."""
        cursor = conn.execute(
            "SELECT * FROM annotations WHERE paper_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY paper_id, start, id",
            [id_list_json],
        )
        columns = [d[0] for d in cursor.description]
        result: dict[int, list[Annotation]] = {}
        for values in cursor.fetchall():
            note = annotation_from_row(dict(zip(columns, values, strict=True)))
            result.setdefault(note.paper_id, []).append(note)
        return {k: tuple(v) for k, v in result.items()}

    def update_annotation(self, annotation_id: int, fields: dict[str, Any]) -> None:
        unknown = set(fields) - EDITABLE_ANNOTATION_FIELDS
        if unknown:
            raise ValueError(f"cannot edit annotation field(s): {', '.join(sorted(unknown))}")
        values = {**fields, "modified": utc_now().isoformat()}
        # Column names are checked above, values are parameters.
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
        # Not those of papers in the Trash.
        where: list[str] = ["paper_id IN (SELECT id FROM papers WHERE trashed IS NULL)"]
        params: list[Any] = []
        if colour:
            where.append("colour = ?")
            params.append(colour)
        if tag:
            where.append("paper_id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)")
            params.append(clean_tag(tag))
        return self._ids_where("SELECT id FROM annotations", where, params,
                               " ORDER BY created DESC, id DESC")
