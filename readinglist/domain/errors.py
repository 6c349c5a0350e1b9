"""Errors that are the user's to fix (shown without a traceback)."""

from __future__ import annotations


class ReadinglistError(Exception):
    """Base class for errors that are the user's to fix (shown without a traceback)."""


class PaperNotFound(ReadinglistError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id


class QueryError(ReadinglistError):
    """A search query that cannot be read; the message says where."""


class ImportFailed(ReadinglistError):
    """A whole file could not be imported (missing, unreadable, unknown format)."""
