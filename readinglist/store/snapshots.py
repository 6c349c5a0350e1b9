"""Whole-paper snapshots: everything the library holds about a paper as one JSON-ready
dict, and its exact restoration.

Used by Readinglist's own JSON export and import (a lossless round trip) and by undo
of a merge (the papers are restored as they were, ids included).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain import HIGHLIGHT_COLOURS, Priority, ReadinglistError, Status, check_rating
from ..text.citation_keys import base_key, unique_key
from ..text.normalize import normalize_arxiv_id, normalize_doi, title_key
from .paper_store import PaperStore, clean_tag, utc_now


class BadSnapshot(ReadinglistError):
    """A snapshot (an entry of a JSON file) that cannot be restored; says which field."""


def snapshots(store: PaperStore, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Snapshots of these papers, in the order given (missing ids are left out)."""
    with store._lock:
        papers = store.get_papers(ids)
        texts = store.fulltexts(ids)
        history: dict[int, list[dict[str, Any]]] = {}
        for paper_id, status, changed, imported in store.db.execute(
            "SELECT paper_id, status, changed, imported FROM status_history WHERE paper_id "
            "IN (SELECT value FROM json_each(?)) ORDER BY paper_id, changed, id",
            [json.dumps(list(ids))],
        ):
            change: dict[str, Any] = {"status": status, "at": changed}
            if imported:
                change["imported"] = True
            history.setdefault(paper_id, []).append(change)
    result = []
    for paper_id in ids:
        if paper_id in papers:
            snap = papers[paper_id].to_dict()
            snap["history"] = history.get(paper_id, [])
            snap["fulltext"] = texts.get(paper_id, "")
            result.append(snap)
    return result


def restore(store: PaperStore, snap: dict[str, Any], keep_id: bool = True,
            undoing: bool = False) -> int:
    """Write a snapshot back as a paper; returns its id.

    With `keep_id` the snapshot's own id is kept when it is free and was never used in
    this library (a file from elsewhere must not take the id of a deleted paper here);
    `undoing` (undo of a merge) may also take back the id the paper itself had.
    BadSnapshot names the field that is wrong.
    """
    row = _paper_row(snap)
    with store.transaction():
        paper_id = _id(snap.get("id")) if keep_id else None
        if paper_id is not None and (
            store.paper_exists(paper_id) or (store.id_was_used(paper_id) and not undoing)
        ):
            paper_id = None
        if paper_id is None:
            paper_id = store.next_paper_id()
        if row["status"] != Status.QUEUED.value:
            row["queue_position"] = None
        elif row["queue_position"] is None or store.db.execute(
            "SELECT 1 FROM papers WHERE queue_position = ?", [row["queue_position"]]
        ).fetchone():
            # Its place is taken (importing into a library with a queue): join at the end.
            row["queue_position"] = store.db.execute(
                "SELECT coalesce(max(queue_position), 0) + 1 FROM papers").fetchone()[0]
        key = row.pop("citation_key")
        row["citation_key"] = store.free_citation_key(key) or ""
        row["id"] = paper_id
        columns = ", ".join(row)
        marks = ", ".join(f":{c}" for c in row)
        cursor = store.db.execute(f"INSERT INTO papers ({columns}) VALUES ({marks})", row)
        paper_id = int(cursor.lastrowid or 0)
        if not row["citation_key"]:
            fresh = unique_key(
                base_key(row["title"], json.loads(row["authors"]), row["year"]),
                store.citation_key_taken,
            )
            store.db.execute(
                "UPDATE papers SET citation_key = ? WHERE id = ?", [fresh, paper_id]
            )
        for tag in _list(snap, "tags"):
            if clean_tag(str(tag)):
                store.db.execute(
                    "INSERT OR IGNORE INTO paper_tags(paper_id, tag) VALUES (?, ?)",
                    [paper_id, clean_tag(str(tag))],
                )
        history = _list(snap, "history") or [{"status": row["status"], "at": row["added"]}]
        for change in history:
            _object(change, "a history entry")
            store.db.execute(
                "INSERT INTO status_history (paper_id, status, changed, imported) "
                "VALUES (?, ?, ?, ?)",
                [paper_id, _status(change.get("status")), _time(change.get("at"), "history"),
                 int(change.get("imported") is True)],
            )
        for note in _list(snap, "annotations"):
            _restore_annotation(store, paper_id, note, keep_id)
        for attachment in _list(snap, "attachments"):
            _object(attachment, "an attachment")
            kind = attachment.get("kind", "link")
            if kind not in ("copy", "link"):
                raise BadSnapshot(f"attachment kind is 'copy' or 'link', not {kind!r}")
            path = Path(str(attachment.get("path", "")))
            if store.folder is not None and kind == "copy" and path.is_relative_to(store.folder):
                path = path.relative_to(store.folder)
            elif kind == "copy":
                # A copy kept by another library: point at it, do not claim it.
                kind = "link"
            store.db.execute(
                "INSERT INTO attachments (paper_id, path, kind, added) VALUES (?, ?, ?, ?)",
                [paper_id, str(path), kind,
                 _time(attachment.get("added") or row["added"], "attachment")],
            )
        fulltext = snap.get("fulltext") or ""
        if fulltext:
            store.db.execute(
                "INSERT INTO fulltext (paper_id, text) VALUES (?, ?)", [paper_id, str(fulltext)]
            )
        # Dates started and finished, and the queue place, follow the restored history
        # (files from before these were kept have none).
        store.refresh_status_caches(paper_id)
        store.enqueue_index([paper_id])
    return paper_id


