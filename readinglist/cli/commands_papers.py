"""Commands on one paper or the list of them: add, show, list, delete, note, tag, status,
priority, rate."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from ..domain import Priority, ReadinglistError, StatusChange
from .output import PROG, _dump, _line, error_stream, plain_text

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


@plain_text
def cmd_add(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    results = []
    failed = 0
    for text in args.identifiers:
        try:
            paper, message = library.add_identifier(text, fetch=not args.no_fetch)
        except ReadinglistError as exc:
            failed += 1
            print(f"{PROG}: error: {exc}", file=error_stream())
            continue
        results.append({"id": paper.id, "title": paper.title, "message": message})
        if not args.json:
            print(f"#{paper.id}: {paper.title}" + (f"  ({message})" if message else ""),
                  file=out)
    if args.json:
        _dump(results, out)
    return 1 if failed else 0


@plain_text
def cmd_list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    papers = library.list(args.status, args.tag, args.sort, args.desc)
    if args.json:
        _dump([p.to_dict() for p in papers], out)
        return 0
    for paper in papers:
        print(_line(paper), file=out)
    print(f"{len(papers)} paper(s)", file=out)
    return 0


@plain_text
def cmd_show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.get(args.id)
    history: list[StatusChange] = library.history(paper.id)
    if args.json:
        _dump({
            **paper.to_dict(),
            "dates": library.reading_dates(paper.id).to_dict(),
            "history": [{"status": c.status.value, "at": c.at.isoformat()} for c in history],
        }, out)
        return 0
    rows = [
        ("Title", paper.title),
        ("Authors", "; ".join(paper.authors)),
        ("Year", str(paper.year or "")),
        ("Venue", paper.venue),
        ("arXiv", paper.arxiv_id),
        ("DOI", paper.doi),
        ("URL", paper.url),
        ("Status", paper.status.value + (f" (#{paper.queue_position} in the queue)"
                                         if paper.queue_position else "")),
        ("Priority", paper.priority.value if paper.priority is not Priority.NORMAL else ""),
        ("Rating", "★" * paper.rating + "☆" * (5 - paper.rating) if paper.rating else ""),
        ("Tags", ", ".join(paper.tags)),
        ("Added", paper.added.isoformat() if paper.added else ""),
        ("Started", paper.started.isoformat() if paper.started else ""),
        ("Finished", paper.finished.isoformat() if paper.finished else ""),
        ("Source", paper.source),
    ]
    trashed = (f"  (in the Trash since {paper.trashed.date().isoformat()}; "
               f"restore with: {PROG} restore {paper.id})" if paper.trashed else "")
    print(f"#{paper.id}{trashed}", file=out)
    for label, value in rows:
        if value:
            print(f"{label + ':':10}{value}", file=out)
    for link in paper.links:
        print(f"{'Link:':10}{link}", file=out)
    if paper.abstract:
        print(f"\n{paper.abstract}", file=out)
    print("\nTimeline:", file=out)
    for change in history:
        print(f"  {change.at:%Y-%m-%d %H:%M}  {change.status.value}", file=out)
    if paper.annotations:
        print("\nHighlights:", file=out)
        for note in paper.annotations:
            flag = "" if note.anchored else "  (passage no longer in the abstract)"
            print(f"  [{note.colour}] \"{note.quote}\"{flag}", file=out)
            if note.comment:
                print(f"      {note.comment}", file=out)
    if paper.note:
        print(f"\nNote:\n{paper.note}", file=out)
    return 0


@plain_text
def cmd_tag(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    add, remove = [], []
    for change in args.changes:
        if change.startswith("+") and len(change) > 1:
            add.append(change[1:])
        elif change.startswith("-") and len(change) > 1:
            remove.append(change[1:])
        else:
            raise ReadinglistError(f"tag changes look like +name or -name, not {change!r}")
    if not add and not remove:
        raise ReadinglistError("give at least one +name or -name")
    paper = library.change_tags(args.id, add=add, remove=remove).paper_written()
    print(f"#{paper.id} tags: {', '.join(paper.tags) or '(none)'}", file=out)
    return 0


@plain_text
def cmd_status(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.set_status(args.id, args.status).paper_written()
    print(f"#{paper.id} status: {paper.status.value}", file=out)
    return 0


@plain_text
def cmd_priority(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.set_priority(args.id, args.priority).paper_written()
    print(f"#{paper.id} priority: {paper.priority.value}", file=out)
    return 0


@plain_text
def cmd_rate(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.set_rating(args.id, args.stars or None).paper_written()
    print(f"#{paper.id} rating: {paper.rating or 'none'}", file=out)
    return 0


@plain_text
def cmd_note(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    text = args.text
    if args.clear:
        if text not in (None, "", "-"):
            raise ReadinglistError("give either TEXT or --clear, not both")
        text = ""
    elif text is None or text == "-":
        if text is None and sys.stdin.isatty():
            print(library.get(args.id).note, file=out)  # no input: show the note
            return 0
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadinglistError(
                f"the note on standard input is not UTF-8 text ({exc})"
            ) from None
        if not text.strip():
            raise ReadinglistError("the note on standard input is empty; to erase the "
                                   f"note, run: {PROG} note {args.id} --clear")
    paper = library.set_note(args.id, text).paper_written()
    print(f"#{paper.id} note saved ({len(paper.note)} characters)", file=out)
    return 0


