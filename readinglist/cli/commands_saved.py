"""Saved searches: list them with their live counts, add, delete, and run one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from ..domain import Status, View
from .output import _dump, _line

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


def cmd_saved(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    action = getattr(args, "saved_command", None)
    if action == "add":
        status = Status.parse(args.status).value if args.status else None
        library.save_search(args.name, args.query, View(status=status, tag=args.tag),
                            replace=args.replace)
        print(f"saved {args.name!r}: {len(library.saved_search_ids(args.name))} paper(s)",
              file=out)
        return 0
    if action == "delete":
        library.delete_saved_search(args.name)
        print(f"deleted the saved search {args.name!r}", file=out)
        return 0
    rows = [(saved, len(library.saved_search_ids(saved.name)))
            for saved in library.saved_searches()]
    if args.json:
        _dump([{**saved.to_dict(), "papers": count} for saved, count in rows], out)
        return 0
    for saved, count in rows:
        where = ", ".join(f"{k} {v}" for k, v in saved.view.to_dict().items() if v)
        print(f"{count:6}  {saved.name}: {saved.query}" + (f"  ({where})" if where else ""),
              file=out)
    print(f"{len(rows)} saved search(es)", file=out)
    return 0


def print_saved_search(library: Library, name: str, limit: int, json_out: bool,
                       out: TextIO) -> int:
    """`search --saved NAME`: what the saved search finds now."""
    ids = library.saved_search_ids(name)
    papers = library.get_many(ids[:limit])
    if json_out:
        _dump({"saved": name, "total": len(ids), "hits": [p.to_dict() for p in papers]}, out)
        return 0
    for paper in papers:
        print(_line(paper), file=out)
    more = f" (showing {len(papers)}; use --limit)" if len(ids) > len(papers) else ""
    print(f"{len(ids)} match(es){more}", file=out)
    return 0
