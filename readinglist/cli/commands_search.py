"""Commands on the search index: full-text search and papers similar to one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from ..domain import ReadinglistError, SearchHit
from .commands_saved import print_saved_search
from .output import PROG, _dump, _line, _progress, error_stream, plain_text

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


@plain_text
def cmd_search(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if library.index_problem:
        print(f"{PROG}: {library.index_problem}: building the search index",
              file=error_stream())
        library.ensure_index(_progress("indexing"))
    if args.saved:
        return print_saved_search(library, args.saved, args.limit, args.json, out)
    if not args.query.strip():
        raise ReadinglistError("give a query, or --saved NAME")
    results = library.search(args.query, limit=args.limit, facets=args.json or args.facets)
    papers = {p.id: p for p in library.get_many(results.ids)}
    if args.json:
        _dump(
            {
                "query": results.query,
                "total": results.total,
                "suggestion": results.suggestion,
                "facets": results.facets,
                "hits": [
                    {
                        **papers[h.paper_id].to_dict(),
                        "score": round(h.score, 4),
                        "snippet_field": h.snippet_field,
                        "snippet": h.snippet_text(("", "")),
                        "snippet_marked": h.snippet_text(),
                    }
                    for h in results.hits
                    if h.paper_id in papers
                ],
            },
            out,
        )
        return 0
    for hit in results.hits:
        if hit.paper_id in papers:
            print(_line(papers[hit.paper_id]), file=out)
            if hit.snippet:
                print(f"      {hit.snippet_field}: {hit.snippet_text()}", file=out)
    shown = len(results.hits)
    more = f" (showing {shown}; use --limit)" if results.total > shown else ""
    print(f"{results.total} match(es){more}", file=out)
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}", file=out)
    for facet, counts in results.facets.items():
        if counts:
            print(f"{facet}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=out)
    return 0


@plain_text
def cmd_similar(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if library.index_problem:
        library.ensure_index(_progress("indexing"))
    hits: list[SearchHit] = library.more_like_this(args.id, limit=args.limit)
    papers = {p.id: p for p in library.get_many([h.paper_id for h in hits])}
    if args.json:
        _dump([{**papers[h.paper_id].to_dict(), "score": round(h.score, 4)}
               for h in hits if h.paper_id in papers], out)
        return 0
    for hit in hits:
        if hit.paper_id in papers:
            print(_line(papers[hit.paper_id]), file=out)
    return 0
