"""Commands that bring papers and files in or send them out, and tidy what came in: import,
export, fetch, attach, duplicates, merge."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..domain import ImportReport, Outcome, ReadinglistError
from ..system.files import write_atomically
from ..system.locations import sample_page_path
from .output import PROG, _dump, _progress, error_stream, plain_text

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


@plain_text
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
            # --files-from DIR: a folder the user chose, besides each file's own, that
            # attachments named in the files may come from.
            attachments_from=getattr(args, "files_from", None) or (),
            # --yes: look up a list of more identifiers than limits.MAX_IDENTIFIERS.
            confirmed=getattr(args, "yes", False),
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
                print(f"{PROG}: error: {message}", file=error_stream())
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


@plain_text
def cmd_fetch(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper, message = library.fetch_details(args.id)
    print(f"#{paper.id}: {paper.title}  ({message})", file=out)
    return 0


@plain_text
def cmd_attach(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper = library.attach_file(args.id, args.file, "link" if args.link else "copy")
    print(f"#{paper.id}: {len(paper.attachments)} attachment(s); "
          f"{paper.attachments[-1].path}", file=out)
    return 0


@plain_text
def cmd_export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if library.index_problem and args.query:
        library.ensure_index(_progress("indexing"))
    ids = library.select_ids(args.query, args.tag, args.status)
    text = library.export(args.fmt, ids)
    if args.output is None:
        out.write(text)
        return 0
    target = args.output.expanduser()
    # A new file with a random name created exclusively beside the target, then renamed:
    # an interrupted export never leaves half a file, and nothing planted in the folder
    # (a symlink at FILE.part, say) is ever written through.
    write_atomically(target, text)
    print(f"exported {len(ids)} paper(s) to {target}", file=error_stream())
    return 0


@plain_text
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


@plain_text
def cmd_merge(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    library.merge_papers(args.keep, args.others)
    paper = library.get(args.keep)
    print(f"merged {', '.join(f'#{i}' for i in args.others)} into #{paper.id}: {paper.title}",
          file=out)
    return 0
