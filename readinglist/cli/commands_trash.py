"""The Trash: deleting moves papers there; they can be listed, restored, or deleted for
good by emptying it (the only permanent delete)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from ..domain import PaperNotFound, ReadinglistError
from .output import PROG, _dump, _line

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


def _papers(library: Library, ids: list[int]) -> list[tuple[int, str]]:
    """(id, title) of each paper named, PaperNotFound for the first unknown one: nothing
    is changed unless every id names a paper."""
    return [(paper_id, library.get(paper_id).title) for paper_id in ids]


def cmd_delete(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    named = _papers(library, args.ids)
    already = set(library.trash_ids())
    library.delete(*[paper_id for paper_id, _title in named if paper_id not in already])
    for paper_id, title in named:
        where = "was already in" if paper_id in already else "moved to"
        print(f"#{paper_id} {where} the Trash: {title}", file=out)
    ids = " ".join(str(paper_id) for paper_id, _title in named)
    print(f"(restore with: {PROG} restore {ids})", file=out)
    return 0


def cmd_restore(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    named = _papers(library, args.ids)
    trashed = set(library.trash_ids())
    missing = [paper_id for paper_id, _title in named if paper_id not in trashed]
    if missing:
        raise ReadinglistError(f"paper {missing[0]} is not in the Trash")
    library.restore(*[paper_id for paper_id, _title in named])
    for paper_id, title in named:
        print(f"#{paper_id} restored: {title}", file=out)
    return 0


def cmd_trash(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    papers = library.get_many(library.trash_ids())
    if args.json:
        _dump([paper.to_dict() for paper in papers], out)
        return 0
    for paper in papers:
        when = paper.trashed.date().isoformat() if paper.trashed else ""
        print(f"{_line(paper)}  (trashed {when})", file=out)
    print(f"{len(papers)} paper(s) in the Trash", file=out)
    return 0


def cmd_empty_trash(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    count = library.trash_count()
    if not count:
        print("The Trash is empty", file=out)
        return 0
    if not args.yes:
        print(f"{PROG}: the Trash holds {count} paper(s); deleting them cannot be undone: "
              "run again with --yes", file=sys.stderr)
        return 1
    library.empty_trash()
    print(f"deleted {count} paper(s) for good", file=out)
    return 0


__all__ = ["PaperNotFound", "cmd_delete", "cmd_empty_trash", "cmd_restore", "cmd_trash"]
