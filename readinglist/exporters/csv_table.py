"""CSV export: one row per paper, for spreadsheets and for re-import.

The header names are the ones the CSV importer reads. Lists (authors, tags) are joined with
"; ". Rows end with "\\n"; a cell with a line break or a comma is quoted, so a multi-line
note stays in one cell. Line breaks inside cells are written as "\\n" (a stray "\\r" would
otherwise end the row for some readers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..domain import Paper
from . import ExportContext, paper_value

COLUMNS = (
    "id",
    "title",
    "authors",
    "year",
    "venue",
    "doi",
    "arxiv_id",
    "url",
    "abstract",
    "tags",
    "status",
    "priority",
    "rating",
    "note",
    "added",
)
LIST_SEPARATOR = "; "


def export(papers: Iterable[Paper], context: ExportContext | None = None) -> str:
    """The papers as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for paper in papers:
        writer.writerow([_cell(value) for value in row(paper)])
    return out.getvalue()


def row(paper: Paper) -> list[str]:
    """The cells of one paper, in COLUMNS order."""
    return [
        str(paper.id),
        paper.title,
        LIST_SEPARATOR.join(paper.authors),
        "" if paper.year is None else str(paper.year),
        paper.venue,
        paper.doi,
        paper.arxiv_id,
        paper.url,
        paper.abstract,
        LIST_SEPARATOR.join(paper.tags),
        paper.status.value,
        paper_value(paper, "priority"),
        paper_value(paper, "rating"),
        paper.note,
        paper.added.isoformat() if paper.added else "",
    ]


def _cell(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")
