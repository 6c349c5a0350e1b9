"""The argument parser: the global options and one subparser per command."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import __version__, importers
from ..domain import QUERY_EXAMPLES, Priority, Status
from ..exporters import FORMATS as _EXPORTERS
from ..importers.limits import MAX_IDENTIFIERS
from ..launch import GUI_HELP, library_option
from .commands_tags import add_colour_parser
from .output import PROG

# Names only: the importers' and exporters' registries import no format module, and the
# library service (its store and index) is not imported either, so that `--help` is quick
# (tests/test_startup_imports.py keeps it so).
EXPORT_FORMATS = sorted({*_EXPORTERS, "json"})
# Library.sort_keys (the store's SORT_KEYS), which would import the store (and sqlite_utils)
# to name them; tests/test_startup_imports.py checks that the two agree.
SORT_CHOICES = ("title", "authors", "year", "status", "added", "priority", "rating",
                "finished", "queue", "modified", "trashed", "tags", "id")
# The statuses by their names; aliases (unread for inbox) are accepted but not listed.
STATUS_CHOICES = "{" + ",".join(s.value for s in Status) + "}"


def build_parser() -> argparse.ArgumentParser:
    common = library_option()
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Readinglist: a reading-list manager for researchers. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo library: the bundled Daily Papers sample after five months "
        "of made-up reading, in a folder of its own (never your library)",
    )
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Readinglist to the desktop's application menu, with its icon, for the "
        "current user (Linux, BSD), then exit",
    )
    parser.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="remove what --install-desktop added, then exit",
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
    p.add_argument("--files-from", action="append", type=Path, metavar="DIR",
                   help="a folder that files the entries name (BibTeX file, RIS L1 ...) may "
                   "be attached from, besides the imported file's own folder (repeatable)")
    p.add_argument("--no-fetch", action="store_true",
                   help="do not look identifiers up on arXiv or Crossref")
    p.add_argument("--yes", action="store_true",
                   help=f"look up a list of more than {MAX_IDENTIFIERS} identifiers (else "
                   "such a file is refused, saying so)")
    p.add_argument("--no-merge", action="store_true",
                   help="add every entry as its own paper, even one the library has "
                   "(possible duplicates are still listed)")
    p.add_argument("--status", type=_status, metavar=STATUS_CHOICES,
                   help="status of the papers added (default: the file's, else inbox); "
                   "'read' imports a bibliography as references")
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
    which.add_argument("--status", type=_status, metavar=STATUS_CHOICES)
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="write to FILE (default: standard output)")

    p = add("duplicates", "list likely duplicates in the library")
    p.add_argument("--json", action="store_true")

    p = add("merge", "merge papers into the first one (empty fields filled, notes kept)")
    p.add_argument("keep", type=int)
    p.add_argument("others", type=int, nargs="+")

    p = add("list", "list papers")
    p.add_argument("--status", type=_status, metavar=STATUS_CHOICES)
    p.add_argument("--tag")
    p.add_argument("--sort", default="added", choices=SORT_CHOICES)
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--json", action="store_true")

    p = add("search", "full-text search (query language: see README)")
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = "the query language, briefly:\n" + "\n".join(
        f"  {example:36}  {meaning}" for example, meaning in QUERY_EXAMPLES)
    p.add_argument("query", nargs="?", default="",
                   help="what to find (omit with --saved)")
    p.add_argument("--saved", metavar="NAME", help="run the saved search NAME instead")
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
    p.add_argument("status", type=_status, metavar=STATUS_CHOICES)

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
    p.add_argument("text", nargs="?", help="the note; - or absent: read it from stdin "
                   "(with no input, the note is printed)")
    p.add_argument("--clear", action="store_true", help="erase the note (an empty note "
                   "on stdin is refused without it, so a mistake never erases one)")

    p = add("saved", "list the saved searches with their counts, or add or delete one")
    p.add_argument("--json", action="store_true")
    saved = p.add_subparsers(dest="saved_command", metavar="ACTION")
    s = saved.add_parser("add", help="save QUERY under NAME (optionally inside a status or "
                         "tag)")
    s.add_argument("name")
    s.add_argument("query")
    s.add_argument("--status", type=_status, metavar=STATUS_CHOICES,
                   help="only papers with this status")
    s.add_argument("--tag", help="only papers with this tag")
    s.add_argument("--replace", action="store_true", help="replace a saved search of "
                   "that name")
    s = saved.add_parser("delete", help="delete the saved search NAME")
    s.add_argument("name")

    p = add("tags", "list the library's tags with their counts, or rename, merge or delete "
            "one across the library")
    p.add_argument("--json", action="store_true")
    tags = p.add_subparsers(dest="tags_command", metavar="ACTION")
    t = tags.add_parser("rename", help="rename a tag on every paper (into an existing tag: "
                        "they merge)")
    t.add_argument("old")
    t.add_argument("new")
    t = tags.add_parser("merge", help="tag every paper of FROM... with INTO instead")
    t.add_argument("sources", nargs="+", metavar="FROM")
    t.add_argument("into", metavar="INTO")
    t = tags.add_parser("delete", help="remove a tag from every paper")
    t.add_argument("name")
    add_colour_parser(tags)

    p = add("delete", "move papers to the Trash (restore brings them back)")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p = add("trash", "list the papers in the Trash")
    p.add_argument("--json", action="store_true")
    p = add("restore", "put papers back from the Trash; or, given a FILE, make that backup "
            "the library's database (the current one is backed up first)")
    p.add_argument("ids", type=_id_or_file, nargs="+", metavar="ID|FILE",
                   help="papers' ids, or one backup FILE (see `backups`)")
    p = add("empty-trash", "delete the papers in the Trash for good (cannot be undone)")
    p.add_argument("--yes", action="store_true", help="really delete them")

    add("reindex", "rebuild the search index from the database")
    p = add("check", "check the database, the search index and the attached files; exit "
            "0 if sound, 1 if problems remain, 2 if the check could not run")
    p.add_argument("--repair", action="store_true", help="repair what can be (a backup is "
                   "taken first): orphan rows, damaged text, the search index")
    p.add_argument("--json", action="store_true")
    p = add("backup", "back the library's database up now: into the library's backups "
            "folder, or to FILE")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE",
                   help="where to write the backup (a folder: a dated file in it)")
    p = add("backups", "list the library's backups (taken daily, before updates, repairs "
            "and restores) with their dates, sizes and paper counts")
    p.add_argument("--json", action="store_true")
    p = add("info", "where the library is and what it holds")
    p.add_argument("--json", action="store_true")
    _fill_help(parser, "")
    return parser


# Help for arguments whose meaning is the same wherever they appear, and for the ones
# that differ by command ("command dest"): every argument of the CLI has help text.
_HELP = {
    "json": "print JSON for scripts",
    "id": "a paper's id (as `list` and `search` show it)",
    "ids": "papers' ids",
    "files": "files and folders to import (a folder: the PDFs in it)",
    "identifiers": "arXiv ids, arXiv URLs or DOIs",
    "file": "the file to attach (a PDF's text is indexed for search)",
    "fmt": "the format to write",
    "keep": "the paper that stays",
    "others": "the papers merged into it (deleted afterwards; undo with the GUI's Ctrl+Z)",
    "tag": "only papers with this tag",
    "sort": "the order of the list (default: added)",
    "limit": "most papers to show",
    "changes": "+name adds a tag, -name removes one",
    "priority": "low, normal or high",
    "stars": "1 to 5 stars; 0 removes the rating",
    "name": "the name (compared without case)",
    "query": "a query in the search language (see README)",
    "old": "the tag to rename",
    "new": "its new name (an existing tag: the two merge)",
    "sources": "the tags to merge",
    "into": "the tag they become",
    "status": "only papers with this status",
}
_COMMAND_HELP = {
    "status status": "the new status: inbox, queued, reading, read, skimmed or abandoned",
}


def _fill_help(parser: argparse.ArgumentParser, command: str) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                _fill_help(sub, f"{command} {name}".strip())
        elif action.help is None and not isinstance(action, argparse._HelpAction):
            action.help = _COMMAND_HELP.get(f"{command} {action.dest}",
                                            _HELP.get(action.dest))


def _status(text: str) -> Status:
    """A status by its name or an alias ('unread' is the inbox), in any case."""
    try:
        return Status.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _id_or_file(text: str) -> int | Path:
    """A paper's id (digits), else the path of a backup file."""
    return int(text) if text.strip().isdigit() else Path(text)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value
