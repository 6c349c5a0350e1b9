"""Plain domain types shared by every layer. No I/O, no Qt.

papers.py (a paper and what belongs to it), imports.py (what an import did),
searching.py (results and views), errors.py, changes.py (what a write changed; imported
from readinglist.domain.changes, as it builds on the others).
"""

from __future__ import annotations

from .errors import ImportFailed, PaperNotFound, QueryError, ReadinglistError
from .imports import EntryProblem, ImportReport, Outcome, ReportEntry
from .papers import (
    _E,
    _STATUS_LABELS,
    HIGHLIGHT_COLOURS,
    STATUS_ALIASES,
    Annotation,
    Attachment,
    Paper,
    PaperRecord,
    Priority,
    ReadingDates,
    Status,
    StatusChange,
    TableRow,
    _parse_choice,
    check_rating,
)
from .searching import (
    QUERY_EXAMPLES,
    IndexState,
    SavedSearch,
    SearchHit,
    SearchResults,
    Segment,
    View,
    ViewSearch,
)

__all__ = [
    "HIGHLIGHT_COLOURS",
    "QUERY_EXAMPLES",
    "STATUS_ALIASES",
    "_E",
    "_STATUS_LABELS",
    "Annotation",
    "Attachment",
    "EntryProblem",
    "ImportFailed",
    "ImportReport",
    "IndexState",
    "Outcome",
    "Paper",
    "PaperNotFound",
    "PaperRecord",
    "Priority",
    "QueryError",
    "ReadingDates",
    "ReadinglistError",
    "ReportEntry",
    "SavedSearch",
    "SearchHit",
    "SearchResults",
    "Segment",
    "Status",
    "StatusChange",
    "TableRow",
    "View",
    "ViewSearch",
    "_parse_choice",
    "check_rating",
]
