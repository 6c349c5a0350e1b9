"""Commands on reading: the queue, the next paper to read, reading statistics."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from ..domain import Paper, ReadinglistError
from .output import _dump

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


def cmd_queue(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.id is not None:
        where = (args.where or "").lower()
        moves = {"up": library.move_up, "down": library.move_down, "top": library.move_to_top}
        if where in moves:
            moves[where](args.id)
        elif where.isdigit() and int(where) >= 1:
            library.move_in_queue(args.id, int(where) - 1)
        else:
            raise ReadinglistError("say where to move it: up, down, top or a position (1 = next)")
    papers: list[Paper] = library.queue()
    if args.json:
        _dump([p.to_dict() for p in papers], out)
        return 0
    for position, paper in enumerate(papers, start=1):
        flag = {"high": " !", "low": " ↓"}.get(paper.priority.value, "")
        print(f"{position:>3}. #{paper.id:<5}{paper.title}{flag}", file=out)
    print(f"{len(papers)} paper(s) in the queue", file=out)
    return 0


def cmd_stats(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    stats = library.statistics()
    if args.json:
        _dump(stats.to_dict(), out)
    else:
        from ..reading.statistics import format_text  # not imported for the others

        out.write(format_text(stats))
    return 0


def cmd_next(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.read_next().paper
    if paper is None:
        print("the reading queue is empty", file=out)
        return 0
    print(f"now reading #{paper.id}: {paper.title}", file=out)
    return 0