def _paper_row(snap: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(snap, dict):
        raise BadSnapshot("a paper must be a JSON object")
    title = snap.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BadSnapshot("the paper has no title")
    year = snap.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise BadSnapshot(f"year must be a number, not {year!r}")
    extra = snap.get("extra") or {}
    if not isinstance(extra, dict):
        raise BadSnapshot("extra must be an object of field names and values")
    now = utc_now().isoformat()
    added = _time(snap.get("added") or now, "added")
    return {
        "title": title,
        "title_key": title_key(title),
        "authors": json.dumps([str(a) for a in _list(snap, "authors")], ensure_ascii=False),
        "year": year,
        "venue": _text(snap, "venue"),
        "arxiv_id": normalize_arxiv_id(_text(snap, "arxiv_id")),
        "doi": normalize_doi(_text(snap, "doi")),
        "url": _text(snap, "url"),
        "abstract": _text(snap, "abstract"),
        "links": json.dumps([str(u) for u in _list(snap, "links")]),
        "source": _text(snap, "source"),
        "status": _status(snap.get("status", Status.INBOX.value)),
        "note": _text(snap, "note"),
        "added": added,
        "modified": _time(snap.get("modified") or added, "modified"),
        "entry_type": _text(snap, "entry_type"),
        "citation_key": _text(snap, "citation_key"),
        "extra": json.dumps({str(k): str(v) for k, v in extra.items()}, ensure_ascii=False),
        "priority": _checked(Priority.parse, snap.get("priority") or "normal").value,
        "rating": _checked(check_rating, snap.get("rating")),
        "queue_position": _position(snap.get("queue_position")),
        "started": _optional_time(snap.get("started"), "started"),
        "finished": _optional_time(snap.get("finished"), "finished"),
        "note_created": _optional_time(snap.get("note_created"), "note_created"),
        "note_modified": _optional_time(snap.get("note_modified"), "note_modified"),
    }


def _restore_annotation(store: PaperStore, paper_id: int, note: dict[str, Any],
                        keep_id: bool) -> None:
    _object(note, "an annotation")
    colour = str(note.get("colour", "yellow"))
    if colour not in HIGHLIGHT_COLOURS:
        raise BadSnapshot(f"unknown highlight colour {colour!r}")
    try:
        start, end = int(note["start"]), int(note["end"])
    except (KeyError, TypeError, ValueError):
        raise BadSnapshot("an annotation needs numeric start and end offsets") from None
    row = {
        "paper_id": paper_id,
        "start": start,
        "end": end,
        "quote": str(note.get("quote", "")),
        "colour": colour,
        "comment": str(note.get("comment", "")),
        "anchored": 1 if note.get("anchored", True) else 0,
        "created": _time(note.get("created") or utc_now().isoformat(), "annotation"),
        "modified": _time(note.get("modified") or note.get("created") or utc_now().isoformat(),
                          "annotation"),
    }
    wanted = _id(note.get("id")) if keep_id else None
    if wanted is not None and not store.db.execute(
        "SELECT 1 FROM annotations WHERE id = ?", [wanted]
    ).fetchone():
        row["id"] = wanted
    columns = ", ".join(row)
    marks = ", ".join(f":{c}" for c in row)
    store.db.execute(f"INSERT INTO annotations ({columns}) VALUES ({marks})", row)


def _object(value: object, what: str) -> None:
    if not isinstance(value, dict):
        raise BadSnapshot(f"{what} must be a JSON object, not {value!r}")


def _list(snap: dict[str, Any], key: str) -> list[Any]:
    value = snap.get(key) or []
    if not isinstance(value, list):
        raise BadSnapshot(f"{key} must be a list")
    return value


def _text(snap: dict[str, Any], key: str) -> str:
    value = snap.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadSnapshot(f"{key} must be text, not {value!r}")
    return value


def _checked(check: Any, value: Any) -> Any:
    try:
        return check(value)
    except ValueError as exc:
        raise BadSnapshot(str(exc)) from None


def _id(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**62:
        raise BadSnapshot(f"id must be a positive number, not {value!r}")
    return value


def _position(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadSnapshot(f"queue_position must be a number from 1, not {value!r}")
    return value


def _optional_time(value: object, what: str) -> str | None:
    return _time(value, what) if value else None


def _status(value: object) -> str:
    try:
        return Status.parse(str(value)).value
    except ValueError as exc:
        raise BadSnapshot(str(exc)) from None


def _time(value: object, what: str) -> str:
    try:
        return datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BadSnapshot(f"{what}: {value!r} is not an ISO 8601 time") from None
