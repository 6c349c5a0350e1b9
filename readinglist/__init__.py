"""Readinglist: a desktop reading-list manager for researchers.

Scripting API::

    from readinglist import Library
    with Library.open("~/papers") as lib:
        lib.import_sample()
        for hit in lib.search('title:"model soups"').hits:
            print(lib.get(hit.paper_id).title)
"""

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from .library.service import Library
else:

    def __getattr__(name: str) -> object:
        """`Library`, imported on first use (PEP 562): the library service brings in the
        store and the search index, which `readinglist --help` has no use for."""
        if name == "Library":
            from .library.service import Library

            globals()["Library"] = Library  # found directly from now on
            return Library
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})


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
