"""Readinglist: a desktop reading-list manager for researchers.

Scripting API::

    from readinglist import Library
    with Library.open("~/papers") as lib:
        lib.import_sample()
        for hit in lib.search('title:"model soups"').hits:
            print(lib.get(hit.paper_id).title)
"""

from .domain import (
    ImportFailed,
    ImportReport,
    Paper,
    PaperNotFound,
    QueryError,
    ReadinglistError,
    SearchHit,
    SearchResults,
    Status,
)
from .library.service import Library

__all__ = [
    "ImportFailed",
    "ImportReport",
    "Library",
    "Paper",
    "PaperNotFound",
    "QueryError",
    "ReadinglistError",
    "SearchHit",
    "SearchResults",
    "Status",
]
__version__ = "0.1.0"
