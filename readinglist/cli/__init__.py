"""The `readinglist` command: with no subcommand it opens the GUI, otherwise it is the CLI.

Thin by design: parse arguments, call the Library, print text or --json. The parser is in
parser.py, the commands in commands_*.py (grouped by what they work on), and what they share
for printing in output.py; this module only dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO, TypeAlias

from ..domain import ReadinglistError
from ..launch import chosen_library
from .commands_library import cmd_info, cmd_reindex
from .commands_maintenance import cmd_backup, cmd_backups, cmd_check, without_library
from .commands_papers import (
    cmd_add,
    cmd_list,
    cmd_note,
    cmd_priority,
    cmd_rate,
    cmd_show,
    cmd_status,
    cmd_tag,
)
from .commands_reading import cmd_next, cmd_queue, cmd_stats
from .commands_saved import cmd_saved
from .commands_search import cmd_search, cmd_similar
from .commands_tags import cmd_tags
from .commands_transfer import (
    cmd_attach,
    cmd_duplicates,
    cmd_export,
    cmd_fetch,
    cmd_import,
    cmd_merge,
)
from .commands_trash import cmd_delete, cmd_empty_trash, cmd_restore, cmd_trash
from .output import PROG, _progress, error_stream, terminal
from .parser import EXPORT_FORMATS, build_parser

# The library service (the store, the search index) is imported once the arguments are
# parsed, and only by the commands that open a library: `--help` imports none of it
# (tests/test_startup_imports.py). The commands import it for their type hints only.
if TYPE_CHECKING:
    from ..library.service import Library

__all__ = [
    "COMMANDS",
    "EXPORT_FORMATS",
    "PROG",
    "build_parser",
    "cmd_add",
    "cmd_attach",
    "cmd_backup",
    "cmd_backups",
    "cmd_check",
    "cmd_delete",
    "cmd_duplicates",
    "cmd_empty_trash",
    "cmd_export",
    "cmd_fetch",
    "cmd_import",
    "cmd_info",
    "cmd_list",
    "cmd_merge",
    "cmd_next",
    "cmd_note",
    "cmd_priority",
    "cmd_queue",
    "cmd_rate",
    "cmd_reindex",
    "cmd_restore",
    "cmd_saved",
    "cmd_search",
    "cmd_show",
    "cmd_similar",
    "cmd_stats",
    "cmd_status",
    "cmd_tag",
    "cmd_tags",
    "cmd_trash",
    "main",
]

# Every command gets the open library, the parsed arguments and where to print; it returns
# the exit status.
Command: TypeAlias = Callable[["Library", argparse.Namespace, TextIO], int]

COMMANDS: dict[str, Command] = {
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
    "trash": cmd_trash,
    "tags": cmd_tags,
    "saved": cmd_saved,
    "restore": cmd_restore,
    "empty-trash": cmd_empty_trash,
    "reindex": cmd_reindex,
    "info": cmd_info,
    "check": cmd_check,
    "backup": cmd_backup,
    "backups": cmd_backups,
}


def _notice(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.install_desktop or args.uninstall_desktop:
        from .commands_desktop import install_desktop, uninstall_desktop

        return (install_desktop if args.install_desktop else uninstall_desktop)(args)
    library_path = chosen_library(args)
    if args.command in (None, "gui"):
        from ..gui.app import run  # Qt is imported only when the GUI is wanted

        return run(library_path, demo=args.demo)
    import sqlite3

    from ..library.service import Library
    from ..store.connections import BUSY_WAITING, is_busy, set_wait_notice

    # A wait for another process (its write, its hold of the search index) is told.
    set_wait_notice(_notice)
    try:
        # check, backups and restore FILE work on the folder: also where it cannot open.
        folder_command = without_library(args)
        if folder_command is not None:
            return folder_command(library_path, args, sys.stdout)
        # The index is built on demand: only `search` needs it, and `reindex` builds it anyway.
        with Library.open(library_path, build_index=False) as library:
            # A backlog an interrupted big import left is rebuilt at the first write.
            library.sync.catch_up_progress = _progress("updating the search index")
            # Text output without control characters (titles and file names come from
            # files of the web): see output.TerminalText.
            return COMMANDS[args.command](library, args, terminal(sys.stdout))
    except ReadinglistError as exc:
        print(f"{PROG}: error: {exc}", file=error_stream())
        return 1
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
        # Every write waits and says so (store/connections.py); this is a last guard.
        print(f"{PROG}: error: {BUSY_WAITING}; try again when it is done", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        sys.stderr.close()
        return 0
