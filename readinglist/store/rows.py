"""Values as the database stores them, and domain values from its rows.

Times are stored as UTC ISO text to the second, lists and mappings as JSON text; the
functions here are the one place that turns rows back into Paper, Annotation, TableRow
and StatusChange values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..domain import Annotation, Attachment, Paper, Priority, Status, StatusChange, TableRow

# Separates the tags that table_rows' query concatenates (no tag contains it).
TAG_SEPARATOR = "\x1f"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def clean_tag(tag: str) -> str:
    """Tags are trimmed and inner whitespace folded; case is kept but compared without it."""
    return " ".join(tag.split())


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def added_time(text: str) -> str | None:
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


def annotation_from_row(row: dict[str, Any]) -> Annotation:
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


def paper_from_row(
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
        started=parse_time(row["started"]),
        finished=parse_time(row["finished"]),
        note_created=parse_time(row["note_created"]),
        note_modified=parse_time(row["note_modified"]),
        trashed=parse_time(row["trashed"]),
    )


def table_row_from_row(row: tuple[Any, ...]) -> TableRow:
    """A TableRow from (id, title, authors JSON, year, status, added, tags joined with
    TAG_SEPARATOR, priority, rating, queue position)."""
    paper_id, title, authors, year, status, added, tags, priority, rating, position = row
    return TableRow(
        paper_id, title, tuple(json.loads(authors or "[]")), year, Status.parse(status),
        tuple(tags.split(TAG_SEPARATOR)) if tags else (), added[:10],
        Priority.parse(priority), rating, position,
    )


def status_change_from_row(status: str, changed: str, imported: int) -> StatusChange:
    """A StatusChange from a status_history row's status, time and imported flag."""
    return StatusChange(Status.parse(status), datetime.fromisoformat(changed), bool(imported))
