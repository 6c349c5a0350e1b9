"""Searching inside a view: the query's matches kept to the sidebar's choice and, in the
queue, put in the queue's order, in one pass that the window, the command line and
exports share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..domain import SearchHit, SearchResults, View, ViewSearch


class Searchable(Protocol):
    """What of the library a search inside a view uses (Library has it)."""

    def search(self, query: str, limit: int | None = 50, snippets: bool = True,
               facets: bool = False, snippet_limit: int | None = None) -> SearchResults: ...

    def list_ids(self, status: str | None = None, tag: str | None = None,
                 sort: str = "added", descending: bool = False, year: int | None = None,
                 last_import: bool = False) -> Sequence[int]: ...

    def last_import_ids(self) -> Sequence[int]: ...

    def queue_ids(self) -> Sequence[int]: ...

    def sort_ids(self, ids: Sequence[int], sort: str,
                 descending: bool = False) -> Sequence[int]: ...


EVERYTHING = View()  # all papers: no filter, not the queue


def search_view(library: Searchable, query: str, view: View = EVERYTHING,
                snippet_limit: int | None = None, facets: bool = True,
                snippets: bool = True) -> ViewSearch:
    """Every match of `query` (ranked; snippets for the first `snippet_limit`), those
    the view shows in its order, and the count of matches among the last import."""
    results = library.search(query, limit=None, facets=facets, snippets=snippets,
                             snippet_limit=snippet_limit)
    hits: list[SearchHit] = list(results.hits)
    allowed = _shown(library, view)
    if allowed is not None:
        place = {paper_id: n for n, paper_id in enumerate(allowed)}
        hits = [h for h in hits if h.paper_id in place]
        if view.queue:  # the queue keeps its order (and its rows stay draggable)
            hits.sort(key=lambda h: place[h.paper_id])
    imported = set(library.last_import_ids())
    in_import = sum(1 for h in results.hits if h.paper_id in imported)
    return ViewSearch(results, tuple(hits), in_import)


def search_ids(library: Searchable, query: str = "", view: View = EVERYTHING,
               sort: str | None = None, descending: bool = False) -> list[int]:
    """The ids a view shows that match `query` (all it shows for an empty query), in one
    pass: ranked by relevance (the queue: in its order), or by `sort` (a SORT_KEYS name).
    What exports, the command line and scripts select papers with."""
    if query.strip():
        ids = list(search_view(library, query, view, facets=False, snippets=False).ids)
    elif view.queue:
        ids = list(_shown(library, view) or ())
    else:
        return list(library.list_ids(view.status, view.tag, sort or "added", descending,
                                     view.year, last_import=view.last_import))
    return list(library.sort_ids(ids, sort, descending)) if sort else ids


def _shown(library: Searchable, view: View) -> Sequence[int] | None:
    """The papers a view shows, in its order (the queue: queued papers, next first);
    None for a view of everything."""
    if view.queue:
        queued = library.queue_ids()
        if not view.filtered:
            return queued
        kept = set(library.list_ids(view.status, view.tag, "id", year=view.year,
                                    last_import=view.last_import))
        return [i for i in queued if i in kept]
    if view.filtered:
        return library.list_ids(view.status, view.tag, "added", year=view.year,
                                last_import=view.last_import)
    return None
