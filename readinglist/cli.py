"""The `readinglist` command: with no subcommand it opens the GUI, otherwise it is the CLI.

Thin by design: parse arguments, call the Library, print text or --json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import importers
from .domain import (
    ImportReport,
    Outcome,
    Paper,
    Priority,
    ReadinglistError,
    SearchHit,
    Status,
    StatusChange,
)
from .exporters import FORMATS as _EXPORTERS
from .files import write_atomically
from .launch import GUI_HELP, chosen_library, library_option
from .locations import sample_page_path
from .service import Library
from .statistics import format_text

PROG = "readinglist"


EXPORT_FORMATS = sorted({*_EXPORTERS, "json"})


def build_parser() -> argparse.ArgumentParser:
    common = library_option()
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Readinglist: a reading-list manager for researchers. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo library (the bundled Daily Papers sample)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    add("gui", GUI_HELP)

    p = add("import", "import papers from files and folders of PDFs (format detected from the "
            "extension and content): " + ", ".join(importers.FORMATS))
    p.add_argument("files", nargs="*", type=Path, metavar="FILE")
    p.add_argument("--format", dest="fmt", choices=importers.FORMATS,
                   help="file format (default: detect)")
    p.add_argument("--encoding", help="text encoding of the files, e.g. latin-1 "
                   "(default: UTF-8, or what the file declares)")
    p.add_argument("--link", action="store_true",
                   help="link PDFs where they are instead of copying them into the library")
    p.add_argument("--no-fetch", action="store_true",
                   help="do not look identifiers up on arXiv or Crossref")
    p.add_argument("--no-merge", action="store_true",
                   help="add every entry as its own paper, even one the library has "
                   "(possible duplicates are still listed)")
    p.add_argument("--status", choices=[s.value for s in Status],
                   help="status of the papers added (default: the file's, else unread, "
                   "the Inbox); 'read' imports a bibliography as references")
    p.add_argument("--tag", help="a tag for every paper of the import")
    p.add_argument("--report", type=Path, metavar="FILE",
                   help="write the whole report (every entry, its outcome, file and line) "
                   "to FILE as JSON")
    p.add_argument("--sample", action="store_true", help="import the bundled Daily Papers sample")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = add("add", "add papers by arXiv id, arXiv URL or DOI (details from arXiv or Crossref)")
    p.add_argument("identifiers", nargs="+", metavar="ID")
    p.add_argument("--no-fetch", action="store_true", help="add the identifier alone")
    p.add_argument("--json", action="store_true")

    p = add("fetch", "complete a paper from arXiv or Crossref (fills empty fields only)")
    p.add_argument("id", type=int)

    p = add("attach", "attach a file (a PDF's text becomes searchable)")
    p.add_argument("id", type=int)
    p.add_argument("file", type=Path)
    p.add_argument("--link", action="store_true", help="link the file instead of copying it")

    p = add("export", "export papers: " + ", ".join(EXPORT_FORMATS))
    p.add_argument("--format", dest="fmt", required=True, choices=EXPORT_FORMATS)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--query", help="only the papers this search finds")
    which.add_argument("--tag", help="only the papers with this tag")
    which.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="write to FILE (default: standard output)")

    p = add("duplicates", "list likely duplicates in the library")
    p.add_argument("--json", action="store_true")

    p = add("merge", "merge papers into the first one (empty fields filled, notes kept)")
    p.add_argument("keep", type=int)
    p.add_argument("others", type=int, nargs="+")

    p = add("list", "list papers")
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--tag")
    p.add_argument("--sort", default="added", choices=list(Library.sort_keys))
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--json", action="store_true")

    p = add("search", "full-text search (query language: see README)")
    p.add_argument("query")
    p.add_argument("--limit", type=_positive_int, default=20, help="most hits to show")
    p.add_argument("--facets", action="store_true",
                   help="also print counts by status, tag and year (always in --json)")
    p.add_argument("--json", action="store_true")

    p = add("similar", "papers most like this one (by the key terms of title and abstract)")
    p.add_argument("id", type=int)
    p.add_argument("--limit", type=_positive_int, default=10)
    p.add_argument("--json", action="store_true")

    p = add("show", "show one paper")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    p = add("tag", "add (+name) and remove (-name) tags")
    p.add_argument("id", type=int)
    p.add_argument("changes", nargs=argparse.REMAINDER, metavar="+TAG|-TAG")

    p = add("status", "set the read status")
    p.add_argument("id", type=int)
    p.add_argument("status", choices=[s.value for s in Status])

    p = add("priority", "set the priority")
    p.add_argument("id", type=int)
    p.add_argument("priority", choices=[p.value for p in Priority])

    p = add("rate", "rate a paper from 1 to 5 stars (0 removes the rating)")
    p.add_argument("id", type=int)
    p.add_argument("stars", type=int, choices=range(6), metavar="0-5")

    p = add("queue", "show the reading queue, or move a paper in it")
    p.add_argument("id", type=int, nargs="?", help="a queued paper to move")
    p.add_argument("where", nargs="?", metavar="up|down|top|N",
                   help="move it up, down, to the top, or to position N (1 = next)")
    p.add_argument("--json", action="store_true")

    add("next", "start reading the first paper of the queue")

    p = add("stats", "reading statistics: papers read per week and month, backlog over time, "
            "time from added to read, top tags among read papers, streaks")
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")

    p = add("note", "set the note (Markdown) from TEXT, or from stdin when TEXT is - or absent")
    p.add_argument("id", type=int)
    p.add_argument("text", nargs="?")

    p = add("delete", "delete a paper")
    p.add_argument("id", type=int)

    add("reindex", "rebuild the search index from the database")
    p = add("info", "where the library is and what it holds")
    p.add_argument("--json", action="store_true")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    library_path = chosen_library(args)
    if args.command in (None, "gui"):
        from .gui.app import run  # Qt is imported only when the GUI is wanted

        return run(library_path, demo=args.demo)
    try:
        # The index is built on demand: only `search` needs it, and `reindex` builds it anyway.
        with Library.open(library_path, build_index=False) as library:
            return COMMANDS[args.command](library, args, sys.stdout)
    except ReadinglistError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        sys.stderr.close()
        return 0


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A progress printer for the terminal (silent when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report


# -- commands --------------------------------------------------------------------------


def cmd_import(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if not args.files and not args.sample:
        raise ReadinglistError("name at least one FILE to import, or use --sample")
    reports: list[tuple[str, ImportReport]] = []
    if args.sample:
        reports.append(("sample", library.import_files(
            [sample_page_path()], "dailypapers", merge=not args.no_merge, status=args.status,
            tag=args.tag, progress=_progress("sample"))))
    if args.files:
        # All files in one transaction: Ctrl+C (or an error) leaves the library as it was.
        report = library.import_files(
            args.files, args.fmt, encoding=args.encoding,
            attach="link" if args.link else "copy", fetch=not args.no_fetch,
            merge=not args.no_merge, status=args.status, tag=args.tag,
            progress=_progress("importing"),
        )
        reports.append((", ".join(map(str, args.files)), report))
    if library.index_problem:  # after importing: one build covers the new papers too
        library.ensure_index(_progress("indexing"))
    dumps = [{"files": name, "error": "; ".join(r.unreadable) or None, **r.to_dict()}
             for name, r in reports]
    if args.report:
        _write_report(args.report, dumps)
    if args.json:
        _dump(dumps, out)
    else:
        for name, report in reports:
            for message in report.unreadable:
                print(f"{PROG}: error: {message}", file=sys.stderr)
            _print_report(name, report, out)
    return 1 if any(r.unreadable for _, r in reports) else 0


def _write_report(path: Path, dumps: list[dict[str, Any]]) -> None:
    """The whole report as JSON, written atomically (see files.write_atomically)."""
    write_atomically(path, json.dumps(dumps, indent=2, ensure_ascii=False) + "\n")


def _print_report(name: str, report: ImportReport, out: TextIO) -> None:
    """The summary, then what needs the user's eye: failures, warnings, possible
    duplicates and merges (entries already present are only counted)."""
    print(f"{name}: {report.summary()}", file=out)
    for problem in report.failed:
        print(f"  failed: {problem}", file=out)
    for problem in report.warnings:
        print(f"  warning: {problem}", file=out)
    for entry in report.entries:
        if entry.outcome in (Outcome.POSSIBLE, Outcome.MERGED):
            key = f"{entry.key} " if entry.key else ""
            new = f"#{entry.paper_id} " if entry.outcome is Outcome.POSSIBLE else ""
            print(f"  {entry.outcome}: {entry.where()}: {key}{new}{entry.detail}", file=out)


def cmd_add(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    results = []
    failed = 0
    for text in args.identifiers:
        try:
            paper, message = library.add_identifier(text, fetch=not args.no_fetch)
        except ReadinglistError as exc:
            failed += 1
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            continue
        results.append({"id": paper.id, "title": paper.title, "message": message})
        if not args.json:
            print(f"#{paper.id}: {paper.title}" + (f"  ({message})" if message else ""),
                  file=out)
    if args.json:
        _dump(results, out)
    return 1 if failed else 0


def cmd_fetch(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper, message = library.fetch_details(args.id)
    print(f"#{paper.id}: {paper.title}  ({message})", file=out)
    return 0


def cmd_attach(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.attach_file(args.id, args.file, "link" if args.link else "copy")
    print(f"#{paper.id}: {len(paper.attachments)} attachment(s); "
          f"{paper.attachments[-1].path}", file=out)
    return 0


def cmd_export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if library.index_problem and args.query:
        library.ensure_index(_progress("indexing"))
    ids = library.select_ids(args.query, args.tag, args.status)
    text = library.export(args.fmt, ids)
    if args.output is None:
        out.write(text)
        return 0
    target = args.output.expanduser()
    # Write beside the target, then rename: an interrupted export never leaves half a file.
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        raise ReadinglistError(f"cannot write {target}: {exc.strerror}") from None
    print(f"exported {len(ids)} paper(s) to {target}", file=sys.stderr)
    return 0


def cmd_duplicates(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    pairs = library.find_duplicates()
    papers = {p.id: p for p in library.get_many(
        sorted({i for pair in pairs for i in (pair.keep, pair.other)}))}
    if args.json:
        _dump([{"keep": p.keep, "other": p.other, "reason": p.reason, "score": p.score,
                "titles": [papers[p.keep].title, papers[p.other].title]} for p in pairs], out)
        return 0
    for pair in pairs:
        print(f"#{pair.keep} and #{pair.other}: {pair.reason}", file=out)
        print(f"    {papers[pair.keep].title}\n    {papers[pair.other].title}", file=out)
    print(f"{len(pairs)} likely duplicate pair(s); merge with: {PROG} merge KEEP OTHER...",
          file=out)
    return 0


def cmd_merge(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    library.merge_papers(args.keep, args.others)
    paper = library.get(args.keep)
    print(f"merged {', '.join(f'#{i}' for i in args.others)} into #{paper.id}: {paper.title}",
          file=out)
    return 0


def cmd_list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    papers = library.list(args.status, args.tag, args.sort, args.desc)
    if args.json:
        _dump([p.to_dict() for p in papers], out)
        return 0
    for paper in papers:
        print(_line(paper), file=out)
    print(f"{len(papers)} paper(s)", file=out)
    return 0


def cmd_search(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if library.index_problem:
        print(f"{PROG}: {library.index_problem}: building the search index", file=sys.stderr)
        library.ensure_index(_progress("indexing"))
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
    print(f"#{paper.id}", file=out)
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
    paper = library.change_tags(args.id, add=add, remove=remove)
    print(f"#{paper.id} tags: {', '.join(paper.tags) or '(none)'}", file=out)
    return 0


def cmd_status(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.set_status(args.id, args.status)
    print(f"#{paper.id} status: {paper.status.value}", file=out)
    return 0


def cmd_priority(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.set_priority(args.id, args.priority)
    print(f"#{paper.id} priority: {paper.priority.value}", file=out)
    return 0


def cmd_rate(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.set_rating(args.id, args.stars or None)
    print(f"#{paper.id} rating: {paper.rating or 'none'}", file=out)
    return 0


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
        out.write(format_text(stats))
    return 0


def cmd_next(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.read_next()
    if paper is None:
        print("the reading queue is empty", file=out)
        return 0
    print(f"now reading #{paper.id}: {paper.title}", file=out)
    return 0


def cmd_note(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    text = args.text
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            print(library.get(args.id).note, file=out)  # no input: show the note
            return 0
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadinglistError(
                f"the note on standard input is not UTF-8 text ({exc})"
            ) from None
    paper = library.set_note(args.id, text)
    print(f"#{paper.id} note saved ({len(paper.note)} characters)", file=out)
    return 0


def cmd_delete(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    title = library.get(args.id).title
    library.delete(args.id)
    print(f"deleted #{args.id}: {title}", file=out)
    return 0


def cmd_reindex(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    library.reindex(_progress("indexing"))
    state = library.index_state()
    print(f"search index rebuilt: {state.documents} papers", file=out)
    return 0


def cmd_info(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    state = library.index_state()
    status, tags = library.status_counts(), library.tag_counts()
    data = {
        "library": str(library.folder),
        "papers": library.count(),
        "status": status,
        "tags": tags,
        "index": {
            "ready": state.ready,
            "documents": state.documents,
            "pending": state.pending,
            "message": state.message,
        },
    }
    if args.json:
        _dump(data, out)
    else:
        print(f"Library: {data['library']}", file=out)
        print(
            f"Papers:  {data['papers']} "
            f"({', '.join(f'{k} {v}' for k, v in status.items())})",
            file=out,
        )
        print(f"Tags:    {len(tags)}", file=out)
        print(f"Search:  {state.message}", file=out)
    return 0


def _line(paper: Paper) -> str:
    tags = f"  [{', '.join(paper.tags)}]" if paper.tags else ""
    year = str(paper.year) if paper.year else "    "
    return f"{paper.id:>5}  {paper.status.value:<7}  {year}  {paper.title}{tags}"


COMMANDS = {
    "import": cmd_import,
    "add": cmd_add,
    "fetch": cmd_fetch,
    "attach": cmd_attach,
    "export": cmd_export,
    "duplicates": cmd_duplicates,
    "merge": cmd_merge,
    "list": cmd_list,
    "search": cmd_search,
    "similar": cmd_similar,
    "show": cmd_show,
    "tag": cmd_tag,
    "status": cmd_status,
    "note": cmd_note,
    "priority": cmd_priority,
    "rate": cmd_rate,
    "queue": cmd_queue,
    "next": cmd_next,
    "stats": cmd_stats,
    "delete": cmd_delete,
    "reindex": cmd_reindex,
    "info": cmd_info,
}

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
